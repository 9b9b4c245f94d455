// Sampling, step by step, over the whole vocabulary: the controls (mode, temperature on a log
// scale, k, p, seed), a table of the leading tokens (logit, logit ÷ T, probability before the
// filter, cumulative, kept or removed, the renormalised probability the draw uses) and the
// draw itself: the random number u and where it falls on the kept tokens' cumulative bar.
// Hooks: rows data-token-id / data-logit / data-scaled / data-before / data-prob / data-cum /
// data-kept; #sampling-draw data-u / data-token-id / data-rank.

import { block, para, fv, elem } from '../src/explainer/view.js';
import { drawFor } from '../src/gen/draw.js';
import { sameIds } from '../src/ids.js';
import { MODES, TEMP_MIN, TEMP_MAX, sliderToTemp, tempToSlider, roundTo } from '../src/gen/url-state.js';
import { formatProb, tokenDisplay } from './lib/scales.js';

const ROWS = 12;
const MODE_TEXT = {
  greedy: (t) => t('sampling_mode_greedy'),
  topk: (t) => t('sampling_mode_topk'),
  topp: (t) => t('sampling_mode_topp'),
  none: (t) => t('sampling_mode_none'),
};

export function mount(el, { state, t, actions }) {
  const doc = el.ownerDocument;
  const root = block(el, 'txb-sampling', t('sampling_heading'));
  root.id = 'sampling-view';
  root.append(para(doc, 'txb-intro', t('sampling_intro')));

  // controls
  const form = doc.createElement('div');
  form.className = 'txb-sampling-controls';
  const modes = doc.createElement('fieldset');
  modes.className = 'txb-modes';
  const legend = doc.createElement('legend');
  legend.textContent = t('sampling_mode');
  modes.append(legend);
  const modeInputs = MODES.map((m) => {
    const lab = doc.createElement('label');
    const r = doc.createElement('input');
    r.type = 'radio';
    r.name = 'sampling-mode';
    r.value = m;
    r.id = `mode-${m}`;
    lab.append(r, ' ', MODE_TEXT[m](t));
    modes.append(lab);
    return r;
  });
  const field = (id, text, input, out) => {
    const wrap = doc.createElement('div');
    wrap.className = 'txb-field';
    const lab = doc.createElement('label');
    lab.htmlFor = id;
    lab.textContent = text;
    input.id = id;
    wrap.append(lab, input);
    if (out) wrap.append(out);
    form.append(wrap);
    return wrap;
  };
  const input = (type, attrs) => Object.assign(doc.createElement('input'), { type, ...attrs });
  const output = (id) => Object.assign(doc.createElement('output'), { id, className: 'txb-out' });
  const temp = input('range', { min: 0, max: 1000, step: 1 });
  const tempOut = output('temperature-value');
  const k = input('number', { min: 1, step: 1, inputMode: 'numeric' });
  const p = input('range', { min: 0, max: 1, step: 0.01 });
  const pOut = output('top-p-value');
  const seed = input('number', { min: 0, max: 2 ** 32 - 1, step: 1, inputMode: 'numeric' });
  form.append(modes);
  const tempField = field(
    'sampling-temperature',
    t('sampling_temperature', { min: TEMP_MIN, max: TEMP_MAX }),
    temp,
    tempOut,
  );
  const kField = field('top-k', t('sampling_k'), k);
  const pField = field('top-p', t('sampling_p'), p, pOut);
  field('seed', t('sampling_seed'), seed);
  root.append(form);

  modes.addEventListener('change', (ev) => actions.setSampling({ mode: ev.target.value }));
  temp.addEventListener('input', () => actions.setSampling({ temperature: sliderToTemp(Number(temp.value)) }));
  p.addEventListener('input', () => actions.setSampling({ topP: roundTo(Number(p.value)) }));
  k.addEventListener('change', () => {
    const V = state.get().manifest.dims.vocab;
    const v = Math.round(Number(k.value));
    actions.setSampling({ topK: Number.isFinite(v) ? Math.max(1, Math.min(V, v)) : 1 });
  });
  seed.addEventListener('change', () => {
    const v = Math.round(Number(seed.value));
    actions.setSampling({ seed: Number.isFinite(v) ? Math.max(0, Math.min(2 ** 32 - 1, v)) : 0 });
  });

  // the table
  const wrap = doc.createElement('div');
  wrap.className = 'txb-scroll';
  const table = doc.createElement('table');
  table.className = 'txb-stats txb-sampling-table';
  table.id = 'sampling-table';
  const cap = doc.createElement('caption');
  const thead = doc.createElement('thead');
  thead.innerHTML =
    '<tr><th scope="col"></th><th scope="col"></th><th scope="col"></th><th scope="col"></th><th scope="col"></th><th scope="col"></th><th scope="col"></th><th scope="col"></th></tr>';
  [
    t('sampling_col_rank'),
    t('sampling_col_token'),
    t('sampling_col_logit'),
    t('sampling_col_scaled'),
    t('sampling_col_before'),
    t('sampling_col_cum'),
    t('sampling_col_kept'),
    t('sampling_col_prob'),
  ].forEach((text, i) => (thead.rows[0].cells[i].textContent = text));
  const tbody = doc.createElement('tbody');
  table.append(cap, thead, tbody);
  wrap.append(table);
  const summary = para(doc, 'txb-note');
  summary.id = 'sampling-summary';

  // the draw
  const drawEl = elem(doc, 'div', 'txb-draw', '', { id: 'sampling-draw' });
  const drawH = elem(doc, 'h5', 'txb-view-h', t('sampling_draw_heading'));
  const bar = elem(doc, 'div', 'txb-cdf', '', { 'aria-hidden': 'true' });
  const drawText = para(doc, 'txb-draw-text');
  drawText.setAttribute('aria-live', 'polite');
  drawEl.append(drawH, bar, drawText);
  const why = doc.createElement('details');
  why.className = 'txb-why';
  why.innerHTML = '<summary></summary><p></p>';
  why.firstChild.textContent = t('sampling_why_title');
  why.lastChild.textContent = t('sampling_why');
  root.append(wrap, summary, drawEl, why);

  let tok = null;
  const name = (s, id) => {
    if (tok) return tokenDisplay(tok.tokenLabel(id));
    const i = s.trace?.ids.indexOf(id) ?? -1;
    return i >= 0 ? tokenDisplay(s.trace.tokens[i]) : `#${id}`;
  };

  function draw(s) {
    const st = s.gen.settings;
    modeInputs.forEach((r) => (r.checked = r.value === st.mode));
    temp.value = String(tempToSlider(st.temperature));
    tempOut.textContent = fv(st.temperature);
    temp.setAttribute('aria-valuetext', String(st.temperature));
    k.max = String(s.manifest.dims.vocab);
    if (doc.activeElement !== k) k.value = String(st.topK);
    p.value = String(st.topP);
    pOut.textContent = fv(st.topP);
    if (doc.activeElement !== seed) seed.value = String(st.seed);
    tempField.hidden = st.mode === 'greedy';
    kField.hidden = st.mode !== 'topk';
    pField.hidden = st.mode !== 'topp';

    const next = s.next;
    const fresh = next && sameIds(next.ids, s.ids ?? next.ids);
    root.dataset.ids = next ? next.ids.join(',') : '';
    root.dataset.status = fresh ? 'ready' : 'loading';
    if (!next) {
      // nothing to draw from (an empty prompt, or no prediction yet): no earlier draw stays
      tbody.replaceChildren();
      bar.replaceChildren();
      summary.textContent = cap.textContent = '';
      drawEl.dataset.u = drawEl.dataset.tokenId = drawEl.dataset.rank = '';
      drawText.textContent = s.ids?.length === 0 ? t('prompt_empty') : t('sampling_waiting');
      return;
    }
    const n = s.gen.ids.length;
    const d = drawFor(next.logits, st, n, next.order);
    const { steps } = d;
    cap.textContent = t('sampling_caption', { n: ROWS });
    const rows = [];
    for (let r = 0; r < Math.min(ROWS, steps.order.length); r++) {
      const id = steps.order[r];
      const kept = r < steps.kept;
      const tr = doc.createElement('tr');
      tr.className = kept ? 'is-kept' : 'is-removed';
      if (r === d.rank) tr.classList.add('is-drawn');
      Object.assign(tr.dataset, {
        tokenId: id,
        rank: r,
        logit: String(next.logits[id]),
        scaled: String(steps.scaled[r]),
        before: String(steps.before[r]),
        prob: String(steps.probs[r]),
        cum: String(steps.cumulative[r]),
        kept: String(kept),
      });
      const cells = [
        r + 1,
        name(s, id),
        fv(next.logits[id]),
        fv(steps.scaled[r]),
        formatProb(steps.before[r]),
        formatProb(steps.cumulative[r]),
        kept ? t('sampling_kept') : t('sampling_removed'),
        kept ? formatProb(steps.probs[r]) : '0',
      ];
      for (const c of cells) tr.insertCell().textContent = String(c);
      tr.cells[1].className = 'txb-row-token';
      tr.cells[6].className = 'txb-words'; // kept / removed: words, not numbers (a mono font may lack Hangul)
      rows.push(tr);
    }
    tbody.replaceChildren(...rows);
    let keptMass = 0;
    for (let r = 0; r < steps.kept; r++) keptMass += steps.before[r];
    summary.textContent = t('sampling_summary', {
      kept: steps.kept.toLocaleString(),
      V: steps.order.length.toLocaleString(),
      mass: formatProb(keptMass),
    });

    // the cumulative bar of the kept tokens (the first few named, the rest as one tail)
    const segs = [];
    let acc = 0;
    for (let r = 0; r < steps.kept && r < 8; r++) {
      segs.push({ r, from: acc, w: steps.probs[r] });
      acc += steps.probs[r];
    }
    if (acc < 1 - 1e-9) segs.push({ r: d.rank >= segs.length ? d.rank : -1, from: acc, w: 1 - acc, tail: true });
    bar.replaceChildren(
      ...segs.map((g) => {
        const seg = doc.createElement('span');
        seg.className = `txb-seg${g.r === d.rank ? ' is-drawn' : ''}`;
        seg.style.left = `${100 * g.from}%`;
        seg.style.width = `${100 * g.w}%`;
        seg.classList.toggle('is-tail', !!g.tail);
        seg.textContent = g.tail ? (g.w > 0.05 ? '…' : '') : g.w > 0.08 ? name(s, steps.order[g.r]) : '';
        return seg;
      }),
    );
    if (d.u !== null) {
      const mark = doc.createElement('span');
      mark.className = 'txb-u';
      mark.style.left = `${100 * d.u}%`;
      bar.append(mark);
    }
    drawEl.dataset.u = d.u === null ? '' : String(d.u);
    drawEl.dataset.tokenId = String(d.id);
    drawEl.dataset.rank = String(d.rank);
    drawText.textContent =
      d.u === null
        ? t('sampling_draw_greedy', { token: name(s, d.id) })
        : t('sampling_draw_text', {
            n: n + 1,
            seed: st.seed,
            u: d.u.toFixed(4),
            token: name(s, d.id),
            rank: d.rank + 1,
          });
    if (!tok)
      import('../src/tokenizer.js').then(
        (m) => {
          tok = m;
          draw(state.get());
        },
        () => {},
      );
  }

  let last = null;
  let raf = 0;
  const schedule = (s) => {
    const key = [s.next, s.gen.settings, s.gen.ids.length, s.ids];
    if (last && key.every((x, i) => x === last[i])) return;
    last = key;
    cancelAnimationFrame(raf);
    raf = requestAnimationFrame(() => draw(state.get()));
  };
  const unsubscribe = state.subscribe(schedule);
  draw(state.get());
  last = [state.get().next, state.get().gen.settings, state.get().gen.ids.length, state.get().ids];
  return { update: draw, destroy: () => (unsubscribe(), cancelAnimationFrame(raf), root.remove()) };
}
