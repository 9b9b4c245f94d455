import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  planStep,
  slicePast,
  cacheNorms,
  cacheBytes,
  limits,
  stopReason,
  timingSummary,
} from '../../web/src/gen/kv-cache.js';
import { lensRows, lensTop } from '../../web/src/gen/lens.js';
import {
  parseUrlState,
  serializeUrlState,
  sliderToTemp,
  tempToSlider,
  SAMPLING_DEFAULTS,
} from '../../web/src/gen/url-state.js';

test('planStep reuses the longest cached prefix and always feeds one token', () => {
  assert.deepEqual(planStep([], [1, 2, 3]), { reuse: 0, feed: [1, 2, 3] });
  assert.deepEqual(planStep([1, 2, 3], [1, 2, 3, 4]), { reuse: 3, feed: [4] });
  assert.deepEqual(planStep([1, 2, 3], [1, 2, 3]), { reuse: 2, feed: [3] }); // same ids: re-feed the last
  assert.deepEqual(planStep([1, 9, 3], [1, 2, 3, 4]), { reuse: 1, feed: [2, 3, 4] });
  assert.deepEqual(planStep([1, 2, 3, 4], [1, 2]), { reuse: 1, feed: [2] });
  assert.throws(() => planStep([1], []));
});

test('slicePast keeps the first positions of every layer and head', () => {
  // [L=2, H=1, P=3, D=2]: value = 100*l + 10*p + d
  const dims = [2, 1, 3, 2];
  const data = Float32Array.from(
    { length: 12 },
    (_, i) => 100 * Math.floor(i / 6) + 10 * Math.floor((i % 6) / 2) + (i % 2),
  );
  const s = slicePast(data, dims, 2);
  assert.deepEqual(s.dims, [2, 1, 2, 2]);
  assert.deepEqual(Array.from(s.data), [0, 1, 10, 11, 100, 101, 110, 111]);
  assert.equal(slicePast(data, dims, 3).data, data);
  assert.deepEqual(slicePast(data, dims, 0).dims, [2, 1, 0, 2]);
  assert.throws(() => slicePast(data, dims, 4));
});

test('cache norms and bytes', () => {
  const dims = [1, 2, 2, 2]; // L, H, P, D
  const data = Float32Array.from([3, 4, 0, 0, 0, 0, 1, 0]);
  const n = cacheNorms(data, dims);
  assert.equal(n.length, 1);
  assert.deepEqual(Array.from(n[0]), [5, 1]);
  assert.equal(cacheBytes({ layer: 12, head: 12, head_dim: 64 }, 1), 2 * 12 * 12 * 64 * 4);
});

test('limits: the context, then the memory cap, with a reason', () => {
  const lim = limits({ config: { n_ctx: 128 }, maxTokens: 64 });
  assert.equal(lim.total, 128);
  assert.equal(lim.explained, 64);
  assert.equal(stopReason(127, lim), null);
  assert.equal(stopReason(128, lim), 'ctx');
  const big = limits({ config: { n_ctx: 1024 }, maxTokens: 64 });
  assert.equal(stopReason(big.memory, big), 'memory');
  assert.ok(big.memory < 1024);
});

test('timing summary: mean ms, tokens/s and the ratio', () => {
  const s = timingSummary([{ cached: 10, full: 40 }, { cached: 30, full: 40 }, { cached: 20 }]);
  assert.equal(s.cached.ms, 20);
  assert.equal(s.cached.perSecond, 50);
  assert.equal(s.full.n, 2);
  assert.equal(s.ratio, 2);
  // each step timed both ways: 40/10 and 40/30
  assert.deepEqual(s.range, [4 / 3, 4]);
  assert.equal(timingSummary([{ cached: 10, full: 40 }]).range, null);
  assert.equal(timingSummary([]).cached, null);
});

test('lens rows: the embedding then each layer, for one token; top-k per row', () => {
  // T=2, C=2, L=2
  const tensors = {
    embed: { dims: [2, 2], data: Float32Array.from([1, 2, 3, 4]) },
    resid_post: { dims: [2, 2, 2], data: Float32Array.from([5, 6, 7, 8, 9, 10, 11, 12]) },
  };
  const r = lensRows(tensors, 1);
  assert.deepEqual(r.dims, [3, 2]);
  assert.deepEqual(Array.from(r.data), [3, 4, 7, 8, 11, 12]);
  assert.throws(() => lensRows(tensors, 2));
  const logits = Float32Array.from([0, 5, 1, /* row 2 */ 9, 0, 0]);
  const top = lensTop(logits, [2, 3], 2);
  assert.deepEqual(
    top.map((row) => row.map((x) => x.id)),
    [
      [1, 2],
      [0, 1],
    ],
  );
  for (const row of top) assert.ok(row[0].prob > row[1].prob);
});

const sizes = { layers: 6, heads: 8, stages: 9, vocab: 50257, maxGen: 256 };

test('URL state round-trips', () => {
  const st = {
    prompt: 'To be, or not',
    layer: 3,
    head: 7,
    stage: 4,
    pos: 2,
    mode: 'topp',
    temperature: 0.7,
    topK: 40,
    topP: 0.85,
    seed: 9,
    gen: [11, 198, 50256],
  };
  const search = serializeUrlState('?variant=fp32', st, { prompt: 'x' });
  assert.match(search, /variant=fp32/);
  const { values, bad } = parseUrlState(search, sizes);
  assert.deepEqual(bad, []);
  assert.deepEqual(values, {
    prompt: st.prompt,
    layer: 3,
    head: 7,
    stage: 4,
    pos: 2,
    mode: 'topp',
    temperature: 0.7,
    topP: 0.85,
    seed: 9,
    gen: st.gen,
  });
  // defaults are left out
  const plain = serializeUrlState(
    '',
    { prompt: 'x', layer: 0, head: 0, stage: 0, pos: null, ...SAMPLING_DEFAULTS, gen: [] },
    { prompt: 'x' },
  );
  assert.equal(plain, '');
});

test('malformed URL values fall back and are named', () => {
  const { values, bad } = parseUrlState(
    '?layer=0&head=abc&temp=9&mode=hot&k=0&p=1.5&seed=-1&gen=1,x,3&stage=99&prompt=ok',
    sizes,
  );
  assert.deepEqual(values, { prompt: 'ok' });
  assert.deepEqual(bad.sort(), ['gen', 'head', 'k', 'layer', 'mode', 'p', 'seed', 'stage', 'temp'].sort());
  assert.deepEqual(parseUrlState('?gen=1,50257', sizes).bad, ['gen']);
  assert.deepEqual(parseUrlState('?temp=NaN&p=Infinity', sizes).bad, ['temp', 'p']);
  assert.deepEqual(parseUrlState('?gen=' + Array(300).fill(1).join(','), sizes).bad, ['gen']);
  assert.deepEqual(parseUrlState('?temp=0.05&p=0&k=50257', sizes).values, { temperature: 0.05, topP: 0, topK: 50257 });
});

test('the temperature slider is logarithmic over 0.05…5', () => {
  assert.equal(sliderToTemp(0), 0.05);
  assert.equal(sliderToTemp(1000), 5);
  assert.equal(sliderToTemp(500), 0.5);
  for (const t of [0.05, 0.3, 1, 2.5, 5]) assert.ok(Math.abs(sliderToTemp(tempToSlider(t)) - t) / t < 0.005);
});

test('draw n uses the n-th number of the seed; greedy takes the top token', async () => {
  const { uniformAt, drawFor } = await import('../../web/src/gen/draw.js');
  const { seededRandom } = await import('../../web/src/rng.js');
  const rng = seededRandom(7);
  const seq = Array.from({ length: 5 }, () => rng());
  seq.forEach((u, n) => assert.equal(uniformAt(7, n), u));
  const logits = Float32Array.from([0, 3, 1, 2]);
  assert.deepEqual(
    [drawFor(logits, { mode: 'greedy', seed: 7 }, 3).id, drawFor(logits, { mode: 'greedy', seed: 7 }, 3).u],
    [1, null],
  );
  const d = drawFor(logits, { mode: 'none', temperature: 1, seed: 7 }, 2);
  assert.equal(d.u, seq[2]);
  assert.equal(d.id, d.steps.order[d.rank]);
});
