// Attention output: the heads' outputs side by side (concatenated), the output projection
// (c_proj, the model's attn_out), and the residual add x + a (the model's resid_mid), next to
// the block's input x. Hover a cell to see x, a and x + a for it.

import { block, watch, para } from '../src/explainer/view.js';
import { createLinked } from '../src/explainer/matrices.js';
import { matrix, concatHeads, blockInput } from '../src/explainer/tensors.js';

export function mount(el, { state, t, actions, shown }) {
  const root = block(el, 'txb-attn-output', t('attn_output_heading'));
  const note = para(root.ownerDocument, 'txb-note');
  root.append(note);
  const heads = createLinked(root, { t, actions, defs: [{ name: 'concat', label: t('attn_output_concat') }] });
  const sum = createLinked(root, {
    t,
    actions,
    defs: [
      { name: 'resid_in', label: t('attn_output_x') },
      { name: 'attn_out', label: t('attn_output_proj') },
      { name: 'resid_mid', label: t('attn_output_sum') },
    ],
  });

  function draw(s) {
    const tr = s.trace;
    if (!tr) return;
    const l = s.sel.layer;
    const d = s.manifest.dims;
    note.textContent = t('attn_output_sizes', { H: d.head, d: d.head_dim, C: d.embd, layer: l + 1 });
    heads.draw(tr, [concatHeads(tr.tensors.head_out, l)]);
    sum.draw(tr, [blockInput(tr.tensors, l), matrix(tr.tensors.attn_out, l), matrix(tr.tensors.resid_mid, l)]);
  }
  const unsubscribe = watch(state, (s) => [s.trace, s.sel.layer], draw, shown);
  return { update: draw, destroy: () => (unsubscribe(), heads.destroy(), sum.destroy(), root.remove()) };
}
