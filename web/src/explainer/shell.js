// The explainer's frame: the step-through (stage tabs with previous/next), the layer / head /
// token pickers each stage needs, one panel per stage holding its views, and the explanation
// panel beside them. Views are mounted once and redraw from the store.

import { elem, tokenNames } from './view.js';
import { createPicker } from './picker.js';
import { mount as mountTokenization } from '../../viz/tokenization.js';
import { mount as mountEmbedding } from '../../viz/embedding.js';
import { mount as mountBlocks } from '../../viz/blocks.js';
import { mount as mountQkv } from '../../viz/qkv.js';
import { mount as mountAttention } from '../../viz/attention.js';
import { mount as mountLines } from '../../viz/attention-lines.js';
import { mount as mountHeads } from '../../viz/heads-grid.js';
import { mount as mountAttnOutput } from '../../viz/attn-output.js';
import { mount as mountMlp } from '../../viz/mlp.js';
import { mount as mountNorm } from '../../viz/norm.js';
import { mount as mountOutput } from '../../viz/output.js';
import { mount as mountExplain } from '../../viz/explain.js';
import { STAGES, stageText, posOf } from './stages.js';

// The views of each stage, by the stage's id (the list itself lives in stages.js).
const VIEWS = {
  tokens: [mountTokenization],
  embedding: [mountEmbedding],
  blocks: [mountBlocks],
  qkv: [mountQkv],
  attention: [mountAttention, mountLines, mountHeads],
  attn_output: [mountAttnOutput],
  mlp: [mountMlp],
  norm: [mountNorm],
  output: [mountOutput],
};

export function mount(el, ctx) {
  const { state, t, actions } = ctx;
  const doc = el.ownerDocument;
  const root = elem(doc, 'div', 'txb-explorer', '', { id: 'explorer' });
  const note = elem(doc, 'p', 'txb-trace-note', '', { 'aria-live': 'polite' });

  const nav = elem(doc, 'nav', 'txb-stages', '', { 'aria-label': t('stages_label') });
  const prev = stepButton(doc, 'stage-prev', '‹', t('stage_prev'), true);
  const next = stepButton(doc, 'stage-next', '›', t('stage_next'), false);
  const tabs = elem(doc, 'div', 'txb-stage-tabs', '', { role: 'tablist', 'aria-label': t('stages_label') });
  nav.append(prev, tabs, next);

  const pickers = elem(doc, 'div', 'txb-pickers');
  const L = () => state.get().manifest.dims.layer;
  const H = () => state.get().manifest.dims.head;
  const layer = createPicker(doc, {
    id: 'pick-layer',
    label: t('layer'),
    prev: t('layer_prev'),
    next: t('layer_next'),
    status: (i, n) => t('layer_of', { i: i + 1, n }),
    onPick: (i) => actions.select({ layer: i }),
  });
  const head = createPicker(doc, {
    id: 'pick-head',
    label: t('head'),
    prev: t('head_prev'),
    next: t('head_next'),
    status: (i, n) => t('head_of', { i: i + 1, n }),
    onPick: (i) => actions.select({ head: i }),
  });
  const posWrap = elem(doc, 'label', 'txb-pick-pos', `${t('token_pick')} `);
  const pos = elem(doc, 'select', '', '', { id: 'pick-pos' });
  posWrap.append(pos);
  pos.addEventListener('change', () => actions.select({ pos: Number(pos.value) }));
  pickers.append(layer.el, head.el, posWrap);

  const body = elem(doc, 'div', 'txb-stage-body');
  const panels = elem(doc, 'div', 'txb-panels');
  const aside = elem(doc, 'aside', 'txb-explain', '', { 'aria-label': t('explain_label') });
  body.append(panels, aside);
  root.append(note, nav, pickers, body);
  el.append(root);

  const views = [];
  const tabEls = STAGES.map((stage, i) => {
    const tab = doc.createElement('button');
    tab.type = 'button';
    tab.setAttribute('role', 'tab');
    tab.id = `tab-${stage.id}`;
    tab.dataset.stage = stage.id;
    tab.setAttribute('aria-controls', `stage-${stage.id}`);
    tab.innerHTML = '<span class="txb-tab-n"></span> <span class="txb-tab-name"></span>';
    tab.firstChild.textContent = String(i + 1);
    const text = stageText(stage.id, t);
    tab.lastChild.textContent = text.tab;
    tabs.append(tab);
    const panel = doc.createElement('section');
    panel.className = 'txb-panel';
    panel.id = `stage-${stage.id}`;
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', tab.id);
    const h = doc.createElement('h3');
    h.className = 'txb-h txb-panel-h';
    h.textContent = text.title;
    const intro = doc.createElement('p');
    intro.className = 'txb-intro';
    intro.textContent = text.intro;
    panel.append(h, intro);
    panels.append(panel);
    const shown = (s) => s.sel.stage === i;
    for (const v of VIEWS[stage.id]) views.push(v(panel, { ...ctx, shown }));
    return tab;
  });
  views.push(mountExplain(aside, ctx));

  const go = (i) => actions.select({ stage: Math.max(0, Math.min(STAGES.length - 1, i)) });
  prev.addEventListener('click', () => go(state.get().sel.stage - 1));
  next.addEventListener('click', () => go(state.get().sel.stage + 1));
  tabs.addEventListener('click', (ev) => {
    const b = ev.target.closest('[role=tab]');
    if (b) go(tabEls.indexOf(b));
  });
  tabs.addEventListener('keydown', (ev) => {
    const d = { ArrowLeft: -1, ArrowRight: 1 }[ev.key];
    if (d === undefined) return;
    ev.preventDefault();
    go(state.get().sel.stage + d);
    queueMicrotask(() => tabEls[state.get().sel.stage].focus());
  });

  let shown = {};
  function update(s) {
    if (s.sel !== shown.sel) {
      const st = s.sel.stage;
      // the chosen tab comes into the tab strip's view (the strip scrolls sideways; the page stays)
      if (shown.sel && shown.sel.stage !== st) {
        const a = tabs.getBoundingClientRect();
        const b = tabEls[st].getBoundingClientRect();
        if (b.left < a.left || b.right > a.right) tabs.scrollLeft += b.left - a.left - (a.width - b.width) / 2;
      }
      tabEls.forEach((tab, i) => {
        tab.setAttribute('aria-selected', String(i === st));
        tab.tabIndex = i === st ? 0 : -1;
        panels.children[i].hidden = i !== st;
      });
      root.dataset.stage = STAGES[st].id;
      prev.disabled = st === 0;
      next.disabled = st === STAGES.length - 1;
      const want = new Set(STAGES[st].pick);
      layer.el.hidden = !want.has('layer');
      head.el.hidden = !want.has('head');
      posWrap.hidden = !want.has('pos');
      pickers.hidden = want.size === 0;
      layer.set(L(), s.sel.layer);
      head.set(H(), s.sel.head);
    }
    if (s.trace !== shown.trace || s.sel !== shown.sel || s.ids !== shown.ids) {
      const tr = s.trace;
      root.dataset.trace = tr ? tr.kind : 'none';
      root.dataset.ids = tr ? tr.ids.join(',') : '';
      root.dataset.variant = tr?.variant ?? '';
      if (tr && s.trace !== shown.trace) {
        pos.replaceChildren(...tokenNames(tr.tokens).map((name, i) => new Option(`${i + 1}: ${name}`, String(i))));
      }
      if (tr) pos.value = String(posOf(s));
      // the output stage at the last token shows the page's next-token list itself (app.css)
      root.dataset.lastPos = String(!!tr && posOf(s) === tr.ids.length - 1);
      note.textContent = !tr
        ? s.ids?.length === 0
          ? t('prompt_empty')
          : t('trace_none') // an empty prompt has nothing to load
        : tr.kind === 'example'
          ? t('trace_example', { prompt: s.manifest.examples[tr.example].prompt })
          : t('trace_live', { variant: tr.variant, ms: Math.round(tr.ms ?? 0) });
    }
    shown = s;
  }
  const unsubscribe = state.subscribe(update);
  update(state.get());
  return {
    update,
    destroy() {
      unsubscribe();
      views.forEach((v) => v.destroy());
      root.remove();
    },
  };
}

// An arrow and a word; on a phone only the arrow shows (app.css), the word stays its name.
function stepButton(doc, id, arrow, word, before) {
  const b = elem(doc, 'button', 'txb-step', '', { type: 'button', id, 'aria-label': word });
  const a = elem(doc, 'span', 'txb-step-arrow', arrow, { 'aria-hidden': 'true' });
  const w = elem(doc, 'span', 'txb-step-word', word);
  if (before) b.append(a, ' ', w);
  else b.append(w, ' ', a);
  return b;
}
