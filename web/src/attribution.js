// Direct logit attribution of the current run's predicted token, written into the store as
// `dla` ({kind, ids, variant, token, parts, bias, logit}) for the overview and the tour.
// The example run's comes from the build (manifest); a live run's from the logit-lens graph
// (the browser holds no weights; see build/txbuild/attribution.py for the algebra).

import { residualParts, lensRows, sharesFromLens } from '../viz/overview-data.js';
import { lastRow } from './topk.js';

const argmax = (a) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);

export function mount(_el, { state, actions }) {
  let shown = null; // the trace the store's dla belongs to (or is being computed for)

  async function live(tr, variant) {
    const { tensors } = tr;
    const lg = tensors.logits;
    const last = lastRow(lg.data, lg.dims);
    const token = argmax(last);
    const parts = residualParts(tensors, tr.ids.length - 1);
    const eps = state.get().manifest.config.layer_norm_epsilon;
    const out = await actions.lens(lensRows(parts));
    if (state.get().trace !== tr) return;
    const s = sharesFromLens(parts, out, token, eps);
    state.set({ dla: { kind: 'live', ids: tr.ids, variant, ...s, logit: last[token] } });
  }

  function update(s) {
    const tr = s.trace;
    if (tr === shown) return;
    if (!tr) return;
    if (tr.kind === 'example') {
      shown = tr;
      const d = s.manifest.examples[tr.example].dla;
      // after the other subscribers have seen this state
      queueMicrotask(() => state.set({ dla: { kind: 'example', ids: tr.ids, variant: null, ...d } }));
      return;
    }
    if (s.model.phase !== 'ready' || !tr.tensors.attn_out) return;
    shown = tr;
    queueMicrotask(() => state.set({ dla: null }));
    live(tr, tr.variant).catch((err) => {
      if (state.get().trace === tr) state.set({ dla: { kind: 'error', error: String(err.message || err) } });
    });
  }

  const unsubscribe = state.subscribe(update);
  update(state.get());
  return { update, destroy: unsubscribe };
}
