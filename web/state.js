// The one small store the views share. The controller writes; views subscribe and redraw
// only the slices they show. State objects are frozen so a view can compare by reference.

// A subscriber's error is rethrown on its own (reported like any uncaught error) unless
// onError is given.
const rethrowLater = (err) => queueMicrotask(() => {
  throw err;
});

export function createStore(initial, { onError = rethrowLater } = {}) {
  let state = Object.freeze({ ...initial });
  const listeners = new Set();
  return {
    get: () => state,
    set(patch) {
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
