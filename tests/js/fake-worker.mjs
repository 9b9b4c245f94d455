// The model worker (web/src/worker-core.js) over a fake onnxruntime-web whose graph returns
// `rows` of logits, for node tests of what the worker does around the runtime.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { serve } from '../../web/src/worker-core.js';

export const V = 50257;
export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

// a deterministic row of logits, with ties and both signs, as a model's last row can have
export function logitsRow(seed) {
  const row = new Float32Array(V);
  let x = seed;
  for (let i = 0; i < V; i++) {
    x = (x * 16807) % 2147483647;
    row[i] = Math.round(((x / 2147483647) * 2 - 1) * 400) / 40;
  }
  return row;
}

const fakeOrt = () => ({
  env: { wasm: {} },
  Tensor: class {
    constructor(type, data, dims) {
      Object.assign(this, { type, data, dims });
    }
  },
  InferenceSession: {
    async create() {
      return {
        async run(feeds, names) {
          const T = feeds.input_ids.dims[1];
          const data = new Float32Array(T * V);
          for (let t = 0; t < T; t++) data.set(logitsRow(t + 7), t * V);
          const out = { logits: { dims: [1, T, V], type: 'float32', data } };
          for (const n of names.filter((x) => x.startsWith('present_')))
            out[n] = { dims: [1, 1, T, 1], type: 'float32', data: new Float32Array(T) };
          return out;
        },
      };
    },
  },
});

export const INPUTS = [
  { name: 'input_ids', dims: ['batch', 'seq'], dtype: 'int64' },
  { name: 'past_key', dims: ['layer', 'batch', 'head', 'past', 'head_dim'], dtype: 'float32' },
];
export const DIMS = { layer: 1, head: 1, head_dim: 1 };

// A started worker: call(msg) posts `msg` and resolves to {m, transfer} of its answer (checked
// 'done'); `posted` holds every message; `fetched` every URL the network was asked for.
// `files`: url -> bytes the network serves.
export function startWorker(files) {
  const posted = [];
  const fetched = [];
  const scope = { postMessage: (m, transfer) => posted.push({ m, transfer }), navigator: {} };
  serve(scope, fakeOrt(), 'wasm');
  const call = async (msg, { ok = true } = {}) => {
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (url) => {
      fetched.push(String(url));
      const b = files.get(String(url));
      return b ? new Response(b.slice()) : new Response('gone', { status: 404 });
    };
    try {
      scope.onmessage({ data: msg });
      for (let i = 0; i < 500 && !posted.some((p) => p.m.id === msg.id); i++)
        await new Promise((r) => setTimeout(r, 0));
    } finally {
      globalThis.fetch = realFetch;
    }
    const p = posted.find((x) => x.m.id === msg.id);
    if (ok) assert.equal(p.m.type, 'done', p.m.message);
    return p;
  };
  return { call, posted, fetched };
}
