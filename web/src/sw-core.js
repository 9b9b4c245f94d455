// The service worker's decisions, kept free of worker globals so Node can test them
// (web/src/sw.js wires them to the fetch/activate/message events).
//
// Two caches, both versioned by ids build.mjs writes into sw.js:
//   txb-site-<site id>    pages, assets, ORT files, the manifest: network first, the cache
//                         only when the network fails (so a rebuild is seen at once online)
//   txb-model-<model id>  graphs, weight shards, example traces under model/: cache first.
//                         The model id hashes the manifests (which carry every shard's
//                         sha256) and the other model files, so new weights mean a new cache.
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

// 'model' | 'site' | null (null: not ours to handle: another origin, not a GET, outside the scope).
export function classify(method, url, scope) {
  if (method !== 'GET') return null;
  const u = new URL(url);
  const s = new URL(scope);
  if (u.origin !== s.origin || !u.pathname.startsWith(s.pathname)) return null;
  const rel = u.pathname.slice(s.pathname.length);
  if (rel === 'sw.js') return null; // the browser fetches its own worker script
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
