// The main thread's faster forms of the per-token numbers give exactly what the plain forms
// give: rankByLogit's keyed sort = the comparator sort, softmaxTopK's probabilities = the
// whole-row softmax's, bit for bit, on GPT-2's vocabulary size with ties, ±0 and −∞.
import test from 'node:test';
import assert from 'node:assert/strict';
import { rankByLogit } from '../../web/src/sampling.js';
import { softmaxTopK } from '../../web/src/topk.js';
import { softmax, topK } from '../../web/src/numerics.js';
import { seededRandom } from '../../web/src/rng.js';

const V = 50257;

function logitsFor(seed) {
  const rng = seededRandom(seed);
  const x = new Float32Array(V);
  for (let i = 0; i < V; i++) x[i] = (rng() - 0.5) * 40;
  for (let i = 0; i < 300; i++) x[Math.floor(rng() * V)] = x[Math.floor(rng() * V)]; // ties
  x[7] = 0;
  x[8] = -0;
  x[9] = -Infinity;
  x[10] = -Infinity;
  x[11] = 1e-45;
  x[12] = -1e-45;
  x[13] = 3.4e38;
  return x;
}

const byComparator = (x) => Int32Array.from(x.keys()).sort((a, b) => x[b] - x[a] || a - b);

test('rankByLogit orders float32 logits as the comparator does (ties by lower id)', () => {
  for (const seed of [1, 2, 3]) {
    const x = logitsFor(seed);
    assert.deepEqual(rankByLogit(x), byComparator(x));
  }
  const sub = logitsFor(4).subarray(100, 1100); // a row of a [seq, vocab] tensor
  assert.deepEqual(rankByLogit(sub), byComparator(sub));
  const plain = Array.from(logitsFor(5).subarray(0, 500)); // not float32: the comparator
  assert.deepEqual(rankByLogit(plain), byComparator(plain));
});

test('softmaxTopK gives the whole-row softmax of its top k, bit for bit', () => {
  for (const seed of [1, 2]) {
    const x = logitsFor(seed);
    const p = softmax(x);
    const want = topK(x, 10).map((id) => ({ id, prob: p[id] }));
    assert.deepEqual(softmaxTopK(x, 10), want);
  }
});
