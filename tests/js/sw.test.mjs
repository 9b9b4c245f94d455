import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cacheNames,
  staleCaches,
  classify,
  cacheable,
  withIsolation,
  navigationFallbacks,
  htmlLinks,
  cssLinks,
  precacheList,
} from '../../web/src/sw-core.js';

const SCOPE = 'https://user.github.io/repo/';

test('model files are cache-first, graphs and weights are left to the model worker, the rest network-first', () => {
  // graphs and shards of a variant: not handled here (the model worker keeps them: model-cache.js)
  const h = `?h=${'a'.repeat(64)}`;
  for (const f of [
    'fp32/model.onnx',
    'fp32/model.onnx.data.0',
    'int8/model.onnx.data.12',
    'q4/lens.onnx',
    'fp16/model.onnx.data',
  ])
    assert.equal(classify('GET', `${SCOPE}model/gpt2/${f}${h}`, SCOPE), 'weights', f);
  assert.equal(classify('GET', `${SCOPE}model/gpt2/examples/0.bin`, SCOPE), 'model');
  assert.equal(classify('GET', `${SCOPE}model/gpt2/fp32/model.onnx.bak`, SCOPE), 'model');
  assert.equal(classify('GET', `${SCOPE}model/gpt2/model.onnx`, SCOPE), 'model'); // not in a variant's folder
  assert.equal(classify('GET', `${SCOPE}model/gpt2/manifest.json`, SCOPE), 'site');
  assert.equal(classify('GET', `${SCOPE}en/index.html?prompt=hi`, SCOPE), 'site');
  assert.equal(classify('GET', `${SCOPE}assets/app-ABC.js`, SCOPE), 'site');
  assert.equal(classify('GET', `${SCOPE}ort/ort-wasm-simd-threaded-1234.wasm`, SCOPE), 'site');
});

test('only same-origin GETs inside the scope are handled', () => {
  assert.equal(classify('POST', `${SCOPE}en/index.html`, SCOPE), null);
  assert.equal(classify('GET', 'https://cdn.example.com/repo/model/x/a.onnx', SCOPE), null);
  assert.equal(classify('GET', 'https://user.github.io/other/en/index.html', SCOPE), null);
  assert.equal(classify('GET', `${SCOPE}sw.js`, SCOPE), null);
});

test('cache names carry the build ids; activation drops only our stale caches', () => {
  const names = cacheNames({ site: 'aaa', model: 'bbb' });
  assert.deepEqual(names, { site: 'txb-site-aaa', model: 'txb-model-bbb' });
  assert.deepEqual(
    staleCaches(['txb-site-old', 'txb-site-aaa', 'txb-model-bbb', 'txb-model-old', 'someone-else'], names),
    ['txb-site-old', 'txb-model-old'],
  );
});

test('errors, opaque and partial responses are never cached', () => {
  assert.ok(cacheable(new Response('x', { status: 200 })) === false); // a constructed response is type "default"
  const r = (status, type = 'basic') => ({ status, type });
  assert.ok(cacheable(r(200)));
  assert.ok(!cacheable(r(404)));
  assert.ok(!cacheable(r(500)));
  assert.ok(!cacheable(r(206)));
  assert.ok(!cacheable(r(0, 'opaque')));
  assert.ok(!cacheable(r(200, 'cors')));
  assert.ok(!cacheable(null));
});

// The values are txbuild.htmlsafe.SECURITY_HEADERS' (build.mjs defines them into sw.js;
// tests/test_reliability_escape.py checks a built sw.js carries them): any set is applied.
const HEADERS = {
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Content-Security-Policy': "default-src 'self'",
  'Referrer-Policy': 'no-referrer',
};

test('responses get the security headers, keeping status, headers and body', async () => {
  const res = withIsolation(
    new Response('hello', {
      status: 201,
      statusText: 'Made',
      headers: { 'Content-Type': 'text/plain', 'Referrer-Policy': 'unsafe-url' },
    }),
    HEADERS,
  );
  assert.equal(res.status, 201);
  assert.equal(res.statusText, 'Made');
  assert.equal(res.headers.get('content-type'), 'text/plain');
  for (const [k, v] of Object.entries(HEADERS)) assert.equal(res.headers.get(k), v);
  assert.equal(await res.text(), 'hello');
  assert.equal(withIsolation(new Response(null, { status: 304 }), HEADERS).status, 304);
  const opaque = { status: 0 };
  assert.equal(withIsolation(opaque, HEADERS), opaque);
});

test('an offline navigation falls back to the page without its query, or its folder', () => {
  assert.deepEqual(navigationFallbacks(`${SCOPE}en/index.html?prompt=x#top`), [`${SCOPE}en/index.html`, `${SCOPE}en/`]);
  assert.deepEqual(navigationFallbacks(`${SCOPE}en/`), [`${SCOPE}en/`, `${SCOPE}en/index.html`]);
});

// The heads of the pages the build writes (templates/): the root chooser and a language page.
const ROOT = `<!doctype html><html lang="en"><head>
<link rel="icon" href="data:image/svg+xml,%3Csvg%3E">
<link rel="alternate" hreflang="en" href="en/index.html">
<link rel="alternate" hreflang="ko" href="ko/index.html">
<link rel="alternate" hreflang="x-default" href="index.html">
<link rel="stylesheet" href="assets/site-34ec5ab2fc.css">
<script src="assets/chooser-2e05e2c672.js" data-langs="[&#34;en&#34;, &#34;ko&#34;]" data-fallback="en"></script>
</head><body><a href="en/index.html">English</a></body></html>`;
const page = (lang) => `<!doctype html><html lang="${lang}"><head>
<link rel="alternate" hreflang="en" href="../en/index.html">
<link rel="alternate" hreflang="ko" href="../ko/index.html">
<link rel="alternate" hreflang="x-default" href="../index.html">
<link rel="stylesheet" href="../assets/site-34ec5ab2fc.css">
<link rel='stylesheet' href='../assets/app-QBX2AARI.css'>
<script type="application/json" id="txb-strings">{"a": "<link rel=\\"stylesheet\\">"}</script>
<script src="../assets/page-63c14a2a14.js"></script>
<script type="module" src="../assets/app-KX4DPRL5.js"></script>
</head><body><a href="https://arxiv.org/abs/1706.03762">paper</a><a href="../ko/index.html">한국어</a>
<img src="https://elsewhere.example/x.png"><img src="../assets/fig.svg?v=1&amp;w=2#f"></body></html>`;
const SITE_CSS = `@font-face{font-family:P;src:url(fonts/pretendard-0-8713e83342.woff2) format("woff2");unicode-range:U+AC00-D7A3}
@font-face{font-family:M;src:url("fonts/noto-sans-math-c39a9444f9.woff2")}
.x{background:url('data:image/png;base64,AAAA')} .y{background:url(https://cdn.example/z.png)}`;

test('a page names its other versions and the same-origin files it loads', () => {
  const base = `${SCOPE}en/index.html`;
  const { pages, files } = htmlLinks(page('en'), base, SCOPE);
  assert.deepEqual(pages, [`${SCOPE}en/index.html`, `${SCOPE}ko/index.html`, `${SCOPE}index.html`]);
  assert.deepEqual(files, [
    `${SCOPE}assets/site-34ec5ab2fc.css`,
    `${SCOPE}assets/app-QBX2AARI.css`,
    `${SCOPE}assets/page-63c14a2a14.js`,
    `${SCOPE}assets/app-KX4DPRL5.js`,
    `${SCOPE}assets/fig.svg?v=1&w=2`,
  ]);
  assert.deepEqual(cssLinks(SITE_CSS, `${SCOPE}assets/site-34ec5ab2fc.css`, SCOPE), [
    `${SCOPE}assets/fonts/pretendard-0-8713e83342.woff2`,
    `${SCOPE}assets/fonts/noto-sans-math-c39a9444f9.woff2`,
  ]);
});

test('the precache list after one visit to /en/: the root, both languages, their files and fonts (issue 21)', async () => {
  const files = {
    'en/index.html': page('en'),
    'ko/index.html': page('ko'),
    'index.html': ROOT,
    'assets/site-34ec5ab2fc.css': SITE_CSS,
    'assets/app-QBX2AARI.css': '.a{color:red}',
  };
  const read = async (url) => {
    const rel = new URL(url).pathname.slice(new URL(SCOPE).pathname.length);
    const text = files[rel === 'en/' ? 'en/index.html' : rel];
    if (text === undefined) throw new Error(`read ${url}`); // only pages and stylesheets are read
    return text;
  };
  const got = await precacheList(`${SCOPE}en/?prompt=hi#x`, read, SCOPE);
  assert.deepEqual(got.pages, [`${SCOPE}en/`, `${SCOPE}en/index.html`, `${SCOPE}ko/index.html`, `${SCOPE}index.html`]);
  const rel = got.files.map((u) => u.slice(SCOPE.length)).sort();
  assert.deepEqual(rel, [
    'assets/app-KX4DPRL5.js',
    'assets/app-QBX2AARI.css',
    'assets/chooser-2e05e2c672.js',
    'assets/fig.svg?v=1&w=2',
    'assets/fonts/noto-sans-math-c39a9444f9.woff2',
    'assets/fonts/pretendard-0-8713e83342.woff2',
    'assets/page-63c14a2a14.js',
    'assets/site-34ec5ab2fc.css',
  ]);
  // an offline navigation to / or /ko/ finds one of these keys
  for (const nav of [SCOPE, `${SCOPE}ko/`, `${SCOPE}ko/index.html?prompt=x`])
    assert.ok(
      navigationFallbacks(nav).some((k) => got.pages.includes(k)),
      nav,
    );
  // a page that cannot be read: no list (the worker then does not claim offline use)
  delete files['ko/index.html'];
  await assert.rejects(precacheList(`${SCOPE}en/index.html`, read, SCOPE), /ko\/index.html/);
});
