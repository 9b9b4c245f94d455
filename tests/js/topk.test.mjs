import { test } from 'node:test';
import assert from 'node:assert/strict';
import { softmaxTopK, lastRow } from '../../web/src/topk.js';

test('softmax over the full vector, top-k in descending order', () => {
  const logits = Float32Array.from([1, 3, 2, 0, 3.5]);
  const top = softmaxTopK(logits, 3);
  assert.deepEqual(
    top.map((r) => r.id),
    [4, 1, 2],
  );
  const z = [...logits].reduce((a, x) => a + Math.exp(x - 3.5), 0);
  assert.ok(Math.abs(top[0].prob - 1 / z) < 1e-15);
  const all = softmaxTopK(logits, 5);
  assert.ok(Math.abs(all.reduce((a, r) => a + r.prob, 0) - 1) < 1e-12);
});

test('large logits do not overflow', () => {
  const top = softmaxTopK(Float32Array.from([1000, 1000, -1000]), 2);
  assert.deepEqual(
    top.map((r) => r.id),
    [0, 1],
  ); // ties keep the lower id first
  assert.ok(Math.abs(top[0].prob - 0.5) < 1e-12);
});

test('k larger than the vocabulary, and empty input', () => {
  assert.equal(softmaxTopK(Float32Array.from([0, 1]), 10).length, 2);
  assert.deepEqual(softmaxTopK(new Float32Array(0), 10), []);
});

test('matches a full sort on a vocabulary-sized vector', () => {
  const n = 50257;
  const logits = new Float32Array(n);
  let x = 12345; // deterministic LCG, no Math.random
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    logits[i] = (x / 2 ** 31) * 20 - 10;
  }
  const sorted = [...logits.keys()].sort((a, b) => logits[b] - logits[a] || a - b).slice(0, 10);
  assert.deepEqual(
    softmaxTopK(logits, 10).map((r) => r.id),
    sorted,
  );
});

test('lastRow picks the last position of [seq, vocab]', () => {
  const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...lastRow(data, [2, 3])], [4, 5, 6]);
  assert.deepEqual([...lastRow(data, [1, 6])], [1, 2, 3, 4, 5, 6]);
});
