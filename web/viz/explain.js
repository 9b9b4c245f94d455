// The explanation panel: the current stage's formula (MathML), a sentence on what it does,
// and the live numbers of whatever is hovered or focused in the views.

import { FORMULAS } from '../src/explainer/formulas.js';
import { STAGES, stageText } from '../src/explainer/stages.js';
import { elem, para } from '../src/explainer/view.js';

export function mount(el, { state, t }) {
  const doc = el.ownerDocument;
  const root = elem(doc, 'div', 'txb-explain-body', '', { id: 'explain' });
  const h = elem(doc, 'h4', 'txb-view-h');
  const formula = elem(doc, 'div', 'txb-formula');
  const text = para(doc, 'txb-explain-text');
  const live = elem(doc, 'div', 'txb-live-numbers', '', { 'aria-live': 'polite' });
  const hint = para(doc, 'txb-note', t('explain_hint'));
  root.append(h, formula, text, live, hint);
  el.append(root);

  let shown = {};
  function update(s) {
    const stage = STAGES[s.sel.stage].id;
    if (stage !== shown.stage) {
      const st = stageText(stage, t);
      h.textContent = st.title;
      formula.innerHTML = FORMULAS[stage] || '';
      text.textContent = st.explain;
    }
    if (s.hover !== shown.hover) {
      const lines = s.hover?.lines || [];
      live.replaceChildren(
        ...lines.map(([k, v]) => {
          const p = doc.createElement('p');
          const b = doc.createElement('span');
          b.className = 'txb-live-k';
          b.textContent = k;
          const n = doc.createElement('span');
          n.className = 'txb-live-v';
          n.textContent = v;
          p.append(b, ' ', n);
          return p;
        }),
      );
      if (s.hover && 'value' in s.hover) live.dataset.value = String(s.hover.value);
      else delete live.dataset.value;
    }
    shown = { stage, hover: s.hover };
  }
  const unsubscribe = state.subscribe(update);
  update(state.get());
  return { update, destroy: () => (unsubscribe(), root.remove()) };
}
