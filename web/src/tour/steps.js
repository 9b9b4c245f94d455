// The guided tour's steps, without the DOM. Each step names the explorer state it sets
// (stage by id, layer, head, token, sampling settings), the overview parts it highlights and
// where to look; its words are strings (tour_<id>_title, tour_<id>) filled from `facts`, the
// numbers of the current run, so they stay true for any model.

import { strongestLinks, byPart, formatLogit } from '../../viz/lib/overview-data.js';
import { formatProb, tokenDisplay } from '../../viz/lib/scales.js';
import { softmax, topK } from '../numerics.js';
import { sameIds } from '../ids.js';

// The temperature the tour's temperature step sets (below 1: the top token's share grows).
export const TOUR_TEMPERATURE = 0.5;

// Each step's title and text (spelled out so the strings test sees every key).
export const TEXT = {
  predict: (t, f) => [t('tour_predict_title', f), t('tour_predict', f)],
  tokens: (t, f) => [t('tour_tokens_title', f), t('tour_tokens', f)],
  embed: (t, f) => [t('tour_embed_title', f), t('tour_embed', f)],
  blocks: (t, f) => [t('tour_blocks_title', f), t('tour_blocks', f)],
  norm: (t, f) => [t('tour_norm_title', f), t('tour_norm', f)],
  qkv: (t, f) => [t('tour_qkv_title', f), t('tour_qkv', f)],
  attention: (t, f) => [t('tour_attention_title', f), t('tour_attention', f)],
  add: (t, f) => [t('tour_add_title', f), t('tour_add', f)],
  mlp: (t, f) => [t('tour_mlp_title', f), t('tour_mlp', f)],
  dla: (t, f) => [t('tour_dla_title', f), t('tour_dla', f)],
  lnf: (t, f) => [t('tour_lnf_title', f), t('tour_lnf', f)],
  logits: (t, f) => [t('tour_logits_title', f), t('tour_logits', f)],
  probs: (t, f) => [t('tour_probs_title', f), t('tour_probs', f)],
  greedy: (t, f) => [t('tour_greedy_title', f), t('tour_greedy', f)],
  temperature: (t, f) => [t('tour_temperature_title', f), t('tour_temperature', f)],
  kv: (t, f) => [t('tour_kv_title', f), t('tour_kv', f)],
};

const all = (L, part) => Array.from({ length: L }, (_, l) => `${part}-${l}`);

// f: the facts below. `sel` values are 0-based; `look` is a selector or 'part' (the first highlight).
export const STEPS = [
  { id: 'predict', stage: 'tokens', hl: () => ['probs'] },
  { id: 'tokens', stage: 'tokens', hl: () => ['tokens'] },
  { id: 'embed', stage: 'embedding', hl: () => ['embed'] },
  { id: 'blocks', stage: 'blocks', layer: () => 0, hl: (f) => Array.from({ length: f.L }, (_, l) => `block-${l}`) },
  { id: 'norm', stage: 'norm', layer: () => 0, hl: () => ['ln1-0'] },
  { id: 'qkv', stage: 'qkv', layer: (f) => f.la, head: (f) => f.ha, hl: (f) => [`attn-${f.la}`] },
  { id: 'attention', stage: 'attention', layer: (f) => f.la, head: (f) => f.ha, hl: (f) => [`attn-${f.la}`] },
  { id: 'add', stage: 'attn_output', layer: (f) => f.la, hl: (f) => [`add1-${f.la}`] },
  { id: 'mlp', stage: 'mlp', layer: (f) => f.lm, hl: (f) => [`mlp-${f.lm}`] },
  { id: 'dla', stage: 'blocks', layer: (f) => f.L - 1, hl: (f) => ['embed', ...all(f.L, 'attn'), ...all(f.L, 'mlp')] },
  { id: 'lnf', stage: 'norm', layer: (f) => f.L - 1, hl: () => ['lnf'] },
  { id: 'logits', stage: 'output', hl: () => ['logits'] },
  { id: 'probs', stage: 'output', hl: () => ['probs'] },
  { id: 'greedy', stage: 'output', sampling: () => ({ mode: 'greedy' }), hl: () => ['probs'], look: '#sampling-view' },
  {
    id: 'temperature',
    stage: 'output',
    sampling: () => ({ mode: 'topk', topK: 40, temperature: TOUR_TEMPERATURE }),
    hl: () => ['probs'],
    look: '#sampling-view',
  },
  { id: 'kv', stage: 'attention', layer: () => 0, hl: (f) => all(f.L, 'attn'), look: '#kv-view' },
];

// The store patch a step sets: {sel, gen?} (token: the last, the one predicting next).
export function stepPatch(step, f, s, stageIds) {
  const stage = stageIds.indexOf(step.stage);
  const sel = { ...s.sel, stage, pos: null };
  if (step.layer) sel.layer = step.layer(f);
  if (step.head) sel.head = step.head(f);
  const patch = { sel };
  if (step.sampling) patch.gen = { ...s.gen, settings: { ...s.gen.settings, ...step.sampling(f) } };
  return patch;
}

// The numbers the steps' sentences quote, from the current run. Missing pieces (no trace yet,
// the attribution still computing) read as '…'.
export function facts(s, t) {
  const m = s.manifest;
  const tr = s.trace;
  const rows = s.top.rows;
  const tok = (r) => (r ? `“${tokenDisplay(r)}”` : '…');
  const f = {
    L: m.dims.layer,
    H: m.dims.head,
    d: m.dims.embd,
    hd: m.dims.head_dim,
    vocab: m.dims.vocab,
    n: tr?.ids.length ?? 0,
    top1: tok(rows[0]),
    p1: rows[0] ? formatProb(rows[0].prob) : '…',
    top2: tok(rows[1]),
    p2: rows[1] ? formatProb(rows[1].prob) : '…',
    top3: tok(rows[2]),
    p3: rows[2] ? formatProb(rows[2].prob) : '…',
    la: 0,
    ha: 0,
    i_a: 1,
    h_a: 1,
    key: '…',
    pa: '…',
    last: '…',
    lm: 0,
    i_m: 1,
    vm: '…',
    pred: '…',
    logit: '…',
    embed: '…',
    bias: '…',
    up: '…',
    vup: '…',
    down: '…',
    vdown: '…',
    temp: TOUR_TEMPERATURE,
    p1t: '…',
  };
  if (tr) {
    const pos = tr.ids.length - 1;
    f.last = `“${tokenDisplay(tr.tokens[pos])}”`;
    const links = tr.tensors.attn_probs ? strongestLinks(tr.tensors.attn_probs, pos) : [];
    // the layer whose strongest link is the sharpest
    const best = links.reduce((a, b) => (b.prob > a.prob ? b : a), links[0]);
    if (best)
      Object.assign(f, {
        la: best.layer,
        ha: best.head,
        i_a: best.layer + 1,
        h_a: best.head + 1,
        key: `“${tokenDisplay(tr.tokens[best.key])}”`,
        pa: formatProb(best.prob),
      });
  }
  const d = s.dla?.parts && tr && sameIds(s.dla.ids, tr.ids) ? byPart(s.dla) : null;
  if (d) {
    const r = rows.find((x) => x.id === d.token);
    f.pred = r ? tok(r) : `#${d.token}`;
    f.logit = formatLogit(s.dla.logit).replace('+', '');
    f.embed = signed(d.embed);
    f.bias = signed(d.bias);
    const named = [
      { v: d.embed, name: t('tour_part_embed') },
      ...d.layers.flatMap((x, l) => [
        { v: x.attn, name: t('tour_part_attn', { i: l + 1 }) },
        { v: x.mlp, name: t('tour_part_mlp', { i: l + 1 }) },
      ]),
    ];
    const hi = named.reduce((a, b) => (b.v > a.v ? b : a));
    const lo = named.reduce((a, b) => (b.v < a.v ? b : a));
    Object.assign(f, { up: hi.name, vup: signed(hi.v), down: lo.name, vdown: signed(lo.v) });
    const lm = d.layers.reduce((a, x, l) => (Math.abs(x.mlp) > Math.abs(d.layers[a].mlp) ? l : a), 0);
    Object.assign(f, { lm, i_m: lm + 1, vm: signed(d.layers[lm].mlp) });
  }
  if (s.next?.logits) {
    const p = softmax(s.next.logits, TOUR_TEMPERATURE);
    f.p1t = formatProb(p[topK(p, 1)[0]]);
  }
  return f;
}

const signed = formatLogit;
