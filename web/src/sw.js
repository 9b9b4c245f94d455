// The site's one service worker (<site>/sw.js, scope: the site root). It
//  (a) adds COOP/COEP/CORP to same-origin responses, so hosts that cannot send those headers
//      (GitHub Pages) still give a cross-origin isolated page after one reload (the page side
//      is web/src/isolation.js); and
//  (b) keeps the site and the model in the Cache API for offline use (see sw-core.js).
// Only same-origin GETs inside the scope are handled; everything else goes to the network as
// if there were no worker. __TXB_SW_SITE__ / __TXB_SW_MODEL__ / __TXB_HEADERS__ come from build.mjs.

import {
  cacheNames,
  staleCaches,
  classify,
  cacheable,
  withIsolation,
  navigationFallbacks,
  cacheKey,
  storable,
  precacheList,
} from './sw-core.js';

const NAMES = cacheNames({ site: __TXB_SW_SITE__, model: __TXB_SW_MODEL__ });
const pending = new Set(); // cache writes still streaming

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keys = await caches.keys();
      await Promise.all(staleCaches(keys, NAMES).map((k) => caches.delete(k)));
      // ours exist from now on: the model worker writes into the model cache only if it exists
      await Promise.all([caches.open(NAMES.site), caches.open(NAMES.model)]);
      await self.clients.claim();
    })(),
  );
});

function remember(name, key, res, event) {
  if (!cacheable(res)) return;
  // A clone to check (a hash in ?h= must match the bytes) and the response itself to store.
  const check = res.clone();
  const p = storable(key, check)
    .then((ok) => ok && caches.open(name).then((c) => c.put(key, res)))
    .catch(() => {}) // quota, aborted body: the page has its bytes anyway
    .finally(() => pending.delete(p));
  pending.add(p);
  event?.waitUntil?.(p);
}

async function networkFirst(event, req) {
  try {
    const res = await fetch(req);
    remember(NAMES.site, cacheKey(req.url, req.mode), res.clone(), event);
    return res;
  } catch (err) {
    const cache = await caches.open(NAMES.site);
    const keys = req.mode === 'navigate' ? navigationFallbacks(req.url) : [req.url];
    for (const k of keys) {
      const hit = await cache.match(k, { ignoreSearch: req.mode === 'navigate' });
      if (hit) return hit;
    }
    throw err;
  }
}

async function cacheFirst(event, req) {
  const hit = await (await caches.open(NAMES.model)).match(req.url);
  if (hit) return hit;
  const res = await fetch(req);
  remember(NAMES.model, req.url, res.clone(), event);
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.cache === 'only-if-cached' && req.mode !== 'same-origin') return; // a Chrome devtools quirk
  const kind = classify(req.method, req.url, self.registration.scope);
  // the graphs and weights go straight to the network: the model worker keeps them (sw-core.js)
  if (!kind || kind === 'weights') return;
  const answer = kind === 'model' ? cacheFirst(event, req) : networkFirst(event, req);
  event.respondWith(answer.then((res) => withIsolation(res, __TXB_HEADERS__)));
});

// {type: 'names'} is answered on its port with {model: <the model cache's name>}.
// The page, once its model runs, sends {type: 'keep', page, site: [urls], model: [urls]}: the
// page itself, what it loaded before this worker controlled it (the first visit), and the
// model files it needs. The worker stores whichever are missing, and the rest of the site the
// page names (the root, the other language, their scripts, stylesheets and fonts: sw-core.js
// precacheList), waits for writes in flight and answers on the message port {offline: true}
// when the page, every model file and every page with its files are stored (the page's other
// site files are kept as well as they can be).
async function keep(msg) {
  // a file the page fetched through this worker may still be being stored: never fetch it twice
  await Promise.allSettled([...pending]);
  const scope = self.registration.scope;
  const ours = (urls) => (Array.isArray(urls) ? urls : []).filter((u) => classify('GET', u, scope));
  // the page's list names every file it loaded, model files among them (an example trace):
  // those are the model cache's, never fetched again for the site cache
  const siteFiles = ours(msg.site).filter((u) => classify('GET', u, scope) === 'site');
  const site = await caches.open(NAMES.site);
  const model = await caches.open(NAMES.model);
  const page = ours([msg.page]).map((u) => cacheKey(u, 'navigate'));
  const want = [
    ...page.map((u) => [site, u, true]),
    ...siteFiles.map((u) => [site, u, false]),
    ...ours(msg.model).map((u) => [model, u, false]),
  ];
  const has = (cache, url, anyQuery) => cache.match(url, { ignoreSearch: anyQuery });
  for (const [cache, url, anyQuery] of want) if (!(await has(cache, url, anyQuery))) await store(cache, url);
  // the site's other pages (the root, each language) and every file they load (sw-core.js)
  const whole = page.length ? await precacheList(page[0], (u) => readKept(site, u), scope).catch(() => null) : null;
  if (!whole) return false;
  for (const url of whole.files) if (!(await has(site, url, false))) await store(site, url);
  await Promise.allSettled([...pending]);
  const need = [
    ...page.map((u) => [site, u, true]),
    ...ours(msg.model).map((u) => [model, u, false]),
    ...[...whole.pages, ...whole.files].map((u) => [site, u, false]),
  ];
  if (!page.length || !ours(msg.model).length) return false;
  for (const [cache, url, anyQuery] of need) if (!(await has(cache, url, anyQuery))) return false;
  return true;
}

// Fetches `url` into `cache`: resolves to true (with `text`, the response's text) once it is
// stored, null when it could not be (offline, gone: keep's answer says so).
async function store(cache, url, { text = false } = {}) {
  try {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!(await storable(url, res.clone()))) return null;
    const body = text ? res.clone().text() : true;
    await cache.put(url, res);
    return await body;
  } catch {
    return null;
  }
}

// A site file's text, from the cache or else fetched and kept; throws when neither works.
async function readKept(cache, url) {
  const hit = await cache.match(url);
  const text = hit ? await hit.text() : await store(cache, url, { text: true });
  if (text === null) throw new Error(`${url}: not stored`);
  return text;
}

self.addEventListener('message', (event) => {
  const msg = event.data;
  const port = event.ports[0];
  // the model worker keeps the graphs and weights in this worker's model cache: its name
  if (msg?.type === 'names') return port?.postMessage({ model: NAMES.model });
  if (!msg || msg.type !== 'keep') return;
  event.waitUntil(
    keep(msg)
      .catch(() => false)
      .then((offline) => port?.postMessage({ offline })),
  );
});
