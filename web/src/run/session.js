// What the controller's jobs share: the store with its status-keeping write, the manifest and
// its limits, and the live session (tokenizer, model client, readiness, the ids the worker's
// key/value cache holds). One mutable object, owned by createController.

import { listStatus } from '../app-state.js';
import { limits } from '../gen/kv-cache.js';
import { dlaFor } from './attribution.js';

export const TOP_K = 10;
export const LOGITS = 'logits';

/**
 * @param {import('../../state.js').Store<import('../app-state.js').AppState>} store
 * @param {{ mark?: (name: string) => void, loadExample?: ((i: number) => Promise<any>) | null }} [options]
 */
export function createSession(store, { mark = () => {}, loadExample = null } = {}) {
  const { manifest } = store.get();
  const rt = {
    store,
    manifest,
    mark,
    loadExample,
    lim: limits(manifest),
    tok: null,
    client: null,
    ready: false,
    busy: false,
    cachedIds: [],
    stopWanted: false,
    // Every write recomputes the list's status; `top` is replaced only when it changes, so
    // the list does not redraw on every progress tick. A new trace brings its attribution.
    set(patch) {
      let next = { ...store.get(), ...patch };
      if ('trace' in patch && patch.trace !== store.get().trace && !('dla' in patch)) {
        const dla = dlaFor(rt, next);
        if (dla !== undefined) {
          patch = { ...patch, dla };
          next = { ...next, dla };
        }
      }
      const status = listStatus(next);
      store.set(patch.top || status !== next.top.status ? { ...patch, top: { ...next.top, status } } : patch);
    },
    setGen: (patch) => rt.set({ gen: { ...store.get().gen, ...patch } }),
    label: (id) => ({
      id,
      ...rt.tok.tokenLabel(id),
      raw: rt.tok.tokenBytes ? Array.from(rt.tok.tokenBytes(id)) : null,
    }),
    rows: (topk) => topk.map((x) => ({ ...x, ...rt.tok.tokenLabel(x.id) })),
  };
  return rt;
}

export const cacheInfo = (r) => ({ dims: r.cacheDims, norms: r.norms, fed: r.fed, reused: r.reused });
