import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cacheNames,
  staleCaches,
  classify,
  cacheable,
  withIsolation,
  navigationFallbacks,
} from '../../web/src/sw-core.js';

const SCOPE = 'https://user.github.io/repo/';

test('model files are cache-first, everything else of the site network-first', () => {
  assert.equal(classify('GET', `${SCOPE}model/gpt2/fp32/model.onnx`, SCOPE), 'model');
  assert.equal(classify('GET', `${SCOPE}model/gpt2/fp32/model.onnx.data.0`, SCOPE), 'model');
  assert.equal(classify('GET', `${SCOPE}model/gpt2/examples/0.bin`, SCOPE), 'model');
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
