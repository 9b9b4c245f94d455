// The model's own thread: downloads the graph and its weight shards, creates the
// onnxruntime-web session and runs it, so the page never freezes. One worker holds one
// variant on one backend; switching either terminates it (frees its memory). worker.js
// (WebAssembly) and worker-webgpu.js (WebGPU, with WebAssembly for any operator WebGPU
// lacks) are this module over the matching onnxruntime-web build: two builds of ORT cannot
// share one thread (both register a 'wasm' backend).
//
// in:  {id, type: 'load', variant, inputs, dims, ort: {mjs, wasm}, numThreads, reload, cache}
//           (reload: a Retry; every file is fetched again past the HTTP cache and the cache;
//           cache: the service worker's model cache, read first and given every download)
//      {id, type: 'run', ids, outputs: ['logits', 'q', …]}  (only the outputs asked for are fetched;
//           with the logits comes `order`, their last row ranked for sampling: sampling.js rankByLogit)
//      {id, type: 'step', ids}  generation: reuses the cached keys/values of the longest common
//           prefix (the previous run's presents) and feeds only the new tokens; returns the last
//           row of logits and its `order`, the time, and per-layer norms of the cache for the KV view
//      {id, type: 'lens', hidden: {data, dims}}  the logit lens: ln_f + unembedding on rows
// Requests are served one at a time (a session must not run twice at once).
// out: {type: 'progress', loaded, total}
//      {id, type: 'done', result} | {id, type: 'error', message}
//      {type: 'stored', ok}  after a load whose result said `storing`: the downloads are kept

import { fetchBytes, verifiedBytes } from './fetch-bytes.js';
import { openModelCache } from './model-cache.js';
import { createByteProgress } from './progress.js';
import { feedsFor } from './feeds.js';
import { planStep, slicePast, cacheNorms } from './gen/kv-cache.js';
import { warmUp } from './warm-up.js';
import { workerProviders } from './backend.js';
import { rankByLogit } from './sampling.js';

// `ort` is the onnxruntime-web module, `backend` 'wasm' or 'webgpu'.
let ort = null;
let providers = ['wasm'];
let runtime = null; // () => {backend, providers}: what runs here (backend.js)

async function load(msg, post) {
  const { variant } = msg;
  const rt = await runtime();
  providers = rt.providers;
  ort.env.wasm.wasmPaths = msg.ort;
  ort.env.wasm.numThreads = msg.numThreads;
  ort.env.wasm.proxy = false; // we already are off the main thread
  // the runtime starts while the files download; a failure here shows again at the real start
  const warm = warmUp(ort, providers).catch(() => {});

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
  const cache = openModelCache(msg.cache ?? null);
  /** @type {{ url: string, data: Uint8Array }[]} */
  const downloaded = []; // checked downloads, for the cache once the sessions exist
  const get = async ({ url, bytes, sha256 }) => {
    const kept = cache && !msg.reload ? await cache.read(url) : null;
    if (kept) {
      try {
        // counted once checked: a copy that fails is not counted before its download is
        const data = await fetchBytes(url, { expectedBytes: bytes, signal: abort.signal, fetchImpl: async () => kept });
        await verifiedBytes(url, data, sha256);
        onBytes(data.length);
        return data;
      } catch {
        if (abort.signal.aborted) throw new Error(`${url}: aborted`);
        await cache.drop(url); // damaged or stale: fetched again below
      }
    }
    const data = await fetchBytes(url, {
      expectedBytes: bytes,
      onBytes,
      signal: abort.signal,
      cache: msg.reload ? 'reload' : 'default',
    });
    await verifiedBytes(url, data, sha256); // graphs and shards alike (issue 13)
    if (cache) downloaded.push({ url, data });
    return data;
  };
  // the lens graph is a few KB; its weights are the shards below. A missing or damaged lens
  // disables the logit lens only (its view says why); the model still loads.
  let lensError = null;
  const lensGraphP = variant.lens
    ? get({ url: variant.lens.graphUrl, bytes: variant.lens.bytes, sha256: variant.lens.sha256 }).catch((err) => {
        lensError = String(err.message || err);
        return null;
      })
    : null;
  let [graph, ...shards] = await Promise.all([
    get({ url: variant.graphUrl, bytes: variant.graphBytes, sha256: variant.graphSha256 }),
    ...variant.shards.map(get),
  ]).catch((err) => {
    abort.abort();
    throw err;
  });
  const lensGraph = await lensGraphP;
  const done = progress.snapshot();
  post({ type: 'progress', loaded: done.loaded, total: done.total, phase: 'init' });
  await warm;

  const t0 = performance.now();
  // the path is the location string the graph itself references
  let externalData = variant.shards.map((s, i) => ({ path: s.name, data: shards[i] }));
  // WebGPU leaves shape arithmetic to the CPU on purpose: ORT's warning about it is noise.
  // On wasm, q4's DequantizeLinear nodes are folded into fp32 weights at start instead of
  // fused into MatMulNBits, which this build unpacks on every run (build/txbuild/q4.py).
  // The build already ran the CPU provider's rewrites (build/txbuild/preopt.py): on wasm only the
  // basic level is left, which folds q4's weights; WebGPU places nodes itself, at every level.
  const wasm = providers[0] === 'wasm';
  const opts = {
    executionProviders: providers,
    graphOptimizationLevel: wasm ? 'basic' : 'all',
    externalData,
    logSeverityLevel: 3,
    ...(wasm ? { extra: { session: { disable_quant_qdq: '1' } } } : {}),
  };
  const session = await ort.InferenceSession.create(graph, opts);
  const lens = lensGraph ? { session: await ort.InferenceSession.create(lensGraph, opts), ...variant.lens } : null;
  const initMs = performance.now() - t0;
  // The sessions hold their own copies of the weights (in the wasm heap or on the GPU): drop
  // the fetched shard buffers so that only one copy stays alive (the downloads once they are
  // kept, in the background: the first prediction does not wait for the disk).
  externalData = shards = null;
  const storing = downloaded.length ? cache.keep(downloaded.splice(0)) : null;
  // ORT sets env.webgpu.device once its WebGPU provider has a device; without one it ran the
  // session on wasm (it drops a provider that fails to start with a warning only)
  const backend = rt.backend === 'webgpu' && !ort.env.webgpu?.device ? 'wasm' : rt.backend;
  return {
    session,
    lens,
    lensError,
    initMs,
    backend,
    storing,
    inputs: msg.inputs,
    dims: msg.dims,
    cache: { ids: [], past: null, norms: null },
  };
}

// cacheNorms of a cache whose first `from` positions are those `prev` was computed over:
// `prev`'s rows up to `from`, then the norms of the new positions only (a step costs O(new),
// not O(whole cache)). Without `prev` (or from = 0) it is cacheNorms.
export function extendNorms(prev, data, dims, from) {
  const [L, H, P, D] = dims;
  if (!prev || from <= 0) return cacheNorms(data, dims);
  return Array.from({ length: L }, (_, l) => {
    const row = new Float32Array(P);
    row.set(prev[l].subarray(0, from));
    for (let p = from; p < P; p++) {
      let s = 0;
      for (let h = 0; h < H; h++) {
        const base = (l * H + h) * P * D + p * D;
        for (let d = 0; d < D; d++) s += data[base + d] ** 2;
      }
      row[p] = Math.sqrt(s);
    }
    return row;
  });
}

// The cache inputs and outputs are the ones with a `past` / `ctx` dim in the contract.
const pastInputs = (inputs) => inputs.filter((i) => i.dims.includes('past')).map((i) => i.name);

async function step(model, msg) {
  const { session, inputs, dims, cache } = model;
  const names = pastInputs(inputs); // ['past_key', 'past_value']
  const presents = names.map((n) => n.replace(/^past_/, 'present_'));
  const { reuse, feed } = planStep(cache.ids, msg.ids);
  const feeds = {};
  for (const f of feedsFor(inputs, dims, feed)) feeds[f.name] = new ort.Tensor(f.type, f.data, f.dims);
  if (reuse > 0) {
    names.forEach((n, i) => {
      const p = slicePast(cache.past[i].data, cache.past[i].dims, reuse);
      feeds[n] = new ort.Tensor('float32', p.data, p.dims);
    });
  }
  const t0 = performance.now();
  const out = await session.run(feeds, ['logits', ...presents]);
  const ms = performance.now() - t0;
  const logits = out.logits;
  const V = logits.dims[logits.dims.length - 1];
  const last = logits.data.slice(logits.data.length - V);
  cache.past = presents.map((n) => ({ data: out[n].data, dims: out[n].dims.slice() }));
  cache.ids = msg.ids.slice();
  logits.dispose?.();
  const [L, H, P, D] = cache.past[0].dims;
  // the reused positions' keys and values are the ones fed in: only the new ones' norms are computed
  const kept = cache.norms && reuse > 0 ? reuse : 0;
  cache.norms =
    msg.norms === false
      ? null
      : {
          key: extendNorms(kept && cache.norms.key, cache.past[0].data, cache.past[0].dims, kept),
          value: extendNorms(kept && cache.norms.value, cache.past[1].data, cache.past[1].dims, kept),
        };
  const order = rankByLogit(last); // sampling's ranking, made here and not on the page (a long task)
  const result = {
    logits: last,
    order,
    ms,
    fed: feed.length,
    reused: reuse,
    cacheDims: [L, H, P, D],
    norms: cache.norms,
  };
  return { result, transfer: [last.buffer, order.buffer] };
}

async function lens(model, msg) {
  if (!model.lens) throw new Error(model.lensError || 'this variant has no logit-lens graph');
  const { session, input, output } = model.lens;
  const out = await session.run({ [input]: new ort.Tensor('float32', msg.hidden.data, msg.hidden.dims) }, [output]);
  const t = out[output];
  return { result: { dims: t.dims.slice(), data: t.data }, transfer: [t.data.buffer] };
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
  // the last position's logits ranked for sampling, here and not on the page (a long task)
  const lg = result.logits;
  const V = lg?.dims[lg.dims.length - 1];
  const order = lg && lg.data.length >= V ? rankByLogit(lg.data.subarray(lg.data.length - V)) : null;
  if (order) transfer.add(order.buffer);
  return { result: { outputs: result, ms, order }, transfer: [...transfer] };
}

export function serve(scope, ortModule, backend) {
  ort = ortModule;
  runtime = () => workerProviders(backend, scope.navigator);
  let model = null;
  let loading = null;
  const post = (m, transfer) => scope.postMessage(m, transfer || []);
  let queue = Promise.resolve();
  scope.onmessage = ({ data: msg }) => {
    queue = queue.then(() => handle(msg));
  };
  const handle = async (msg) => {
    try {
      if (msg.type === 'load') {
        loading = load(msg, post);
        model = await loading;
        const { storing } = model;
        post({
          id: msg.id,
          type: 'done',
          result: {
            initMs: model.initMs,
            threads: ort.env.wasm.numThreads,
            backend: model.backend,
            storing: !!storing,
          },
        });
        storing?.then((ok) => post({ type: 'stored', ok }));
      } else if (msg.type === 'run') {
        if (!model) model = await loading;
        if (!model) throw new Error('run before load');
        const { result, transfer } = await run(model, msg);
        post({ id: msg.id, type: 'done', result }, transfer);
      } else if (msg.type === 'step' || msg.type === 'lens') {
        if (!model) model = await loading;
        if (!model) throw new Error(`${msg.type} before load`);
        const { result, transfer } = await (msg.type === 'step' ? step : lens)(model, msg);
        post({ id: msg.id, type: 'done', result }, transfer);
      }
    } catch (err) {
      post({ id: msg.id, type: 'error', message: String(err?.message || err) });
    }
  };
}
