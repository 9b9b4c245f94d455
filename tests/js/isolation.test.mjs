import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeWorker, modelCacheName, registerWorker } from '../../web/src/isolation.js';

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

// a page with a service worker that is ready at once; reload() records the call
function plainPage({ isolated = false, controller = null } = {}) {
  const calls = { reload: 0 };
  const store = new Map();
  const page = {
    ...win,
    isSecureContext: true,
    crossOriginIsolated: isolated,
    location: { protocol: 'http:', reload: () => calls.reload++ },
    sessionStorage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) },
    navigator: {
      serviceWorker: { controller, register: async () => ({}), ready: Promise.resolve({ active: { id: 'sw' } }) },
    },
  };
  return { page, calls };
}

test('a first visit reloads for isolation only where it buys threads, and at most once', async () => {
  const many = plainPage();
  assert.equal((await registerWorker(many.page, '/sw.js', { isolate: true })).reloading, true);
  assert.equal(many.calls.reload, 1);
  // the same tab again (the reload refused isolation): no second reload
  assert.equal((await registerWorker(many.page, '/sw.js', { isolate: true })).reloading, false);
  assert.equal(many.calls.reload, 1);
  // one thread either way (2 cores): no reload, and the worker still answers
  const two = plainPage();
  const r = await registerWorker(two.page, '/sw.js', { isolate: false, waitMs: 50 });
  assert.equal(r.reloading, false);
  assert.equal(two.calls.reload, 0);
  assert.deepEqual(await r.worker(), { id: 'sw' });
  // isolated already (txbuild serve): no reload wanted
  const served = plainPage({ isolated: true });
  assert.equal((await registerWorker(served.page, '/sw.js', { isolate: true })).reloading, false);
  assert.equal(served.calls.reload, 0);
});
