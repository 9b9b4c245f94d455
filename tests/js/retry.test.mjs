// A Retry after a failed or corrupt download refetches past the HTTP cache (which may hold the
// very bytes that failed): the controller asks for a reload, the worker passes cache: 'reload'
// to every fetch of that load, and a first load keeps the default cache mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/state.js';
import { goldenManifest } from './golden.mjs';
import { createController, initialState, STATE_KEYS } from '../../web/src/controller.js';
import { serve } from '../../web/src/worker-core.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

// the manifest the build writes (tests/js/fixtures/golden-manifest.json)
const manifest = goldenManifest();

test('Retry after a failed load asks the worker for a reload; the first load does not', async () => {
  const loads = [];
  const store = createStore(initialState(manifest, 'fp32'), { keys: STATE_KEYS });
  const c = createController({
    store,
    loadTokenizer: async () => ({
      encodeText: (s) => [...s].map(() => 0),
      tokenLabel: () => ({ text: 'a', bytes: false }),
    }),
    createClient: () => ({
      async load(msg) {
        loads.push(msg.reload);
        throw new Error('sha256 mismatch');
      },
      run: async () => ({ outputs: {}, ms: 0 }),
      destroy() {},
    }),
    ortPaths: {},
    numThreads: 1,
    debounceMs: 0,
    mark: () => {},
  });
  c.start('fp32');
  await tick();
  await tick();
  assert.equal(store.get().model.phase, 'error');
  c.selectVariant('fp32'); // the Retry button
  await tick();
  assert.deepEqual(loads, [false, true]);
});

function fakeWorker() {
  const posted = [];
  const scope = { postMessage: (m) => posted.push(m) };
  serve(scope, { env: { wasm: {} } }, 'wasm');
  const send = async (msg) => {
    scope.onmessage({ data: msg });
    for (let i = 0; i < 20 && !posted.some((m) => m.id === msg.id && m.type !== 'progress'); i++) await tick();
    return posted.find((m) => m.id === msg.id);
  };
  return send;
}

test('the worker fetches every model file with cache: reload on a Retry, default otherwise', async () => {
  const seen = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    seen.push([url, init.cache]);
    return new Response('gone', { status: 404 });
  };
  try {
    const send = fakeWorker();
    const variant = {
      name: 'fp32',
      graphUrl: 'http://h/g.onnx',
      graphBytes: 4,
      graphSha256: 'a'.repeat(64),
      bytes: 8,
      shards: [{ name: 'g.onnx.data.0', url: 'http://h/g.onnx.data.0', bytes: 4, sha256: 'b'.repeat(64) }],
    };
    const first = await send({ id: 1, type: 'load', variant, inputs: [], dims: {}, ort: {}, numThreads: 1 });
    assert.equal(first.type, 'error');
    assert.match(first.message, /HTTP 404/);
    const retry = await send({
      id: 2,
      type: 'load',
      variant,
      inputs: [],
      dims: {},
      ort: {},
      numThreads: 1,
      reload: true,
    });
    assert.equal(retry.type, 'error');
    const modes = (from) => seen.filter(([u]) => u.startsWith(from));
    assert.deepEqual(
      seen.slice(0, 2).map(([, m]) => m),
      ['default', 'default'],
    );
    assert.deepEqual(
      seen.slice(2).map(([, m]) => m),
      ['reload', 'reload'],
    );
    assert.equal(modes('http://h/g.onnx').length, 4); // the graph and its shard, twice
  } finally {
    globalThis.fetch = realFetch;
  }
});
