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
} from './sw-core.js';

const NAMES = cacheNames({ site: __TXB_SW_SITE__, model: __TXB_SW_MODEL__ });
const pending = new Set(); // cache writes still streaming

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keys = await caches.keys();
      await Promise.all(staleCaches(keys, NAMES).map((k) => caches.delete(k)));
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
  if (!kind) return;
  const answer = kind === 'model' ? cacheFirst(event, req) : networkFirst(event, req);
  event.respondWith(answer.then((res) => withIsolation(res, __TXB_HEADERS__)));
});

// The page, once its model runs, sends {type: 'keep', page, site: [urls], model: [urls]}: the
// page itself, what it loaded before this worker controlled it (the first visit), and the
// model files it needs. The worker stores whichever are missing, waits for writes in flight
// and answers on the message port {offline: true} when the page and every model file are
// stored (the other site files are kept as well as they can be).
async function keep(msg) {
  const scope = self.registration.scope;
  const ours = (urls) => (Array.isArray(urls) ? urls : []).filter((u) => classify('GET', u, scope));
  const site = await caches.open(NAMES.site);
  const model = await caches.open(NAMES.model);
  const page = ours([msg.page]).map((u) => cacheKey(u, 'navigate'));
  const want = [
    ...page.map((u) => [site, u, true]),
    ...ours(msg.site).map((u) => [site, u, false]),
    ...ours(msg.model).map((u) => [model, u, false]),
  ];
  const has = (cache, url, anyQuery) => cache.match(url, { ignoreSearch: anyQuery });
  for (const [cache, url, anyQuery] of want) {
    if (await has(cache, url, anyQuery)) continue;
    try {
      const res = await fetch(url, { credentials: 'same-origin' });
      if (await storable(url, res.clone())) await cache.put(url, res);
    } catch {
      /* offline or gone: the answer below says so */
    }
  }
  await Promise.allSettled([...pending]);
  const need = [...page.map((u) => [site, u, true]), ...ours(msg.model).map((u) => [model, u, false])];
  if (!page.length || need.length < 2) return false;
  for (const [cache, url, anyQuery] of need) if (!(await has(cache, url, anyQuery))) return false;
  return true;
}

self.addEventListener('message', (event) => {
  const msg = event.data;
  if (!msg || msg.type !== 'keep') return;
  const port = event.ports[0];
  event.waitUntil(
    keep(msg)
      .catch(() => false)
      .then((offline) => port?.postMessage({ offline })),
  );
});
