// The service worker's decisions, kept free of worker globals so Node can test them
// (web/src/sw.js wires them to the fetch/activate/message events).
//
// Two caches, both versioned by ids build.mjs writes into sw.js:
//   txb-site-<site id>    pages, assets, ORT files, the manifest: network first, the cache
//                         only when the network fails (so a rebuild is seen at once online)
//   txb-model-<model id>  graphs, weight shards, example traces under model/: cache first.
//                         The model id hashes the manifests (which carry every shard's
//                         sha256) and the other model files, so new weights mean a new cache.
//                         The graphs and weights ('weights') never stream through this worker:
//                         the model worker reads them from this cache and writes them into it
//                         itself (web/src/model-cache.js), after checking every byte against
//                         its sha256. Through here, 124 MB came at 30-40 MB/s and held up to
//                         three copies while it was teed to the page, the check and the cache.
// Any other txb-* cache is deleted when a new worker activates.

export const PREFIX = 'txb-';

export function cacheNames({ site, model }) {
  return { site: `${PREFIX}site-${site}`, model: `${PREFIX}model-${model}` };
}

// The caches an activating worker should delete: ours (txb-*) that it does not use.
export function staleCaches(keys, names) {
  const keep = new Set(Object.values(names));
  return keys.filter((k) => k.startsWith(PREFIX) && !keep.has(k));
}

// 'weights' | 'model' | 'site' | null (null: not ours to handle: another origin, not a GET,
// outside the scope). 'weights': a variant's graph or weight shard (model/<id>/<variant>/*.onnx*).
export function classify(method, url, scope) {
  if (method !== 'GET') return null;
  const u = new URL(url);
  const s = new URL(scope);
  if (u.origin !== s.origin || !u.pathname.startsWith(s.pathname)) return null;
  const rel = u.pathname.slice(s.pathname.length);
  if (rel === 'sw.js') return null; // the browser fetches its own worker script
  if (/^model\/[^/]+\/[^/]+\/[^/]+\.onnx(\.data(\.\d+)?)?$/.test(rel)) return 'weights';
  if (/^model\/[^/]+\//.test(rel) && !/\/(manifest|verify)\.json$/.test(rel)) return 'model';
  return 'site';
}

// Only complete same-origin answers are kept: no errors, no opaque or partial responses.
export function cacheable(res) {
  return !!res && res.status === 200 && res.type === 'basic';
}

// `headers`: the site's security headers, txbuild.htmlsafe.SECURITY_HEADERS (COOP/COEP make
// the page cross-origin isolated, so ORT can use threads, on hosts that cannot send them; CORP
// lets the isolated page load the response; the CSP, nosniff, no-referrer), which build.mjs
// hands sw.js as __TXB_HEADERS__.
export function withIsolation(res, headers, ResponseImpl = Response, HeadersImpl = Headers) {
  if (!res || res.status === 0) return res; // opaque: headers cannot be read or set
  const out = new HeadersImpl(res.headers);
  for (const [k, v] of Object.entries(headers)) out.set(k, v);
  // 204/304 must not carry a body
  const body = res.status === 204 || res.status === 304 ? null : res.body;
  return new ResponseImpl(body, { status: res.status, statusText: res.statusText, headers: out });
}

// Cache keys to try for a navigation that the network could not serve: the same page
// ignoring its query (the page keeps its state in the URL), and a folder's index.html.
export function navigationFallbacks(url) {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  const out = [u.href];
  if (u.pathname.endsWith('/')) out.push(`${u.href}index.html`);
  else if (u.pathname.endsWith('/index.html')) out.push(u.href.slice(0, -'index.html'.length));
  return out;
}

// The key a response is stored under: a navigation by its path alone (the page keeps its
// state, prompt included, in the query: one entry per page, not one per prompt), anything
// else by its full URL (model files carry their content hash in ?h=).
export function cacheKey(url, mode) {
  if (mode !== 'navigate') return url;
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  return u.href;
}

// The sha256 a model file's URL promises (?h=<64 hex>), or null.
export function promisedHash(url) {
  const h = new URL(url).searchParams.get('h');
  return h && /^[0-9a-f]{64}$/.test(h) ? h : null;
}

// Whether `res` may be stored: complete, same-origin, and, when its URL promises a hash,
// bytes that have that hash (a corrupt or tampered download never poisons the cache).
export async function storable(url, res, subtle = globalThis.crypto?.subtle) {
  if (!cacheable(res)) return false;
  const want = promisedHash(url);
  if (!want) return true;
  if (!subtle) return false;
  const digest = new Uint8Array(await subtle.digest('SHA-256', await res.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') === want;
}

// Offline is the whole site, not only the page visited: keeping a page also keeps the pages
// it names as its other versions (<link rel="alternate" hreflang>: the root and each language)
// and every same-origin file those pages load from their HTML (stylesheets, scripts, icons,
// images) or their stylesheets (fonts), read once over the network on the first controlled
// visit. The model and what the app fetches itself come in the page's own keep message.
const TAG = /<(link|script|img)\b([^>]*)>/gi;
const ATTR = /([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
const LINKED = new Set(['stylesheet', 'icon', 'preload', 'modulepreload', 'manifest']);

const unescape = (v) =>
  v
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;|&#34;/g, '"');

function resolved(ref, base, scope) {
  if (!ref || /^(data|blob|javascript|mailto):/i.test(ref)) return null;
  try {
    const u = new URL(ref, base);
    u.hash = '';
    return classify('GET', u.href, scope) ? u.href : null;
  } catch {
    return null;
  }
}

// {pages, files} an HTML page names: its other versions, and the files it loads.
export function htmlLinks(html, base, scope) {
  const pages = [];
  const files = [];
  for (const [, tag, rest] of html.matchAll(TAG)) {
    const a = {};
    for (const [, k, v1, v2] of rest.matchAll(ATTR)) a[k.toLowerCase()] = unescape(v1 ?? v2);
    const rel = (a.rel || '').toLowerCase().split(/\s+/);
    const name = tag.toLowerCase();
    const ref = name === 'link' ? a.href : a.src;
    const url = resolved(ref, base, scope);
    if (!url) continue;
    if (name === 'link' && rel.includes('alternate') && a.hreflang) pages.push(cacheKey(url, 'navigate'));
    else if (name !== 'link' || rel.some((r) => LINKED.has(r))) files.push(url);
  }
  return { pages: [...new Set(pages)], files: [...new Set(files)] };
}

// The url()s and @imports of a stylesheet (its fonts), resolved against the stylesheet.
export function cssLinks(css, base, scope) {
  const refs = [
    ...css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')/gi),
  ];
  const urls = refs.map((m) =>
    resolved(
      m.slice(1).find((x) => x !== undefined),
      base,
      scope,
    ),
  );
  return [...new Set(urls.filter(Boolean))];
}

// Every site file (not the model) that makes `page` and the pages it names work offline:
// `read(url)` gives a file's text (the worker reads it from its cache or the network and keeps
// it). Returns {pages, files} (pages: navigation keys); throws when a page or stylesheet
// cannot be read, so the worker never claims offline use it does not have.
export async function precacheList(page, read, scope) {
  const pages = [cacheKey(page, 'navigate')];
  const files = new Set();
  for (let i = 0; i < pages.length; i++) {
    const links = htmlLinks(await read(pages[i]), pages[i], scope);
    for (const p of links.pages) if (!pages.includes(p)) pages.push(p);
    for (const f of links.files) {
      if (files.has(f)) continue;
      files.add(f);
      if (/\.css$/i.test(new URL(f).pathname)) for (const g of cssLinks(await read(f), f, scope)) files.add(g);
    }
  }
  return { pages, files: [...files] };
}
