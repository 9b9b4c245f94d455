// Masked self-attention of the chosen layer and head, step by step: Q·Kᵀ and its scaling by
// 1/√d (computed here from the model's q and k), the causal mask (the model's attn_scores:
// −∞ above the diagonal), the softmax (the model's attn_probs; every row sums to 1) and the
// product with V (the model's head_out). Hovering or focusing a cell shows its value in every
// step and highlights its query (row) and key (column) tokens.

import { createMatrix } from '../src/explainer/matrix.js';
import { block, watch, labels, q, fv, linked, para } from '../src/explainer/view.js';
import { attentionSteps, matrix, maxAbs } from '../src/explainer/tensors.js';
import { diverging, sequential, legend } from './scales.js';

const STEPS = ['attn_raw', 'attn_scaled', 'attn_scores', 'attn_probs', 'head_out'];

export function mount(el, { state, t, actions }) {
  const doc = el.ownerDocument;
  const CAP = {
    attn_raw: t('attention_attn_raw'), attn_scaled: t('attention_attn_scaled'), attn_scores: t('attention_attn_scores'),
    attn_probs: t('attention_attn_probs'), head_out: t('attention_head_out'),
  };
  const NOTE = {
    attn_raw: t('attention_attn_raw_note'), attn_scaled: t('attention_attn_scaled_note'), attn_scores: t('attention_attn_scores_note'),
    attn_probs: t('attention_attn_probs_note'), head_out: t('attention_head_out_note'),
  };
  const root = block(el, 'txb-attention', t('attention_heading'));
  let cur = null;
  let data = null;
  const mats = STEPS.map((name) =>
    createMatrix(doc, {
      name,
      caption: CAP[name],
      describe: (i, j, v) => (name === 'head_out'
        ? `${q(cur, i)} · ${t('dim')} ${j}: ${fv(v)}`
        : `${t('query')} ${q(cur, i)} → ${t('key')} ${q(cur, j)}: ${fv(v)}`),
      onActive: (cell) => hover(name, cell),
    }),
  );
  const square = mats.slice(0, 4);
  const sync = linked(square);
  const steps = doc.createElement('ol');
  steps.className = 'txb-steps';
  mats.forEach((m, k) => {
    const li = doc.createElement('li');
    li.append(m.el, para(doc, 'txb-step-note', NOTE[STEPS[k]]));
    steps.append(li);
  });
  root.append(steps);

  function hover(name, cell) {
    if (name !== 'head_out') sync(cell);
    if (!cell) return actions.hover(null);
    if (name === 'head_out') {
      return actions.hover({ q: cell.i, value: cell.value, lines: [[t('query'), q(cur, cell.i)], [t('dim'), String(cell.j)], [t('attention_head_out'), fv(cell.value)]] });
    }
    const n = cell.i * data.T + cell.j;
    actions.hover({
      q: cell.i, k: cell.j, value: cell.value,
      lines: [[t('query'), q(cur, cell.i)], [t('key'), q(cur, cell.j)],
        [t('attention_attn_raw'), fv(data.raw[n])], [t('attention_attn_scaled'), fv(data.scaled[n])],
        [t('attention_attn_scores'), fv(data.scores.at(cell.i, cell.j))], [t('attention_attn_probs'), fv(data.probs.at(cell.i, cell.j))]],
    });
  }

  function draw(s) {
    cur = s.trace;
    if (!cur) return;
    const { layer, head } = s.sel;
    const T = cur.ids.length;
    const st = attentionSteps(matrix(cur.tensors.q, layer, head), matrix(cur.tensors.k, layer, head));
    const scores = matrix(cur.tensors.attn_scores, layer, head);
    const probs = matrix(cur.tensors.attn_probs, layer, head);
    const out = matrix(cur.tensors.head_out, layer, head);
    data = { ...st, scores, probs };
    const rowLabels = labels(cur);
    const div = diverging(maxAbs(st.raw));
    const sdiv = diverging(maxAbs(st.scaled));
    const seq = sequential(1);
    const sq = { rows: T, cols: T, rowLabels, colLabels: rowLabels, cellW: cell(T), cellH: cell(T) };
    mats[0].draw({ ...sq, value: (i, j) => st.raw[i * T + j], color: div });
    mats[1].draw({ ...sq, value: (i, j) => st.scaled[i * T + j], color: sdiv });
    mats[2].draw({ ...sq, value: scores.at, color: sdiv });
    mats[3].draw({ ...sq, value: probs.at, color: seq });
    const od = diverging(maxAbs(out.data));
    mats[4].draw({ rows: T, cols: out.cols, rowLabels, value: out.at, color: od, cellH: cell(T) });
    mats[0].caption(t('attention_attn_raw_dims', { T, d: st.d }));
    mats[1].caption(t('attention_attn_scaled_dims', { d: st.d, s: fv(st.scale) }));
    // the softmax's promise, checked on the model's own numbers
    const sums = Array.from({ length: T }, (_, i) => probs.data.subarray(i * T, i * T + T).reduce((a, b) => a + b, 0));
    mats[3].el.dataset.rowSums = sums.join(',');
    mats[0].foot.replaceChildren(legend(doc, div, { title: t('legend_score') }));
    mats[1].foot.replaceChildren(legend(doc, sdiv, { title: t('legend_score') }));
    mats[2].foot.replaceChildren(legend(doc, sdiv, { title: t('legend_score'), masked: t('legend_masked') }));
    mats[3].foot.replaceChildren(legend(doc, seq, { title: t('legend_weight') }),
      para(doc, 'txb-note', t('attention_row_sums', { min: fv(Math.min(...sums)), max: fv(Math.max(...sums)) })));
    mats[4].foot.replaceChildren(legend(doc, od, { title: t('legend_value') }));
  }
  const unsubscribe = watch(state, (s) => [s.trace, s.sel.layer, s.sel.head], draw);
  return { update: draw, destroy: () => (unsubscribe(), mats.forEach((m) => m.destroy()), root.remove()) };
}

const cell = (T) => Math.max(6, Math.min(22, Math.floor(360 / T)));
