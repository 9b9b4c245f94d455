// The page's handle on the model worker: request/response over postMessage, one promise
// per request, progress events (and the notice that a load's downloads are kept) forwarded to
// a callback.

/** @param {string | URL} workerUrl @param {{ onProgress?: (msg: any) => void }} [options] */
export function createModelClient(workerUrl, { onProgress = () => {} } = {}) {
  const worker = new Worker(workerUrl, { type: 'module' });
  const pending = new Map();
  let nextId = 1;
  let dead = null;

  const failAll = (err) => {
    dead = err;
    for (const { reject } of pending.values()) reject(err);
    pending.clear();
  };
  worker.onmessage = ({ data }) => {
    if (data.type === 'progress' || data.type === 'stored') return onProgress(data);
    const p = pending.get(data.id);
    if (!p) return;
    pending.delete(data.id);
    if (data.type === 'done') p.resolve(data.result);
    else p.reject(new Error(data.message));
  };
  // a worker that fails to start (bad URL, a syntax error) reports here, not in onmessage
  worker.onerror = (e) => {
    e.preventDefault?.();
    failAll(new Error(e.message || 'the model worker failed to start'));
  };

  const call = (msg) => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id });
    });
  };

  return {
    load: (opts) => call({ type: 'load', ...opts }),
    run: (ids, outputs) => call({ type: 'run', ids, outputs }),
    step: (ids, opts = {}) => call({ type: 'step', ids, ...opts }),
    lens: (hidden) => call({ type: 'lens', hidden }),
    destroy() {
      worker.terminate();
      failAll(new Error('model worker stopped'));
    },
  };
}
