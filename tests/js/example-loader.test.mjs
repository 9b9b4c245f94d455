import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/state.js';
import { createController, initialState, STATE_KEYS } from '../../web/src/controller.js';
import { createExampleLoader } from '../../web/src/run/example-loader.js';
import { goldenManifest } from './golden.mjs';

const manifest = goldenManifest();
const tick = () => new Promise((r) => setTimeout(r, 0));

// a trace fetch that counts its calls per example and answers with logits only
function countingFetch(fetched) {
  return async (i) => {
    fetched.push(i);
    await tick();
    const n = manifest.examples[i].ids.length * manifest.dims.vocab;
    return { logits: { dims: [manifest.examples[i].ids.length, manifest.dims.vocab], data: new Float32Array(n) } };
  };
}

test('the loader fetches a picked example once, however often it is asked for', async () => {
  const fetched = [];
  const loader = createExampleLoader(countingFetch(fetched));
  const [a, b] = await Promise.all([loader.load(2), loader.load(2)]);
  assert.equal(a, b);
  await loader.load(2);
  assert.deepEqual(fetched, [2]);
  assert.deepEqual(loader.requested(), [2]);
});

test('a failed fetch is tried again the next time', async () => {
  let calls = 0;
  const loader = createExampleLoader(async () => {
    calls += 1;
    if (calls === 1) throw new Error('HTTP 503');
    return { ok: true };
  });
  await assert.rejects(loader.load(1), /503/);
  assert.deepEqual(loader.requested(), []);
  assert.deepEqual(await loader.load(1), { ok: true });
  assert.equal(calls, 2);
});

test('the first screen fetches only its example; another loads when picked, once; the rest never', async () => {
  const fetched = [];
  const loader = createExampleLoader(countingFetch(fetched));
  const store = createStore(initialState(manifest, 'fp32'), { keys: STATE_KEYS });
  const c = createController({
    store,
    loadTokenizer: () => new Promise(() => {}), // never arrives: only the examples are at stake
    createClient: () => ({ load: () => new Promise(() => {}), destroy() {} }),
    ortPaths: {},
    numThreads: 1,
    debounceMs: 0,
    loadExample: loader.load,
  });
  c.start('fp32');
  await tick();
  await tick();
  assert.deepEqual(fetched, [manifest.defaultExample]);
  assert.equal(store.get().trace.example, manifest.defaultExample);
  const other = manifest.examples.findIndex((_, i) => i !== manifest.defaultExample);
  c.useExample(other);
  c.useExample(other);
  await tick();
  await tick();
  c.useExample(manifest.defaultExample); // back to the first: already here
  await tick();
  await tick();
  assert.deepEqual(fetched, [manifest.defaultExample, other]);
  assert.equal(manifest.examples.length > 2, true); // so some example was never fetched
});

test('parseTraceSliced decodes what parseTrace does, one tensor per task', async () => {
  const { parseTraceSliced } = await import('../../web/src/run/example-loader.js');
  const { parseTrace } = await import('../../web/src/explainer/tensors.js');
  const buf = new Float32Array([1, 2, 3, 4, 5, 6]).buffer;
  const index = [
    { name: 'a', dims: [2], offset: 0, length: 2, dtype: 'float32' },
    { name: 'b', dims: [2, 2], offset: 8, length: 4, dtype: 'float32' },
  ];
  let pauses = 0;
  const out = await parseTraceSliced(buf, index, async () => {
    pauses += 1;
  });
  assert.equal(pauses, 2);
  assert.deepEqual(out, parseTrace(buf, index));
});
