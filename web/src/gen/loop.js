// The generation loop: appends up to `n` drawn tokens, one cached step each (only the new
// token is fed; the keys/values of the earlier ones come from the cache). And the one-off
// with/without-cache measurement the KV view's button asks for.

import { sameIds } from '../ids.js';
import { softmaxTopK } from '../topk.js';
import { stopReason } from './kv-cache.js';
import { drawFor } from './draw.js';
import { TOP_K, LOGITS, cacheInfo } from '../run/session.js';

// The logits after `ids` with the worker's cache holding them (a prefill when it does not).
async function prefill(rt, current, ids) {
  const { store } = rt;
  let next = store.get().next;
  if (sameIds(rt.cachedIds, ids) && next && sameIds(next.ids, ids)) return next;
  const r = await current.step(ids); // the prompt's keys and values
  if (current !== rt.client) return null;
  rt.cachedIds = ids;
  next = { ids, logits: r.logits, order: r.order };
  rt.set({ next });
  rt.setGen({ cache: cacheInfo(r) });
  return next;
}

// Returns whether the loop ran to its end on the same client (then the caller re-explains).
export async function generate(rt, n) {
  const { store, lim } = rt;
  if (!rt.ready || !rt.tok || store.get().gen.running) return false;
  const current = rt.client;
  rt.stopWanted = false;
  rt.setGen({ running: true, message: null, error: null, timings: [] });
  let message = null;
  try {
    let { ids } = store.get();
    let next = await prefill(rt, current, ids);
    if (!next) return false;
    for (let i = 0; i < n; i++) {
      if (rt.stopWanted) {
        message = 'stopped';
        break;
      }
      message = stopReason(ids.length, lim);
      if (message) break;
      const gen = store.get().gen;
      const d = drawFor(next.logits, gen.settings, gen.ids.length, next.order);
      const newIds = [...ids, d.id];
      const r = await current.step(newIds, { norms: true });
      if (current !== rt.client) return false;
      rt.cachedIds = newIds;
      if (!sameIds(store.get().ids, ids)) return false; // the reader changed the prompt meanwhile
      ids = newIds;
      next = { ids, logits: r.logits, order: r.order };
      const { variant } = store.get();
      const now = store.get().gen;
      rt.set({
        ids,
        tokens: [...store.get().tokens, { ...rt.label(d.id), gen: true }],
        next,
        top: { kind: 'live', ids, variant, rows: rt.rows(softmaxTopK(r.logits, TOP_K)), ms: r.ms, error: null },
        gen: {
          ...now,
          ids: [...now.ids, d.id],
          cache: cacheInfo(r),
          last: { id: d.id, u: d.u, rank: d.rank },
          timings: [...now.timings, { cached: r.ms }],
        },
      });
    }
  } catch (err) {
    message = 'error';
    rt.setGen({ error: String(err.message || err) });
  } finally {
    if (current === rt.client) rt.setGen({ running: false, message });
  }
  return current === rt.client;
}

// Times the last token of the current sequence `reps` times each way: one cached step (the
// earlier tokens' keys/values from the cache) and the whole sequence without the cache.
// Runs only when asked (a button), never on every generated token.
export async function measureCompare(rt, reps = 3) {
  const { store } = rt;
  const { ids, gen } = store.get();
  if (!rt.ready || gen.running || !Array.isArray(ids) || ids.length < 2) return;
  const current = rt.client;
  rt.setGen({ compare: { ...(gen.compare || {}), running: true } });
  const cached = [];
  const full = [];
  try {
    if (!(await prefill(rt, current, ids))) return;
    for (let i = 0; i < reps; i++) {
      await current.step(ids.slice(0, -1), { norms: false }); // the cache now lacks the last token
      const c = await current.step(ids, { norms: false }); // one token fed, the rest from the cache
      const f = await current.run(ids, [LOGITS]); // everything again, no cache
      if (current !== rt.client) return;
      cached.push(c.ms);
      full.push(f.ms);
    }
    rt.cachedIds = ids;
    rt.setGen({
      compare: { running: false, positions: ids.length, timings: cached.map((c, i) => ({ cached: c, full: full[i] })) },
    });
  } catch (err) {
    if (current === rt.client) rt.setGen({ compare: { running: false, error: String(err.message || err) } });
  }
}
