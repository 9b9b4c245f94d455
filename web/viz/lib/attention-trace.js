// One attention cell traced through the steps: query i and key j → their dot product →
// ÷√d → the mask → the softmax weight → the weight's share of the output ×V. Each line holds
// its own numbers (the model's, where the model has the tensor) and appears when the step
// control reaches it. Below it, the query's row as a readable list of its strongest keys, so
// the row stays legible when the matrices are too dense to label (64 tokens).
// Hooks: #attn-trace li[data-step] data-value (full precision); #attn-row li data-key.

import { elem, q, fv } from '../../src/explainer/view.js';
import { probWidth } from './scales.js';
import { topK } from '../../src/numerics.js';

export const STEPS = ['attn_raw', 'attn_scaled', 'attn_scores', 'attn_probs', 'head_out'];
const ROW_KEYS = 8;

export function createTrace(doc, { t }) {
  const root = elem(doc, 'div', 'txb-attn-trace-wrap');
  const title = elem(doc, 'p', 'txb-attn-trace-title');
  const list = elem(doc, 'ol', 'txb-attn-trace', '', { id: 'attn-trace', 'aria-live': 'polite' });
  const rowTitle = elem(doc, 'p', 'txb-attn-trace-title');
  const row = elem(doc, 'ol', 'txb-attn-row', '', { id: 'attn-row' });
  root.append(title, list, rowTitle, row);
  const width = probWidth();

  // d: {cur, T, d, scale, raw, scaled, scores, probs, out, v}; cell: {i, j, c}; k: the last step shown (null: all)
  function show(d, cell, k) {
    if (!d || !cell) return;
    const { cur, T } = d;
    const { i, j, c } = cell;
    const n = i * T + j;
    const score = d.scores.at(i, j);
    const w = d.probs.at(i, j);
    const share = w * d.v.at(j, c);
    title.textContent = t('attn_trace_title', { query: q(cur, i), key: q(cur, j) });
    const lines = [
      ['attn_raw', d.raw[n], t('attn_trace_raw', { d: d.d, x: fv(d.raw[n]) })],
      ['attn_scaled', d.scaled[n], t('attn_trace_scaled', { raw: fv(d.raw[n]), d: d.d, x: fv(d.scaled[n]) })],
      ['attn_scores', score, j > i ? t('attn_trace_masked') : t('attn_trace_kept', { x: fv(score) })],
      ['attn_probs', w, t('attn_trace_probs', { x: fv(score), w: fv(w) })],
      [
        'head_out',
        d.out.at(i, c),
        t('attn_trace_out', { c, w: fv(w), v: fv(d.v.at(j, c)), share: fv(share), out: fv(d.out.at(i, c)) }),
      ],
    ];
    list.replaceChildren(
      ...lines.map(([name, value, text], s) => {
        const li = elem(doc, 'li', `txb-attn-trace-step${s === k ? ' is-current' : ''}`, '', {
          'data-step': name,
          'data-value': String(value),
        });
        li.hidden = k !== null && s > k;
        li.append(
          elem(doc, 'span', 'txb-attn-trace-name', t(`attention_${name}`)),
          elem(doc, 'span', 'txb-attn-trace-text', text),
        );
        if (name === 'head_out') li.dataset.share = String(share);
        return li;
      }),
    );
    // the query's row, strongest keys first
    rowTitle.textContent = t('attn_row_title', { query: q(cur, i) });
    const keys = topK(
      Float64Array.from({ length: i + 1 }, (_, x) => d.probs.at(i, x)),
      ROW_KEYS,
    );
    row.replaceChildren(
      ...keys.map((x) => {
        const li = elem(doc, 'li', `txb-attn-row-key${x === j ? ' is-key' : ''}`, '', {
          'data-key': String(x),
          'data-value': String(d.probs.at(i, x)),
        });
        const bar = elem(doc, 'span', 'txb-attn-row-bar');
        bar.style.width = `${width(d.probs.at(i, x))}%`;
        li.append(
          elem(doc, 'span', 'txb-attn-row-tok', q(cur, x)),
          elem(doc, 'span', 'txb-attn-row-track'),
          elem(doc, 'span', 'txb-attn-row-val', fv(d.probs.at(i, x))),
        );
        li.children[1].append(bar);
        return li;
      }),
    );
  }
  return { el: root, show };
}
