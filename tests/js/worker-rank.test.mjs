import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankByLogit, samplingSteps } from '../../web/src/sampling.js';
import { drawFor } from '../../web/src/gen/draw.js';
import { startWorker, logitsRow, sha256, INPUTS, DIMS } from './fake-worker.mjs';

// A worker with a loaded (fake) model.
async function worker() {
  const bytes = Uint8Array.from([1, 2, 3]);
  const { call } = startWorker(new Map([['http://h/g.onnx', bytes]]));
  const variant = {
    name: 'fp32',
    graphUrl: 'http://h/g.onnx',
    graphBytes: 3,
    graphSha256: sha256(bytes),
    bytes: 3,
    shards: [],
  };
  await call({ id: 1, type: 'load', variant, inputs: INPUTS, dims: DIMS, ort: {}, numThreads: 1 });
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
