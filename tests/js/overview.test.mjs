import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  partList,
  selectionFor,
  strongestLinks,
  residualParts,
  lensRows,
  sharesFromLens,
  byPart,
  PART_STAGE,
} from '../../web/viz/lib/overview-data.js';
import { STEPS, TEXT, stepPatch, facts } from '../../web/src/tour/steps.js';
import { parseUrlState, serializeUrlState } from '../../web/src/gen/url-state.js';
import { createT } from '../../web/src/strings.js';

const STAGE_IDS = ['tokens', 'embedding', 'blocks', 'qkv', 'attention', 'attn_output', 'mlp', 'norm', 'output'];

// a small deterministic generator (no Math.random in tests)
const lcg = (seed) => () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;

test('the overview has every part of every block, each opening an existing stage', () => {
  const parts = partList(3);
  assert.equal(parts.length, 2 + 6 * 3 + 3);
  assert.equal(new Set(parts.map((p) => p.key)).size, parts.length);
  for (const p of parts) {
    const sel = selectionFor(p, STAGE_IDS, 3);
    assert.equal(STAGE_IDS[sel.stage], PART_STAGE[p.part]);
    if (p.layer !== null) assert.equal(sel.layer, p.layer);
  }
  assert.deepEqual(selectionFor({ part: 'lnf', layer: null }, STAGE_IDS, 3), { stage: 7, layer: 2 });
  assert.throws(() => selectionFor({ part: 'mlp', layer: 0 }, ['tokens'], 3));
});

test('strongestLinks finds the largest weight over heads and keys, per layer', () => {
  const [L, H, T] = [2, 3, 4];
  const r = lcg(1);
  const data = Float32Array.from({ length: L * H * T * T }, () => r() + 0.5);
  const got = strongestLinks({ dims: [L, H, T, T], data }, 2);
  for (let l = 0; l < L; l++) {
    let best = -1;
    for (let h = 0; h < H; h++) for (let k = 0; k < T; k++) best = Math.max(best, data[((l * H + h) * T + 2) * T + k]);
    assert.equal(got[l].prob, best);
    assert.equal(data[((l * H + got[l].head) * T + 2) * T + got[l].key], best);
  }
  assert.deepEqual(strongestLinks({ dims: [L, H, T, T], data }, T), []);
});

test('shares from a logit lens equal the attribution formula and sum to the logit', () => {
  const [C, V, L, T] = [8, 5, 2, 3];
  const r = lcg(7);
  const eps = 1e-5;
  const gamma = Array.from({ length: C }, () => 1 + r());
  const beta = Array.from({ length: C }, () => r());
  const W = Array.from({ length: V }, () => Array.from({ length: C }, () => r() * 2));
  const ln = (x) => {
    const m = x.reduce((a, b) => a + b, 0) / C;
    const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / C;
    return x.map((xi, j) => ((xi - m) / Math.sqrt(v + eps)) * gamma[j] + beta[j]);
  };
  const lens = (rows) => {
    const n = rows.dims[0];
    const out = new Float64Array(n * V);
    for (let i = 0; i < n; i++) {
      const y = ln(Array.from(rows.data.subarray(i * C, (i + 1) * C)));
      for (let v = 0; v < V; v++) out[i * V + v] = y.reduce((a, yj, j) => a + yj * W[v][j], 0);
    }
    return { dims: [n, V], data: out };
  };
  const tensor = (dims) => ({ dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => r() * 3) });
  const tensors = { embed: tensor([T, C]), attn_out: tensor([L, T, C]), mlp_out: tensor([L, T, C]) };
  const parts = residualParts(tensors, T - 1);
  assert.equal(parts.length, 1 + 2 * L);
  const x = parts.reduce((acc, p) => acc.map((a, j) => a + p[j]), new Array(C).fill(0));
  const tok = 3;
  const logit = ln(x).reduce((a, y, j) => a + y * W[tok][j], 0);
  const s = sharesFromLens(parts, lens(lensRows(parts)), tok, eps);
  const d = byPart(s);
  assert.ok(Math.abs(d.total - logit) < 1e-4, `${d.total} vs ${logit}`);
  // and each share is the formula: centred part / sigma * gamma . W[tok]
  const mx = x.reduce((a, b) => a + b, 0) / C;
  const sigma = Math.sqrt(x.reduce((a, b) => a + (b - mx) ** 2, 0) / C + eps);
  parts.forEach((p, i) => {
    const m = p.reduce((a, b) => a + b, 0) / C;
    const want = p.reduce((a, pj, j) => a + ((pj - m) / sigma) * gamma[j] * W[tok][j], 0);
    assert.ok(Math.abs(s.parts[i] - want) < 1e-4, `part ${i}: ${s.parts[i]} vs ${want}`);
  });
  assert.equal(d.layers.length, L);
});

test('?tour=N is read 1-based, bounded by the number of steps, and written back', () => {
  const sizes = { layers: 2, heads: 2, stages: 9, vocab: 100, tourSteps: STEPS.length };
  assert.equal(parseUrlState('?tour=5', sizes).values.tour, 4);
  assert.deepEqual(parseUrlState(`?tour=${STEPS.length + 1}`, sizes).bad, ['tour']);
  assert.deepEqual(parseUrlState('?tour=0', sizes).bad, ['tour']);
  const st = {
    prompt: 'a',
    layer: 0,
    head: 0,
    stage: 0,
    pos: null,
    mode: 'topk',
    temperature: 1,
    topK: 40,
    topP: 0.9,
    seed: 42,
    gen: [],
  };
  assert.equal(serializeUrlState('', { ...st, tour: 4 }, { prompt: 'a' }), '?tour=5');
  assert.equal(serializeUrlState('?tour=5', { ...st, tour: undefined }, { prompt: 'a' }), '');
});

test('the tour has 12-20 steps, each with words in both languages and a valid state', async () => {
  assert.ok(STEPS.length >= 12 && STEPS.length <= 20);
  const toml = async (lang) => {
    const text = await readFile(new URL(`../../content/${lang}/strings.toml`, import.meta.url), 'utf8');
    return Object.fromEntries([...text.matchAll(/^(\w+) = "(.*)"$/gm)].map((m) => [m[1], JSON.parse(`"${m[2]}"`)]));
  };
  const manifest = { dims: { layer: 3, head: 2, head_dim: 4, embd: 8, vocab: 50 } }; // the 3-layer state below
  const probs = {
    dims: [3, 2, 2, 2],
    data: Float32Array.from([
      1, 0, 0.5, 0.5, 1, 0, 0.2, 0.8, 1, 0, 0.9, 0.1, 1, 0, 0.3, 0.7, 1, 0, 0.4, 0.6, 1, 0, 0.5, 0.5,
    ]),
  };
  const s = {
    manifest,
    sel: { stage: 0, layer: 0, head: 0, pos: null },
    gen: { settings: { mode: 'topk', temperature: 1, topK: 40 } },
    trace: { ids: [1, 2], tokens: [{ text: 'a' }, { text: ' b' }], tensors: { attn_probs: probs } },
    top: {
      rows: [
        { id: 7, text: ' c', prob: 0.5 },
        { id: 8, text: ' d', prob: 0.3 },
        { id: 9, text: ' e', prob: 0.1 },
      ],
    },
    dla: { ids: [1, 2], token: 7, parts: [0.5, -1, 2, 0.25, -0.5, 3, 1], bias: 0.1, logit: 5.35 },
    next: { logits: Float32Array.from([2, 1, 0]) },
  };
  for (const lang of ['en', 'ko']) {
    const t = createT(await toml(lang));
    const f = facts(s, t);
    // the last token's sharpest link: layer 1, head 0, to the first token (0.9)
    assert.deepEqual([f.la, f.ha, f.key], [1, 0, '“a”']);
    // shares: embed 0.5; block 1 attn −1, MLP 2; block 2 attn 0.25, MLP −0.5; block 3 attn 3, MLP 1
    assert.equal(f.lm, 0);
    assert.equal(f.up, t('tour_part_attn', { i: 3 }));
    assert.equal(f.down, t('tour_part_attn', { i: 1 }));
    for (const step of STEPS) {
      const [title, text] = TEXT[step.id](t, f);
      assert.ok(title && !title.startsWith('tour_'), `${lang} ${step.id} title`);
      assert.doesNotMatch(title, /\{\w+\}/, `${lang} ${step.id}: an unfilled placeholder in the title`);
      assert.doesNotMatch(text, /\{\w+\}/, `${lang} ${step.id}: an unfilled placeholder`);
      // before the run's numbers arrive (no trace, no attribution, no logits) too
      const early = TEXT[step.id](t, facts({ ...s, trace: null, dla: null, next: null, top: { rows: [] } }, t));
      for (const words of early) assert.doesNotMatch(words, /\{\w+\}/, `${lang} ${step.id}: early: ${words}`);
      const patch = stepPatch(step, f, s, STAGE_IDS);
      assert.equal(STAGE_IDS[patch.sel.stage], step.stage);
      assert.ok(patch.sel.layer >= 0 && patch.sel.layer < 3);
      for (const key of step.hl(f))
        assert.match(key, /^(tokens|embed|lnf|logits|probs|(ln1|attn|add1|ln2|mlp|add2|block)-\d)$/);
    }
  }
});
