import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  availableBackends,
  pickBackend,
  threadCount,
  badRuntimeParams,
  workerProviders,
} from '../../web/src/backend.js';

test('WebGPU is offered only when the browser gives an adapter', async () => {
  assert.deepEqual(await availableBackends({}), ['wasm']);
  assert.deepEqual(await availableBackends({ gpu: { requestAdapter: async () => null } }), ['wasm']);
  assert.deepEqual(
    await availableBackends({
      gpu: {
        requestAdapter: async () => {
          throw new Error('no');
        },
      },
    }),
    ['wasm'],
  );
  assert.deepEqual(await availableBackends({ gpu: { requestAdapter: async () => ({}) } }), ['webgpu', 'wasm']);
});

test('?backend= picks among the available backends only', () => {
  assert.equal(pickBackend(['webgpu', 'wasm'], ''), 'webgpu');
  assert.equal(pickBackend(['webgpu', 'wasm'], '?backend=wasm'), 'wasm');
  assert.equal(pickBackend(['wasm'], '?backend=webgpu'), 'wasm');
});

test('threads follow the measured table, not the core count', () => {
  assert.equal(threadCount({ isolated: false, cores: 8 }), 1);
  assert.equal(threadCount({ isolated: true, cores: 2 }), 1); // measured: 1 thread beat 2 on 2 cores
  assert.equal(threadCount({ isolated: true, cores: 16 }), 4);
  assert.equal(threadCount({ isolated: true, cores: 2, search: '?threads=2' }), 2);
  assert.equal(threadCount({ isolated: true, cores: 2, search: '?threads=99' }), 1);
});

test('a ?backend= or ?threads= the page cannot follow is named for the notice (issue 21)', () => {
  const both = ['webgpu', 'wasm'];
  assert.deepEqual(badRuntimeParams(both, ''), []);
  assert.deepEqual(badRuntimeParams(both, '?backend=webgpu&threads=16'), []);
  assert.deepEqual(badRuntimeParams(['wasm'], '?backend=wasm&threads=1'), []);
  // unknown, or not offered by this browser: the first available runs instead
  for (const q of ['?backend=cuda', '?backend=', '?backend=WASM'])
    assert.deepEqual(badRuntimeParams(both, q), ['backend'], q);
  assert.deepEqual(badRuntimeParams(['wasm'], '?backend=webgpu'), ['backend']);
  assert.equal(pickBackend(['wasm'], '?backend=webgpu'), 'wasm');
  for (const q of [
    '?threads=0',
    '?threads=17',
    '?threads=-1',
    '?threads=2.5',
    '?threads=abc',
    '?threads=',
    '?threads=1e1',
  ])
    assert.deepEqual(badRuntimeParams(both, q), ['threads'], q);
  assert.deepEqual(badRuntimeParams(both, '?backend=x&threads=x'), ['backend', 'threads']);
  // what is named is what threadCount ignores
  assert.equal(threadCount({ isolated: true, cores: 2, search: '?threads=2.5' }), 1);
  assert.equal(threadCount({ isolated: true, cores: 2, search: '?threads=1e1' }), 1);
});

// The WebGPU worker where the page had an adapter but the worker gets none (issue 21): the
// worker must ask ORT for what starts there and report it, not the backend it was built for.
async function loadInWorker(backend, navigator, { device = true } = {}) {
  const { serve } = await import('../../web/src/worker-core.js');
  const { createHash } = await import('node:crypto');
  const bytes = Uint8Array.from([1, 2, 3, 4]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const sessions = [];
  const ort = {
    env: { wasm: {}, webgpu: {} },
    InferenceSession: {
      async create(_graph, opts) {
        sessions.push(opts.executionProviders);
        // ORT's WebGPU provider sets env.webgpu.device when it starts (here: unless told not to)
        if (device && opts.executionProviders[0] === 'webgpu') ort.env.webgpu.device = {};
        return { release: async () => {} };
      },
    },
  };
  const posted = [];
  const scope = { postMessage: (m) => posted.push(m), navigator };
  serve(scope, ort, backend);
  const realFetch = globalThis.fetch;
  globalThis.fetch = async () => new Response(bytes);
  try {
    const variant = {
      name: 'fp32',
      graphUrl: 'http://h/g.onnx',
      graphBytes: 4,
      graphSha256: sha256,
      bytes: 4,
      shards: [],
    };
    scope.onmessage({ data: { id: 1, type: 'load', variant, inputs: [], dims: {}, ort: {}, numThreads: 1 } });
    for (let i = 0; i < 200 && !posted.some((m) => m.id === 1); i++) await new Promise((r) => setTimeout(r, 0));
  } finally {
    globalThis.fetch = realFetch;
  }
  return { done: posted.find((m) => m.id === 1), sessions };
}

test('the worker reports the backend ORT runs: WebGPU asked for, no adapter in the worker -> wasm', async () => {
  for (const nav of [{}, { gpu: { requestAdapter: async () => null } }]) {
    const { done, sessions } = await loadInWorker('webgpu', nav);
    assert.equal(done.type, 'done', done.message);
    assert.equal(done.result.backend, 'wasm');
    assert.deepEqual(sessions, [['wasm'], ['wasm']]); // the warm-up and the model: never 'webgpu'
  }
  const gpu = await loadInWorker('webgpu', { gpu: { requestAdapter: async () => ({}) } });
  assert.equal(gpu.done.result.backend, 'webgpu');
  assert.deepEqual(gpu.sessions.at(-1), ['webgpu', 'wasm']);
  // an adapter, but ORT's WebGPU provider did not start (no device): it ran on wasm
  const noDevice = await loadInWorker('webgpu', { gpu: { requestAdapter: async () => ({}) } }, { device: false });
  assert.equal(noDevice.done.result.backend, 'wasm');
  const wasm = await loadInWorker('wasm', { gpu: { requestAdapter: async () => ({}) } });
  assert.equal(wasm.done.result.backend, 'wasm');
  assert.deepEqual(wasm.sessions.at(-1), ['wasm']);
});

test('workerProviders asks ORT for WebGPU only where the worker has an adapter', async () => {
  assert.deepEqual(await workerProviders('wasm', {}), { backend: 'wasm', providers: ['wasm'] });
  assert.deepEqual(await workerProviders('webgpu', {}), { backend: 'wasm', providers: ['wasm'], fallback: 'webgpu' });
  assert.deepEqual(await workerProviders('webgpu', { gpu: { requestAdapter: async () => ({}) } }), {
    backend: 'webgpu',
    providers: ['webgpu', 'wasm'],
  });
});
