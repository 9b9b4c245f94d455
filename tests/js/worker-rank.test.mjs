import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { serve } from '../../web/src/worker-core.js';
import { rankByLogit, samplingSteps } from '../../web/src/sampling.js';
import { drawFor } from '../../web/src/gen/draw.js';

const V = 50257;

// logits with ties and both signs, as a model's last row can have
function logitsRow(seed) {
  const row = new Float32Array(V);
  let x = seed;
  for (let i = 0; i < V; i++) {
    x = (x * 16807) % 2147483647;
    row[i] = Math.round(((x / 2147483647) * 2 - 1) * 400) / 40;
  }
  return row;
}

// The worker over a fake ORT whose graph returns `rows` rows of logits (and an empty cache).
async function worker() {
  const bytes = Uint8Array.from([1, 2, 3]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const ort = {
    env: { wasm: {} },
    Tensor: class {
      constructor(type, data, dims) {
        Object.assign(this, { type, data, dims });
      }
    },
    InferenceSession: {
      async create() {
        return {
          async run(feeds, names) {
            const T = feeds.input_ids.dims[1];
            const data = new Float32Array(T * V);
            for (let t = 0; t < T; t++) data.set(logitsRow(t + 7), t * V);
            const out = { logits: { dims: [1, T, V], type: 'float32', data } };
            for (const n of names.filter((x) => x.startsWith('present_')))
              out[n] = { dims: [1, 1, T, 1], type: 'float32', data: new Float32Array(T) };
            return out;
          },
        };
      },
    },
  };
  const posted = [];
  const scope = { postMessage: (m, transfer) => posted.push({ m, transfer }), navigator: {} };
  serve(scope, ort, 'wasm');
  const inputs = [
    { name: 'input_ids', dims: ['batch', 'seq'], dtype: 'int64' },
    { name: 'past_key', dims: ['layer', 'batch', 'head', 'past', 'head_dim'], dtype: 'float32' },
  ];
  const call = async (msg) => {
    const realFetch = globalThis.fetch;
    globalThis.fetch = async () => new Response(bytes);
    try {
      scope.onmessage({ data: msg });
      for (let i = 0; i < 500 && !posted.some((p) => p.m.id === msg.id); i++)
        await new Promise((r) => setTimeout(r, 0));
    } finally {
      globalThis.fetch = realFetch;
    }
    const p = posted.find((x) => x.m.id === msg.id);
    assert.equal(p.m.type, 'done', p.m.message);
    return p;
  };
  const variant = {
    name: 'fp32',
    graphUrl: 'http://h/g.onnx',
    graphBytes: 3,
    graphSha256: sha256,
    bytes: 3,
    shards: [],
  };
  await call({
    id: 1,
    type: 'load',
    variant,
    inputs,
    dims: { layer: 1, head: 1, head_dim: 1 },
    ort: {},
    numThreads: 1,
  });
  return call;
}

test('the worker ranks the last row of every prediction it returns, and hands the ranking over', async () => {
  const call = await worker();
  const run = await call({ id: 2, type: 'run', ids: [5, 6, 7], outputs: ['logits'] });
  assert.deepEqual(run.m.result.order, rankByLogit(logitsRow(2 + 7))); // the last of 3 rows
  assert.ok(run.transfer.includes(run.m.result.order.buffer)); // moved, not copied
  const step = await call({ id: 3, type: 'step', ids: [5, 6, 7, 8], norms: false });
  assert.deepEqual(step.m.result.order, rankByLogit(step.m.result.logits));
  assert.ok(step.transfer.includes(step.m.result.order.buffer));
  // a run without the logits has nothing to rank
  const none = await call({ id: 4, type: 'run', ids: [5], outputs: [] });
  assert.equal(none.m.result.order, null);
});

test('samplingSteps takes a ranking made elsewhere as it is, and refuses one of another size', () => {
  const logits = logitsRow(3);
  const order = rankByLogit(logits);
  const s = { mode: 'topp', temperature: 0.8, topP: 0.9, topK: 40, seed: 4 };
  const given = samplingSteps(logits, s, order);
  assert.equal(given.order, order); // not re-ranked
  assert.deepEqual(given, samplingSteps(logits, s));
  assert.deepEqual(drawFor(logits, s, 3, order), drawFor(logits, s, 3));
  assert.throws(() => samplingSteps(logits, s, order.subarray(1)), /a ranking of 50256 for 50257 logits/);
});
