import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeWorker, modelCacheName } from '../../web/src/isolation.js';

const win = { setTimeout, clearTimeout, MessageChannel };

test('the active worker: the controller at once, else the registration once it is active, never a wait for control', async () => {
  const controller = { id: 'controller' };
  assert.equal(await activeWorker(win, { controller, ready: new Promise(() => {}) }, 50), controller);
  // active but not controlling (a first visit, or a browser that never lets it control)
  const active = { id: 'active' };
  const t0 = performance.now();
  assert.equal(await activeWorker(win, { controller: null, ready: Promise.resolve({ active }) }, 5_000), active);
  assert.ok(performance.now() - t0 < 1_000); // not the 5 s wait
  // never active (installation failed): null after the wait
  assert.equal(await activeWorker(win, { controller: null, ready: new Promise(() => {}) }, 20), null);
});

test("the model cache's name comes from the worker, or null", async () => {
  const answering = {
    postMessage(msg, [port]) {
      assert.deepEqual(msg, { type: 'names' });
      port.postMessage({ model: 'txb-model-abc' });
    },
  };
  assert.equal(await modelCacheName(win, answering), 'txb-model-abc');
  assert.equal(await modelCacheName(win, { postMessage() {} }, { timeoutMs: 20 }), null); // an older worker
  assert.equal(await modelCacheName(win, null), null);
  const odd = { postMessage: (m, [port]) => port.postMessage({ model: 42 }) };
  assert.equal(await modelCacheName(win, odd), null);
});
