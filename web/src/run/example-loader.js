import { parseTrace } from '../explainer/tensors.js';

// The build-time example traces, fetched when shown: the first screen fetches only the
// example it displays, another one when the reader picks it. Each is fetched at most once (a
// second request for it gets the first one's promise); a failed fetch may be tried again.

export function createExampleLoader(fetchTrace) {
  const pending = new Map(); // example index -> promise of its tensors
  return {
    load(i) {
      if (!pending.has(i)) {
        const p = Promise.resolve()
          .then(() => fetchTrace(i))
          .catch((err) => {
            pending.delete(i);
            throw err;
          });
        pending.set(i, p);
      }
      return pending.get(i);
    },
    // the indices fetched (or being fetched) so far: what the offline copy needs to keep
    requested: () => [...pending.keys()],
  };
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

// parseTrace one tensor at a time, giving the page the thread back in between: decoding a
// long prompt's float16 trace is then many short tasks instead of one long one.
export async function parseTraceSliced(buffer, index, pause = nextTask) {
  const out = {};
  for (const entry of index) {
    Object.assign(out, parseTrace(buffer, [entry]));
    await pause();
  }
  return out;
}
