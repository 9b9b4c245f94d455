// Layer norm, dropout, residual, with the chosen token's own numbers: the mean and variance
// of its vector before and after each layer norm of the block; why dropout does nothing here;
// and the residual x + f(x) with both terms.

import { block, watch, q, fv, para, elem } from '../src/explainer/view.js';
import { createLinked } from '../src/explainer/matrices.js';
import { matrix, blockInput, stats } from '../src/explainer/tensors.js';
import { posOf } from '../src/explainer/stages.js';

export function mount(el, { state, t, actions, shown }) {
  const doc = el.ownerDocument;
  const root = block(el, 'txb-norm', t('norm_heading'));
  const table = elem(doc, 'table', 'txb-stats', '', { id: 'ln-stats' });
  const drop = elem(doc, 'div', 'txb-dropout');
  drop.append(elem(doc, 'h4', 'txb-view-h', t('dropout_heading')), para(doc, 'txb-explain-text', t('dropout_text')));
  const rh = elem(doc, 'h4', 'txb-view-h', t('residual_heading'));
  const rnote = para(doc, 'txb-note');
  root.append(table, drop, rh, rnote);
  const resid = createLinked(root, {
    t,
    actions,
    defs: [
      { name: 'x', label: t('residual_x') },
      { name: 'fx', label: t('residual_fx') },
      { name: 'sum', label: t('residual_sum') },
    ],
  });

  function draw(s) {
    const tr = s.trace;
    if (!tr) return;
    const l = s.sel.layer;
    const p = posOf(s);
    const C = s.manifest.dims.embd;
    const row = (m) => m.data.subarray(p * C, (p + 1) * C);
    const x = blockInput(tr.tensors, l);
    const rows = [
      ['ln1_in', t('norm_ln1_in'), x],
      ['ln1_out', t('norm_ln1_out'), matrix(tr.tensors.ln1, l)],
      ['ln2_in', t('norm_ln2_in'), matrix(tr.tensors.resid_mid, l)],
      ['ln2_out', t('norm_ln2_out'), matrix(tr.tensors.ln2, l)],
    ];
    const head = doc.createElement('tr');
    for (const k of [t('norm_vector'), t('norm_mean'), t('norm_var')]) {
      const th = doc.createElement('th');
      th.scope = 'col';
      th.textContent = k;
      head.append(th);
    }
    const cap = doc.createElement('caption');
    cap.textContent = t('norm_caption', { token: q(tr, p), layer: l + 1 });
    table.replaceChildren(
      cap,
      head,
      ...rows.map(([key, name, m]) => {
        const st = stats(row(m));
        const r = doc.createElement('tr');
        r.dataset.name = key;
        r.dataset.mean = String(st.mean);
        r.dataset.variance = String(st.variance);
        const th = doc.createElement('th');
        th.scope = 'row';
        th.textContent = name;
        const a = doc.createElement('td');
        a.textContent = fv(st.mean);
        const b = doc.createElement('td');
        b.textContent = fv(st.variance);
        r.append(th, a, b);
        return r;
      }),
    );
    rnote.textContent = t('residual_text', { layer: l + 1 });
    resid.draw(tr, [x, matrix(tr.tensors.attn_out, l), matrix(tr.tensors.resid_mid, l)]);
  }
  const unsubscribe = watch(state, (s) => [s.trace, s.sel.layer, s.sel.pos], draw, shown);
  return { update: draw, destroy: () => (unsubscribe(), resid.destroy(), root.remove()) };
}
