// The model's own thread: downloads the graph and its weight shards, creates the
// onnxruntime-web session (wasm backend) and runs it, so the page never freezes.
// One worker holds one variant; switching variants terminates it (frees its memory).
//
// in:  {id, type: 'load', variant, inputs, dims, ort: {mjs, wasm}, numThreads}
//      {id, type: 'run', ids, outputs: ['logits', 'q', …]}  (only the outputs asked for are fetched)
// out: {type: 'progress', loaded, total}
//      {id, type: 'done', result} | {id, type: 'error', message}

import * as ort from 'onnxruntime-web/wasm';
import { fetchBytes, sha256Hex } from './fetch-bytes.js';
import { createByteProgress } from './progress.js';
import { feedsFor } from './feeds.js';

async function load(msg, post) {
  const { variant } = msg;
  ort.env.wasm.wasmPaths = msg.ort;
  ort.env.wasm.numThreads = msg.numThreads;
  ort.env.wasm.proxy = false; // we already are off the main thread

  const progress = createByteProgress(variant.bytes);
  let lastPost = 0;
  const onBytes = (n) => {
    const p = progress.add(n);
    const now = performance.now();
    if (now - lastPost > 50 || p.loaded === p.total) {
      lastPost = now;
      post({ type: 'progress', loaded: p.loaded, total: p.total });
    }
  };
  // Each shard is hashed as soon as it has arrived, while the others still download. One
  // failed file stops the others instead of downloading hundreds of MB for nothing.
  const abort = new AbortController();
  const get = async ({ url, bytes, sha256 }) => {
    const data = await fetchBytes(url, { expectedBytes: bytes, onBytes, signal: abort.signal });
    const got = sha256 && (await sha256Hex(data));
    if (got && got !== sha256) throw new Error(`${url}: sha256 ${got}, the manifest says ${sha256}`);
    return data;
  };
  const [graph, ...shards] = await Promise.all([
    get({ url: variant.graphUrl, bytes: variant.graphBytes }),
    ...variant.shards.map(get),
  ]).catch((err) => {
    abort.abort();
    throw err;
  });
  const done = progress.snapshot();
  post({ type: 'progress', loaded: done.loaded, total: done.total, phase: 'init' });

  const t0 = performance.now();
  const session = await ort.InferenceSession.create(graph, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    // the path is the location string the graph itself references
    externalData: variant.shards.map((s, i) => ({ path: s.name, data: shards[i] })),
  });
  return { session, initMs: performance.now() - t0, inputs: msg.inputs, dims: msg.dims };
}

async function run(model, msg) {
  const { session, inputs, dims } = model;
  const feeds = {};
  for (const f of feedsFor(inputs, dims, msg.ids)) feeds[f.name] = new ort.Tensor(f.type, f.data, f.dims);
  const t0 = performance.now();
  const out = await session.run(feeds, msg.outputs);
  const ms = performance.now() - t0;
  const result = {};
  const transfer = new Set();
  for (const name of msg.outputs) {
    const t = out[name];
    if (!t) throw new Error(`the graph has no output ${name}`);
    result[name] = { dims: t.dims.slice(), type: t.type, data: t.data };
    transfer.add(t.data.buffer);
  }
  for (const t of Object.values(out)) t.dispose?.();
  return { result: { outputs: result, ms }, transfer: [...transfer] };
}

function serve(scope) {
  let model = null;
  let loading = null;
  const post = (m, transfer) => scope.postMessage(m, transfer || []);
  scope.onmessage = async ({ data: msg }) => {
    try {
      if (msg.type === 'load') {
        loading = load(msg, post);
        model = await loading;
        post({ id: msg.id, type: 'done', result: { initMs: model.initMs, threads: ort.env.wasm.numThreads } });
      } else if (msg.type === 'run') {
        if (!model) model = await loading;
        if (!model) throw new Error('run before load');
        const { result, transfer } = await run(model, msg);
        post({ id: msg.id, type: 'done', result }, transfer);
      }
    } catch (err) {
      post({ id: msg.id, type: 'error', message: String(err?.message || err) });
    }
  };
}

serve(self);
