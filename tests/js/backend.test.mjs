import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableBackends, pickBackend, threadCount } from '../../web/src/backend.js';

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
