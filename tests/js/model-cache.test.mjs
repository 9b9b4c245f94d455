import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, sha256, INPUTS, DIMS } from './fake-worker.mjs';

// The model worker keeps a variant's graph and shards in the service worker's model cache
// itself (web/src/model-cache.js; the service worker no longer streams them): read first and
// checked, downloads written after the sessions exist, a 'stored' notice when they are.

const CACHE = 'txb-model-abc';
const graph = Uint8Array.from({ length: 64 }, (_, i) => i);
const shard = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 251);
const URLS = {
  graph: `http://h/m/fp32/model.onnx?h=${sha256(graph)}`,
  shard: `http://h/m/fp32/model.onnx.data.0?h=${sha256(shard)}`,
};
const variant = {
  name: 'fp32',
  graphUrl: URLS.graph,
  graphBytes: graph.length,
  graphSha256: sha256(graph),
  bytes: graph.length + shard.length,
  shards: [{ name: 'model.onnx.data.0', url: URLS.shard, bytes: shard.length, sha256: sha256(shard) }],
};
const network = new Map([
  [URLS.graph, graph],
  [URLS.shard, shard],
]);

// CacheStorage with one cache, as the browser's (match/put/delete by URL)
function fakeCaches(entries = {}) {
  const store = new Map(Object.entries(entries));
  const opened = [];
  const cache = {
    match: async (url) => (store.has(url) ? new Response(store.get(url).slice()) : undefined),
    put: async (url, res) => void store.set(url, new Uint8Array(await res.arrayBuffer())),
    delete: async (url) => store.delete(url),
  };
  const storage = {
    names: new Set([CACHE]),
    has: async (name) => storage.names.has(name),
    open: async (name) => (opened.push(name), storage.names.add(name), cache),
  };
  return { store, opened, storage };
}

async function load(caches, extra = {}) {
  const real = globalThis.caches;
  globalThis.caches = caches.storage;
  try {
    const w = startWorker(network);
    const done = await w.call({
      id: 1,
      type: 'load',
      variant,
      inputs: INPUTS,
      dims: DIMS,
      ort: {},
      numThreads: 1,
      cache: CACHE,
      ...extra,
    });
    for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0)); // the background writes
    return { ...w, result: done.m.result, stored: w.posted.filter((p) => p.m.type === 'stored').map((p) => p.m) };
  } finally {
    globalThis.caches = real;
  }
}

test('a first visit downloads the files, then keeps them in the named cache and says so', async () => {
  const c = fakeCaches();
  const w = await load(c);
  assert.deepEqual(w.fetched.sort(), [URLS.graph, URLS.shard].sort());
  assert.equal(w.result.storing, true);
  assert.deepEqual(w.stored, [{ type: 'stored', ok: true }]);
  assert.deepEqual([...new Set(c.opened)], [CACHE]);
  assert.deepEqual(c.store.get(URLS.graph), graph);
  assert.deepEqual(c.store.get(URLS.shard), shard);
});

test('kept files are read from the cache after their check, without the network', async () => {
  const c = fakeCaches({ [URLS.graph]: graph, [URLS.shard]: shard });
  const w = await load(c);
  assert.deepEqual(w.fetched, []);
  assert.equal(w.result.storing, false);
  assert.deepEqual(w.stored, []);
});

test('a kept file that fails its check is dropped and downloaded again, never used', async () => {
  const bad = shard.slice();
  bad[500] ^= 1; // the same size, one bit off
  const c = fakeCaches({ [URLS.graph]: graph, [URLS.shard]: bad });
  const w = await load(c);
  assert.deepEqual(w.fetched, [URLS.shard]);
  assert.deepEqual(w.stored, [{ type: 'stored', ok: true }]);
  assert.deepEqual(c.store.get(URLS.shard), shard); // the good copy replaced it
  // the bar counts the bad copy's bytes nowhere: it ends at the variant's size, not past it
  const last = w.posted.filter((p) => p.m.type === 'progress').at(-1).m;
  assert.deepEqual([last.loaded, last.total], [variant.bytes, variant.bytes]);
});

test('a Retry reads past the cache; with no cache named nothing is read or kept', async () => {
  const c = fakeCaches({ [URLS.graph]: graph, [URLS.shard]: shard });
  const retry = await load(c, { reload: true });
  assert.deepEqual(retry.fetched.sort(), [URLS.graph, URLS.shard].sort());
  const none = fakeCaches();
  const w = await load(none, { cache: null });
  assert.equal(w.fetched.length, 2);
  assert.equal(w.result.storing, false);
  assert.deepEqual(none.opened, []);
  assert.equal(none.store.size, 0);
});

test('a download that fails its check is never kept', async () => {
  const c = fakeCaches();
  const real = globalThis.caches;
  globalThis.caches = c.storage;
  try {
    const bad = shard.slice();
    bad[0] ^= 1;
    const w = startWorker(
      new Map([
        [URLS.graph, graph],
        [URLS.shard, bad],
      ]),
    );
    const p = await w.call(
      { id: 1, type: 'load', variant, inputs: INPUTS, dims: DIMS, ort: {}, numThreads: 1, cache: CACHE },
      { ok: false },
    );
    assert.equal(p.m.type, 'error');
    assert.match(p.m.message, /sha256/);
  } finally {
    globalThis.caches = real;
  }
  assert.equal(c.store.size, 0);
});

test('a cache a newer service worker deleted is not made again: nothing is kept, nothing is read', async () => {
  const c = fakeCaches({ [URLS.graph]: graph, [URLS.shard]: shard });
  c.storage.names.delete(CACHE);
  const w = await load(c);
  assert.equal(w.fetched.length, 2); // its entries are not read either
  assert.deepEqual(w.stored, [{ type: 'stored', ok: false }]);
  assert.deepEqual(c.opened, []);
  assert.equal(c.storage.names.has(CACHE), false);
});
