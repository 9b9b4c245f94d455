import { test } from 'node:test';
import assert from 'node:assert/strict';

import { samplingSteps, drawRank, rankByLogit } from '../../web/src/sampling.js';
import { drawFor } from '../../web/src/gen/draw.js';
import { seededRandom } from '../../web/src/rng.js';

// Deterministic pseudo-logits for a vocabulary of n tokens (no Math.random in this project).
function logitsOf(n, seed = 7) {
  const rng = seededRandom(seed);
  return Float32Array.from({ length: n }, () => (rng() - 0.5) * 12);
}
const sum = (a, n = a.length) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i];
  return s;
};

test('probabilities sum to 1 in every mode', () => {
  const x = logitsOf(1000);
  for (const settings of [
    { mode: 'none', temperature: 1 },
    { mode: 'topk', temperature: 0.7, topK: 40 },
    { mode: 'topp', temperature: 1.3, topP: 0.9 },
    { mode: 'greedy' },
  ]) {
    const s = samplingSteps(x, settings);
    assert.ok(Math.abs(sum(s.probs) - 1) < 1e-12, settings.mode);
    assert.ok(Math.abs(sum(s.before) - 1) < 1e-12, settings.mode);
  }
});

test('temperature → 0 approaches argmax', () => {
  const x = logitsOf(500);
  const best = rankByLogit(x)[0];
  let previous = 0;
  for (const temperature of [5, 1, 0.1, 0.01, 1e-3, 1e-6]) {
    const s = samplingSteps(x, { mode: 'none', temperature });
    assert.equal(s.order[0], best);
    assert.ok(s.probs[0] >= previous, `p(argmax) never shrinks as T falls (T=${temperature})`);
    previous = s.probs[0];
  }
  assert.ok(previous > 0.999);
});

test('k = 1 is greedy, whatever the random number', () => {
  const x = logitsOf(300);
  const greedy = drawFor(x, { mode: 'greedy' }, 0).id;
  for (let i = 0; i < 20; i++) {
    assert.equal(drawFor(x, { mode: 'topk', temperature: 2, topK: 1, seed: 3 }, i).id, greedy);
  }
});

test('top-k keeps exactly k tokens', () => {
  const s = samplingSteps(logitsOf(300), { mode: 'topk', temperature: 1, topK: 17 });
  assert.equal(s.kept, 17);
  assert.equal(s.probs[16] > 0, true);
  assert.equal(s.probs[17], 0);
});

test('top-p keeps the smallest set whose mass reaches p', () => {
  const x = logitsOf(2000);
  for (const p of [0.05, 0.5, 0.9, 0.999, 1]) {
    const s = samplingSteps(x, { mode: 'topp', temperature: 1, topP: p });
    assert.ok(s.cumulative[s.kept - 1] >= p - 1e-12 || s.kept === 2000, `reaches ${p}`);
    if (s.kept > 1) assert.ok(s.cumulative[s.kept - 2] < p, `smallest for ${p}`);
  }
  // a hand-made case: masses 0.5, 0.3, 0.2 → p = 0.8 keeps two, p = 0.81 keeps three
  const hand = Float32Array.from([Math.log(0.3), Math.log(0.5), Math.log(0.2)]);
  assert.equal(samplingSteps(hand, { mode: 'topp', temperature: 1, topP: 0.79 }).kept, 2);
  assert.equal(samplingSteps(hand, { mode: 'topp', temperature: 1, topP: 0.81 }).kept, 3);
  assert.deepEqual(Array.from(samplingSteps(hand, { mode: 'topp', temperature: 1, topP: 0.5 }).order), [1, 0, 2]);
});

test('ties keep the lower id first, and −∞ is never drawn', () => {
  const x = Float32Array.from([1, 3, 3, -Infinity, 3, -Infinity]);
  const s = samplingSteps(x, { mode: 'none', temperature: 1 });
  assert.deepEqual(Array.from(s.order), [1, 2, 4, 0, 3, 5]);
  assert.equal(s.kept, 4);
  for (let i = 0; i < 200; i++)
    assert.notEqual(x[drawFor(x, { mode: 'none', temperature: 1, seed: 11 }, i).id], -Infinity);
  assert.throws(() => samplingSteps(Float32Array.from([-Infinity, -Infinity]), { mode: 'none', temperature: 1 }));
});

test('bad settings are refused', () => {
  const x = logitsOf(10);
  assert.throws(() => samplingSteps(x, { mode: 'topk', temperature: 1, topK: 0 }));
  assert.throws(() => samplingSteps(x, { mode: 'topk', temperature: 1, topK: 11 }));
  assert.throws(() => samplingSteps(x, { mode: 'topp', temperature: 1, topP: -0.1 }));
  assert.throws(() => samplingSteps(x, { mode: 'topp', temperature: 1, topP: 1.5 }));
  assert.equal(samplingSteps(x, { mode: 'topp', temperature: 1, topP: 0 }).kept, 1); // p = 0: the top token alone
  assert.throws(() => samplingSteps(x, { mode: 'none', temperature: 0 }));
});

test('the seeded generator is reproducible and uniform enough', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const xs = Array.from({ length: 10000 }, () => a());
  assert.deepEqual(
    xs.slice(0, 50),
    Array.from({ length: 50 }, () => b()),
  );
  assert.ok(xs.every((u) => u >= 0 && u < 1));
  const mean = sum(xs) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  assert.notDeepEqual(xs.slice(0, 5), Array.from({ length: 5 }, seededRandom(43)));
});

test('drawRank follows the cumulative distribution', () => {
  const probs = Float64Array.from([0.5, 0.3, 0.2]);
  assert.equal(drawRank(probs, 3, 0), 0);
  assert.equal(drawRank(probs, 3, 0.49), 0);
  assert.equal(drawRank(probs, 3, 0.5), 1);
  assert.equal(drawRank(probs, 3, 0.79), 1);
  assert.equal(drawRank(probs, 3, 0.81), 2);
  assert.equal(drawRank(probs, 3, 0.9999999), 2);
});
