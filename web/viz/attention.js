// Masked self-attention of the chosen layer and head, step by step: Q·Kᵀ and its scaling by
// 1/√d (computed here from the model's q and k), the causal mask (the model's attn_scores:
// −∞ above the diagonal), the softmax (the model's attn_probs; every row sums to 1) and the
// product with V (the model's head_out). The step control shows one step at a time (or every
// head of the layer in turn); the traced cell (pointer, keyboard, or the last token's strongest
// key) is followed from query and key to weight to output. Hovering or focusing a cell shows
// its value in every step and highlights its query (row) and key (column) tokens.

import './attention.css';
import { createMatrix } from '../src/explainer/matrix.js';
import { block, watch, labels, q, fv, linked, para, elem } from '../src/explainer/view.js';
import { attentionSteps, matrix, maxAbs } from '../src/explainer/tensors.js';
import { posOf } from '../src/explainer/stages.js';
import { diverging, sequential, legend } from './lib/scales.js';
import { createStepper } from './lib/attention-step.js';
import { createTrace, STEPS } from './lib/attention-trace.js';

// beyond this many tokens the softmax is coloured per row by default (else it reads blank)
const ROW_SCALE_FROM = 24;

export function mount(el, { state, t, actions, shown }) {
  const doc = el.ownerDocument;
  const CAP = Object.fromEntries(STEPS.map((n) => [n, t(`attention_${n}`)]));
  const NOTE = {
    attn_raw: t('attention_attn_raw_note'),
    attn_scaled: t('attention_attn_scaled_note'),
    attn_scores: t('attention_attn_scores_note'),
    attn_probs: t('attention_attn_probs_note'),
    head_out: t('attention_head_out_note'),
  };
  const root = block(el, 'txb-attention', t('attention_heading'));
  let cur = null;
  let data = null;
  let traced = null; // {i, j, c}: query, key, output dimension
  let shownStep = null;
  let lastKey = [];
  const mats = STEPS.map((name) =>
    createMatrix(doc, {
      name,
      caption: CAP[name],
      describe: (i, j, v) =>
        name === 'head_out'
          ? `${q(cur, i)} · ${t('dim')} ${j}: ${fv(v)}`
          : `${t('query')} ${q(cur, i)} → ${t('key')} ${q(cur, j)}: ${fv(v)}`,
      onActive: (cell) => hover(name, cell),
    }),
  );
  const square = mats.slice(0, 4);
  const sync = linked(square);

  const stepper = createStepper(doc, {
    t,
    steps: STEPS.map((n) => CAP[n]),
    heads: () => state.get().manifest.dims.head,
    onStep: (k) => showStep(k),
    onHead: (h) => actions.select({ head: h }),
  });
  const trace = createTrace(doc, { t });
  const scaleWrap = elem(doc, 'label', 'txb-attn-scale');
  const scale = elem(doc, 'select', 'txb-select', '', { id: 'attn-scale' });
  scale.append(new Option(t('attn_scale_abs'), 'abs'), new Option(t('attn_scale_row'), 'row'));
  scaleWrap.append(`${t('attn_scale')} `, scale);
  let scaleChosen = false;
  scale.addEventListener('change', () => {
    scaleChosen = true;
    draw(state.get());
  });

  const steps = doc.createElement('ol');
  steps.className = 'txb-steps';
  mats.forEach((m, k) => {
    const li = doc.createElement('li');
    li.dataset.step = STEPS[k];
    li.append(m.el, para(doc, 'txb-step-note', NOTE[STEPS[k]]));
    if (STEPS[k] === 'attn_probs') li.append(scaleWrap);
    steps.append(li);
  });
  root.append(stepper.el, trace.el, steps);

  // k: the step shown alone (null: all five)
  function showStep(k) {
    shownStep = k;
    [...steps.children].forEach((li, s) => {
      li.hidden = k !== null && s !== k;
      li.classList.toggle('is-current', s === k);
    });
    root.dataset.step = k === null ? 'all' : STEPS[k];
    if (k !== null && traced)
      mats[k].setActive(k === 4 ? { i: traced.i, j: traced.c } : { i: traced.i, j: traced.j }, { silent: true });
    trace.show(data, traced, k);
  }

  function hover(name, cell) {
    if (name !== 'head_out') sync(cell);
    if (!cell) return actions.hover(null);
    traced = name === 'head_out' ? { ...traced, i: cell.i, c: cell.j } : { ...traced, i: cell.i, j: cell.j };
    trace.show(data, traced, shownStep);
    if (name === 'head_out') {
      return actions.hover({
        q: cell.i,
        value: cell.value,
        lines: [
          [t('query'), q(cur, cell.i)],
          [t('dim'), String(cell.j)],
          [t('attention_head_out'), fv(cell.value)],
        ],
      });
    }
    const n = cell.i * data.T + cell.j;
    actions.hover({
      q: cell.i,
      k: cell.j,
      value: cell.value,
      lines: [
        [t('query'), q(cur, cell.i)],
        [t('key'), q(cur, cell.j)],
        [t('attention_attn_raw'), fv(data.raw[n])],
        [t('attention_attn_scaled'), fv(data.scaled[n])],
        [t('attention_attn_scores'), fv(data.scores.at(cell.i, cell.j))],
        [t('attention_attn_probs'), fv(data.probs.at(cell.i, cell.j))],
      ],
    });
  }

  // the last token's (or the chosen token's) strongest key, until the reader points elsewhere
  function defaultCell(s, probs) {
    const i = posOf(s);
    let j = 0;
    for (let x = 1; x <= i; x++) if (probs.at(i, x) > probs.at(i, j)) j = x;
    return { i, j, c: 0 };
  }

  function draw(s) {
    cur = s.trace;
    if (!cur) return;
    const { layer, head } = s.sel;
    stepper.setHead(head);
    const T = cur.ids.length;
    const st = attentionSteps(matrix(cur.tensors.q, layer, head), matrix(cur.tensors.k, layer, head));
    const scores = matrix(cur.tensors.attn_scores, layer, head);
    const probs = matrix(cur.tensors.attn_probs, layer, head);
    const out = matrix(cur.tensors.head_out, layer, head);
    const v = matrix(cur.tensors.v, layer, head);
    data = { ...st, cur, scores, probs, out, v };
    const key = [s.trace, s.sel.pos];
    if (!traced || traced.i >= T || traced.c >= out.cols || key.some((x, n) => x !== lastKey[n]))
      traced = defaultCell(s, probs);
    lastKey = key;
    if (!scaleChosen) scale.value = T > ROW_SCALE_FROM ? 'row' : 'abs';
    const rowLabels = labels(cur);
    const div = diverging(maxAbs(st.raw));
    const sdiv = diverging(maxAbs(st.scaled));
    const seq = sequential(1);
    const rowMax = Array.from({ length: T }, (_, i) => Math.max(1e-12, ...probs.data.subarray(i * T, i * T + i + 1)));
    const perRow = scale.value === 'row';
    const sq = { rows: T, cols: T, rowLabels, colLabels: rowLabels, cellW: cell(T), cellH: cell(T) };
    mats[0].draw({ ...sq, value: (i, j) => st.raw[i * T + j], color: div });
    mats[1].draw({ ...sq, value: (i, j) => st.scaled[i * T + j], color: sdiv });
    mats[2].draw({ ...sq, value: scores.at, color: sdiv });
    mats[3].draw({ ...sq, value: probs.at, color: seq, colorAt: perRow ? (i, j, x) => seq(x / rowMax[i]) : null });
    const od = diverging(maxAbs(out.data));
    mats[4].draw({ rows: T, cols: out.cols, rowLabels, value: out.at, color: od, cellH: cell(T) });
    mats[0].caption(t('attention_attn_raw_dims', { T, d: st.d }));
    mats[1].caption(t('attention_attn_scaled_dims', { d: st.d, s: fv(st.scale) }));
    // the softmax's promise, checked on the model's own numbers
    const sums = Array.from({ length: T }, (_, i) => probs.data.subarray(i * T, i * T + T).reduce((a, b) => a + b, 0));
    mats[3].el.dataset.rowSums = sums.join(',');
    mats[3].el.dataset.scale = scale.value;
    mats[0].foot.replaceChildren(legend(doc, div, { title: t('legend_score') }));
    mats[1].foot.replaceChildren(legend(doc, sdiv, { title: t('legend_score') }));
    mats[2].foot.replaceChildren(legend(doc, sdiv, { title: t('legend_score'), masked: t('legend_masked') }));
    mats[3].foot.replaceChildren(
      legend(doc, seq, { title: perRow ? t('attn_scale_row_legend') : t('legend_weight') }),
      para(doc, 'txb-note', t('attention_row_sums', { min: fv(Math.min(...sums)), max: fv(Math.max(...sums)) })),
    );
    mats[4].foot.replaceChildren(legend(doc, od, { title: t('legend_value') }));
    showStep(shownStep);
  }
  const unsubscribe = watch(state, (s) => [s.trace, s.sel.layer, s.sel.head, s.sel.pos], draw, shown);
  return {
    update: draw,
    destroy: () => (unsubscribe(), stepper.destroy(), mats.forEach((m) => m.destroy()), root.remove()),
  };
}

// cells stay at least 12 px (labels readable at 64 tokens; the matrix scrolls, with a cue)
const cell = (T) => Math.max(12, Math.min(22, Math.floor(360 / T)));
