// The one small store the views share. The controller writes; views subscribe and redraw
// only the slices they show. State objects are frozen so a view can compare by reference.

// A subscriber's error is rethrown on its own (reported like any uncaught error) unless
// onError is given. With `keys`, writing any other key throws (every key is declared once,
// in web/src/app-state.js).
const rethrowLater = (err) =>
  queueMicrotask(() => {
    throw err;
  });

/**
 * @template S
 * @typedef {object} Store
 * @property {() => Readonly<S>} get
 * @property {(patch: Partial<S>) => void} set
 * @property {(fn: (state: Readonly<S>, prev: Readonly<S>) => void) => () => boolean} subscribe
 */

/**
 * @template {object} S
 * @param {S} initial
 * @param {{ onError?: (err: unknown) => void, keys?: readonly string[] | null }} [options]
 * @returns {Store<S>}
 */
export function createStore(initial, { onError = rethrowLater, keys = null } = {}) {
  const known = keys && new Set(keys);
  const undeclared = known ? Object.keys(initial).filter((k) => !known.has(k)) : [];
  if (undeclared.length) throw new Error(`undeclared store key: ${undeclared.join(', ')}`);
  let state = Object.freeze({ ...initial });
  const listeners = new Set();
  return {
    get: () => state,
    set(patch) {
      if (known) {
        const bad = Object.keys(patch).filter((k) => !known.has(k));
        if (bad.length) throw new Error(`undeclared store key: ${bad.join(', ')}`);
      }
      const prev = state;
      state = Object.freeze({ ...prev, ...patch });
      for (const fn of [...listeners]) {
        // one view's failure must not stop the others (the stage tabs, the pickers) from
        // following the state; the error is still reported
        try {
          fn(state, prev);
        } catch (err) {
          onError(err);
        }
      }
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
