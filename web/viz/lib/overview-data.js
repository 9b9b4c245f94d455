// The overview's numbers, without the DOM: the parts of the forward pass the diagram draws,
// the stage each part opens, the selected token's strongest attention link per layer, and
// direct logit attribution (build/txbuild/attribution.py explains the algebra).

import { format } from 'd3-format';

// logits and their shares: two decimals, signed (one format for the one quantity)
export const formatLogit = (v) => format('+.2f')(v).replace('-', '−');

// Stage indices follow web/src/explainer/shell.js STAGES (by id, so a reordering is caught).
export const PART_STAGE = {
  tokens: 'tokens',
  embed: 'embedding',
  ln1: 'norm',
  attn: 'attention',
  add1: 'attn_output',
  ln2: 'norm',
  mlp: 'mlp',
  add2: 'blocks',
  lnf: 'norm',
  logits: 'output',
  probs: 'output',
};

// Every part in reading order: {key, part, layer|null}. The key is also the element's id suffix.
export function partList(L) {
  const out = [
    { key: 'tokens', part: 'tokens', layer: null },
    { key: 'embed', part: 'embed', layer: null },
  ];
  for (let l = 0; l < L; l++) {
    for (const part of ['ln1', 'attn', 'add1', 'ln2', 'mlp', 'add2']) out.push({ key: `${part}-${l}`, part, layer: l });
  }
  for (const part of ['lnf', 'logits', 'probs']) out.push({ key: part, part, layer: null });
  return out;
}

// The store selection a part opens: its stage, and its layer where it has one (ln_f is
// shown by the norm stage at the last layer).
export function selectionFor(p, stageIds, L) {
  const stage = stageIds.indexOf(PART_STAGE[p.part]);
  if (stage < 0) throw new Error(`no stage ${PART_STAGE[p.part]} for part ${p.part}`);
  if (p.layer !== null) return { stage, layer: p.layer };
  return p.part === 'lnf' ? { stage, layer: L - 1 } : { stage };
}

// For query position `pos`: per layer, the head and key with the largest attention weight.
export function strongestLinks(probs, pos) {
  const [L, H, T, C] = probs.dims;
  if (!(pos >= 0 && pos < T)) return [];
  const out = [];
  for (let l = 0; l < L; l++) {
    let best = { layer: l, head: 0, key: 0, prob: -1 };
    for (let h = 0; h < H; h++) {
      const row = ((l * H + h) * T + pos) * C;
      for (let k = 0; k < C; k++) {
        const p = probs.data[row + k];
        if (p > best.prob) best = { layer: l, head: h, key: k, prob: p };
      }
    }
    out.push(best);
  }
  return out;
}

// The residual stream's parts at `pos`: [embed, attn_0, mlp_0, …] as Float64 rows.
export function residualParts(tensors, pos) {
  const { embed, attn_out: attn, mlp_out: mlp } = tensors;
  const [L, T, C] = attn.dims;
  const row = (t, off) => Float64Array.from(t.data.subarray(off, off + C));
  const rows = [row(embed, pos * C)];
  for (let l = 0; l < L; l++) rows.push(row(attn, (l * T + pos) * C), row(mlp, (l * T + pos) * C));
  return rows;
}

const variance = (r) => {
  let m = 0;
  for (const v of r) m += v;
  m /= r.length;
  let s = 0;
  for (const v of r) s += (v - m) * (v - m);
  return s / r.length;
};

// The rows to run through the logit lens: every part, then a zero row (gives the bias term).
export function lensRows(parts) {
  const C = parts[0].length;
  const data = new Float32Array((parts.length + 1) * C);
  parts.forEach((r, i) => data.set(r, i * C));
  return { data, dims: [parts.length + 1, C] };
}

// Shares of logit `tok` from the lens output ({dims: [n + 1, V], data}):
// share_i = (lens(c_i) − lens(0)) · √(var c_i + ε) / σ,  bias = lens(0).
export function sharesFromLens(parts, lensOut, tok, eps = 1e-5) {
  const V = lensOut.dims[1];
  const C = parts[0].length;
  const x = new Float64Array(C);
  for (const r of parts) for (let j = 0; j < C; j++) x[j] += r[j];
  const sigma = Math.sqrt(variance(x) + eps);
  const zero = lensOut.data[parts.length * V + tok];
  const shares = parts.map((r, i) => ((lensOut.data[i * V + tok] - zero) * Math.sqrt(variance(r) + eps)) / sigma);
  return { token: tok, parts: shares, bias: zero };
}

// The attribution as the diagram reads it: the embedding's share, per layer attention and MLP.
export function byPart(dla) {
  if (!dla) return null;
  const L = (dla.parts.length - 1) / 2;
  const layers = Array.from({ length: L }, (_, l) => ({ attn: dla.parts[1 + 2 * l], mlp: dla.parts[2 + 2 * l] }));
  const total = dla.parts.reduce((a, b) => a + b, 0) + dla.bias;
  return { token: dla.token, embed: dla.parts[0], layers, bias: dla.bias, total };
}
