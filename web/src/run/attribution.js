// Direct logit attribution of the current run's predicted token, kept in the store as `dla`
// ({kind, ids, variant, token, parts, bias, logit}) for the overview and the tour. The
// controller writes it together with the trace it belongs to (session.js): the example run's
// comes from the build (manifest); a live run's from the logit-lens graph, once that answers
// (the browser holds no weights; see build/txbuild/attribution.py for the algebra).

import { residualParts, lensRows, sharesFromLens } from '../../viz/lib/overview-data.js';
import { lastRow } from '../topk.js';

const argmax = (a) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);

async function live(rt, tr) {
  const { store } = rt;
  const { tensors } = tr;
  const lg = tensors.logits;
  const last = lastRow(lg.data, lg.dims);
  const token = argmax(last);
  const parts = residualParts(tensors, tr.ids.length - 1);
  const eps = store.get().manifest.config.layer_norm_epsilon;
  if (!rt.ready) throw new Error('the model is not loaded');
  const out = await rt.client.lens(lensRows(parts));
  if (store.get().trace !== tr) return;
  const s = sharesFromLens(parts, out, token, eps);
  rt.set({ dla: { kind: 'live', ids: tr.ids, variant: tr.variant, ...s, logit: last[token] } });
}

// The `dla` that goes with `next` (the state a write makes) when the write brings a new trace:
// the example's own at once; for a live run null now and the lens's answer later. undefined:
// dla stays as it is.
export function dlaFor(rt, next) {
  const tr = next.trace;
  if (!tr) return undefined;
  if (tr.kind === 'example')
    return { kind: 'example', ids: tr.ids, variant: null, ...next.manifest.examples[tr.example].dla };
  if (next.model.phase !== 'ready' || !tr.tensors.attn_out) return undefined;
  live(rt, tr).catch((err) => {
    if (rt.store.get().trace === tr) rt.set({ dla: { kind: 'error', error: String(err.message || err) } });
  });
  return null;
}
