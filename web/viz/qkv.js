// Q, K and V: the first block's layer-normed input (ln_1) times one weight matrix gives
// 3 × width numbers per token, split into queries, keys and values, and each of those into
// heads. Shows the chosen head's slice of all three, next to the ln_1 rows they come from.

import { block, watch, para } from '../src/explainer/view.js';
import { createLinked } from '../src/explainer/matrices.js';
import { matrix } from '../src/explainer/tensors.js';

export function mount(el, { state, t, actions, shown }) {
  const root = block(el, 'txb-qkv', t('qkv_heading'));
  const note = para(root.ownerDocument, 'txb-note');
  root.append(note);
  const input = createLinked(root, { t, actions, defs: [{ name: 'ln1', label: t('qkv_ln1') }] });
  const qkv = createLinked(root, {
    t,
    actions,
    defs: [
      { name: 'q', label: t('qkv_q') },
      { name: 'k', label: t('qkv_k') },
      { name: 'v', label: t('qkv_v') },
    ],
    sameShape: true,
  });

  function draw(s) {
    const tr = s.trace;
    if (!tr) return;
    const { layer, head } = s.sel;
    const d = s.manifest.dims;
    note.textContent = t('qkv_sizes', {
      C: d.embd,
      C3: 3 * d.embd,
      H: d.head,
      d: d.head_dim,
      layer: layer + 1,
      head: head + 1,
    });
    input.draw(tr, [matrix(tr.tensors.ln1, layer)]);
    qkv.draw(
      tr,
      ['q', 'k', 'v'].map((n) => matrix(tr.tensors[n], layer, head)),
      { shared: false },
    );
  }
  const unsubscribe = watch(state, (s) => [s.trace, s.sel.layer, s.sel.head], draw, shown);
  return { update: draw, destroy: () => (unsubscribe(), input.destroy(), qkv.destroy(), root.remove()) };
}
