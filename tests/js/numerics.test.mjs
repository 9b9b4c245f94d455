import { test } from 'node:test';
import assert from 'node:assert/strict';
import { softmax, softmaxRows, topK, topPCount, gelu } from '../../web/src/numerics.js';
import { seededRandom } from '../../web/src/rng.js';

// Independent references, written the slow obvious way.
// p_i = 1 / Σ_j exp(z_j − z_i): a double loop that never forms a sum of large exponentials.
function naiveSoftmax(x, temperature = 1) {
  return Array.from(x, (xi) => {
    let s = 0;
    for (const xj of x) s += Math.exp((xj - xi) / temperature);
    return xi === -Infinity ? 0 : 1 / s;
  });
}
const ranked = (x) => [...x.keys()].sort((a, b) => x[b] - x[a] || a - b); // a full stable sort
function naiveTopP(probsInRankOrder, p) {
  for (let n = 1; n <= probsInRankOrder.length; n++) {
    let mass = 0;
    for (let r = 0; r < n; r++) mass += probsInRankOrder[r];
    if (mass >= p) return n;
  }
  return probsInRankOrder.length;
}
const close = (a, b, tol, msg) => {
  assert.equal(a.length, b.length, msg);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${msg}: [${i}] ${a[i]} vs ${b[i]}`);
};
const logitsOf = (n, scale, seed) => {
  const rng = seededRandom(seed);
  return Float32Array.from({ length: n }, () => (rng() - 0.5) * scale);
};

test('softmax matches the double-loop reference, at several temperatures', () => {
  const x = logitsOf(300, 16, 5);
  for (const temperature of [1, 0.5, 2, 0.05]) {
    const p = softmax(x, temperature);
    assert.ok(p instanceof Float64Array);
    close(p, naiveSoftmax(x, temperature), 1e-15, `T=${temperature}`);
    assert.ok(Math.abs(p.reduce((a, v) => a + v, 0) - 1) < 1e-12);
  }
});

test('softmax: large logits do not overflow, −∞ gives 0, plain arrays work', () => {
  close(softmax(Float32Array.from([1000, 1000, -1000])), [0.5, 0.5, 0], 1e-15, 'large');
  close(softmax([Math.log(3), 0, -Infinity]), [0.75, 0.25, 0], 1e-15, 'masked');
  assert.deepEqual([...softmax([])], []);
});

test('softmaxRows is a softmax per row', () => {
  const x = logitsOf(4 * 7, 8, 9);
  const p = softmaxRows(x, 7, 0.8);
  for (let r = 0; r < 4; r++)
    close(p.subarray(r * 7, r * 7 + 7), naiveSoftmax(x.subarray(r * 7, r * 7 + 7), 0.8), 1e-15, `row ${r}`);
  close(softmaxRows([0, -Infinity, 0, 0], 2), [1, 0, 0.5, 0.5], 0, 'masked rows');
});

test('topK matches a full stable sort: largest first, ties by lower index', () => {
  const ties = Float32Array.from(logitsOf(2000, 10, 3), (v) => Math.round(v)); // many equal values
  for (const k of [1, 5, 40, 2000, 5000]) assert.deepEqual(topK(ties, k), ranked(ties).slice(0, k), `k=${k}`);
  const big = logitsOf(50257, 20, 11);
  assert.deepEqual(topK(big, 10), ranked(big).slice(0, 10));
  assert.deepEqual(topK([], 3), []);
  assert.deepEqual(topK([1, 2], 0), []);
});

test('topPCount matches the brute-force nucleus', () => {
  for (const [seed, scale] of [
    [1, 2],
    [2, 8],
    [3, 30],
  ]) {
    const x = logitsOf(500, scale, seed);
    const p = softmax(x);
    const inRank = ranked(x).map((i) => p[i]);
    for (const cut of [0, 0.1, 0.5, 0.9, 0.99, 1])
      assert.equal(topPCount(inRank, cut), naiveTopP(inRank, cut), `seed ${seed} p=${cut}`);
  }
  // by hand: 0.5, 0.3, 0.1, 0.1
  assert.deepEqual(
    [0, 0.5, 0.79, 0.81, 0.95].map((cut) => topPCount([0.5, 0.3, 0.1, 0.1], cut)),
    [1, 1, 2, 3, 4],
  );
  assert.equal(topPCount([0.5, 0.3, 0.1, 0.1], 0.95, 2), 2); // never past the limit (−∞ ranks)
});

test('GELU is the tanh form GPT-2 uses', () => {
  // torch.nn.functional.gelu(torch.tensor([-3., -1., -0.5, 0., 0.5, 1., 3.], dtype=torch.float64), approximate='tanh')
  const torchTanh = [
    -0.0036373920817729943, -0.15880800939172324, -0.15428599017485606, 0, 0.34571400982514394, 0.8411919906082768,
    2.996362607918227,
  ];
  close([-3, -1, -0.5, 0, 0.5, 1, 3].map(gelu), torchTanh, 1e-15, 'gelu');
});
