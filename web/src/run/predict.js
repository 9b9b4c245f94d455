// The explained run: the current ids through the model with every intermediate, written as
// the next-token list and the trace. Runs are coalesced (at most one in flight, then the
// latest input); results for an older input or variant are never shown as current.

import { listStatus } from '../app-state.js';
import { softmaxTopK, lastRow } from '../topk.js';
import { TOP_K, LOGITS, cacheInfo } from './session.js';

// The cache outputs only serve token-by-token generation; every other output is drawn.
const explained = (manifest) => manifest.outputs.map((o) => o.name).filter((n) => !n.startsWith('present_'));

export function createPredictor(rt, debounceMs) {
  const { store, manifest, lim } = rt;
  let timer = null;
  let marked = false;

  // `force` re-runs even when the list is already up to date (the Predict button).
  async function runLatest(force = false) {
    if (!rt.ready || rt.busy || !rt.tok || (!force && listStatus(store.get()) === 'ready')) return;
    // the tokens with their ids, before the run: a prompt typed meanwhile must not label this
    // run's tensors (a stale mix of two runs: rows without labels, issue 21)
    const { ids, variant, tokens } = store.get();
    const current = rt.client;
    if (ids.length === 0)
      return rt.set({ top: { kind: 'live', ids, variant, rows: [], error: null }, trace: null, next: null }); // no stale trace
    rt.busy = true;
    try {
      if (ids.length > lim.explained) {
        // too long to explain (every intermediate): the cache step gives the prediction alone
        const r = await current.step(ids);
        if (current !== rt.client) return;
        rt.cachedIds = ids;
        rt.set({
          top: { kind: 'live', ids, variant, rows: rt.rows(softmaxTopK(r.logits, TOP_K)), ms: r.ms, error: null },
          next: { ids, logits: r.logits, order: r.order },
          gen: { ...store.get().gen, message: 'explained', cache: cacheInfo(r) },
        });
        return;
      }
      const { outputs, ms, order } = await current.run(ids, explained(manifest));
      if (current !== rt.client) return;
      const logits = outputs[LOGITS];
      const last = lastRow(logits.data, logits.dims);
      const trace = { kind: 'live', ids, tokens, variant, tensors: outputs, ms };
      rt.set({
        top: { kind: 'live', ids, variant, rows: rt.rows(softmaxTopK(last, TOP_K)), ms, error: null },
        trace,
        next: { ids, logits: last.slice(), order },
      });
      if (!marked) {
        marked = true;
        rt.mark('txb:first-prediction');
      }
    } catch (err) {
      if (current === rt.client) rt.set({ top: { ...store.get().top, error: String(err.message || err) } });
    } finally {
      if (current === rt.client) rt.busy = false;
    }
    if (current === rt.client && listStatus(store.get()) === 'loading') runLatest();
  }

  return {
    schedule(delay, force = false) {
      clearTimeout(timer);
      timer = delay > 0 ? setTimeout(() => runLatest(force), delay) : null;
      if (!(delay > 0)) runLatest(force);
    },
    cancel: () => clearTimeout(timer),
  };
}
