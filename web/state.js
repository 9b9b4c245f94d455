// The one small store the views share. The controller writes; views subscribe and redraw
// only the slices they show. State objects are frozen so a view can compare by reference.

export function createStore(initial) {
  let state = Object.freeze({ ...initial });
  const listeners = new Set();
  return {
    get: () => state,
    set(patch) {
      const prev = state;
      state = Object.freeze({ ...prev, ...patch });
      for (const fn of [...listeners]) fn(state, prev);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
