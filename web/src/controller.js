// The explainer's logic without the DOM: prompt -> ids -> model run -> top-10 and the run's
// intermediate tensors (`trace`), written into the store for the views. Runs are coalesced (at most one in flight, then the latest
// input) and results that arrive for an older input or variant are never shown as current.

import { softmaxTopK, lastRow } from './topk.js';
import { samplingSteps, drawRank } from './sampling.js';
import { seededRandom } from './rng.js';
import { limits, stopReason } from './gen/kv-cache.js';
import { SAMPLING_DEFAULTS } from './gen/url-state.js';

const TOP_K = 10;
const LOGITS = 'logits';
// The cache outputs only serve token-by-token generation; every other output is drawn.
const explained = (manifest) => manifest.outputs.map((o) => o.name).filter((n) => !n.startsWith('present_'));

export const sameIds = (a, b) => Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);

// The list's status says whether its rows belong to the current input and variant. The
// build-time example stays valid for its own prompt even when the model cannot load (the
// model panel reports that failure); 'error' means the list cannot be brought up to date.
export function listStatus(s) {
  const { top } = s;
  if (top.kind === 'example' && (s.ids === null || sameIds(s.ids, top.ids))) return 'example';
  if (top.error || s.model.phase === 'error') return 'error';
  return top.kind === 'live' && sameIds(s.ids, top.ids) && top.variant === s.variant ? 'ready' : 'loading';
}

export function initialState(manifest, variant) {
  const ex = manifest.examples[0];
  return {
    manifest,
    variant,
    prompt: manifest.defaultPrompt,
    ids: null, // null until the tokenizer has loaded
    tokens: ex ? ex.ids.map((id, i) => ({ id, text: ex.tokens?.[i] ?? String(id), bytes: false })) : [],
    truncated: false,
    model: { phase: 'idle', loaded: 0, total: manifest.variants[variant].bytes },
    top: ex
      ? { kind: 'example', ids: ex.ids, variant: null, rows: ex.top.map((r) => ({ id: r.id, prob: r.prob, text: r.token, bytes: false })), status: 'example' }
      : { kind: 'live', ids: [], variant: null, rows: [], status: 'loading' },
    // the run the views draw: {kind: 'example'|'live', ids, tokens, variant, tensors, example}
    trace: null,
    // what the reader has chosen: the stage of the step-through, layer, head, token position
    sel: { stage: 0, layer: 0, head: 0, pos: null },
    // what is under the pointer or focus: {q, k} token positions, a label and a value
    hover: null,
    // the logits after the whole sequence `ids` (prompt + generated): what sampling draws from
    next: null,
    // generation: the generated ids (after the prompt's), the sampling settings, the cache and
    // the timings of the last generation; `message` says why it stopped early
    gen: { ids: [], settings: { ...SAMPLING_DEFAULTS }, running: false, message: null, compare: true,
      timings: [], cache: null, last: null },
  };
}

// The draw for generated token number `n`: the n-th number of the seed's stream, so a seed and
// the generated tokens in a URL reproduce every draw. Greedy takes rank 0 (u is not used).
export function uniformAt(seed, n) {
  const rng = seededRandom(seed);
  let u = rng();
  for (let i = 0; i < n; i++) u = rng();
  return u;
}
export function drawFor(logits, settings, n) {
  const steps = samplingSteps(logits, settings);
  const u = settings.mode === 'greedy' ? null : uniformAt(settings.seed, n);
  const rank = u === null ? 0 : drawRank(steps.probs, steps.kept, u);
  return { steps, u, rank, id: steps.order[rank] };
}

export function createController({
  store, loadTokenizer, createClient, ortPaths, numThreads, debounceMs = 250, mark = () => {},
  loadExample = null,
}) {
  const { manifest } = store.get();
  let tok = null;
  let client = null;
  let ready = false;
  let busy = false;
  let timer = null;
  let marked = false;
  let cachedIds = []; // the ids the worker's key/value cache holds
  let stopWanted = false;

  // Every write recomputes the list's status; `top` is replaced only when it changes, so the
  // list does not redraw on every progress tick.
  const set = (patch) => {
    const next = { ...store.get(), ...patch };
    const status = listStatus(next);
    store.set(patch.top || status !== next.top.status ? { ...patch, top: { ...next.top, status } } : patch);
  };

  const label = (id) => ({ id, ...tok.tokenLabel(id), raw: tok.tokenBytes ? Array.from(tok.tokenBytes(id)) : null });

  // A precomputed example (its tensors from the build) stands in until a live run replaces it.
  async function showExample(i) {
    const ex = manifest.examples[i];
    if (!ex || !loadExample) return;
    const tensors = await loadExample(i);
    if (store.get().trace?.kind === 'live' && !store.get().exampleWanted) return;
    const tokens = ex.ids.map((id, n) => (tok ? label(id) : { id, text: ex.tokens?.[n] ?? String(id), bytes: false, raw: null }));
    const lg = tensors.logits;
    set({ trace: { kind: 'example', example: i, ids: ex.ids, tokens, variant: null, tensors }, exampleWanted: false,
      ...(lg && !store.get().next ? { next: { ids: ex.ids, logits: lastRow(lg.data, lg.dims).slice() } } : {}) });
  }

  const lim = limits(manifest);
  // The prompt's ids (capped at max_tokens), then the generated ones (capped by `lim.total`).
  function tokenize(prompt, genIds = []) {
    const gen = store.get().gen;
    if (!tok) return set({ prompt, gen: { ...gen, ids: genIds } });
    const all = tok.encodeText(prompt);
    const promptIds = all.slice(0, manifest.maxTokens);
    const genKept = genIds.slice(0, Math.max(0, lim.total - promptIds.length));
    const ids = [...promptIds, ...genKept];
    const tokens = ids.map((id, i) => (i < promptIds.length ? label(id) : { ...label(id), gen: true }));
    set({ prompt, ids, tokens, truncated: all.length > promptIds.length, tokenCount: all.length, promptLength: promptIds.length,
      gen: { ...gen, ids: genKept, message: genKept.length < genIds.length ? 'ctx' : gen.message } });
  }

  // `force` re-runs even when the list is already up to date (the Predict button).
  async function runLatest(force = false) {
    if (!ready || busy || !tok || (!force && listStatus(store.get()) === 'ready')) return;
    const { ids, variant } = store.get();
    const current = client;
    if (ids.length === 0) return set({ top: { kind: 'live', ids, variant, rows: [], error: null } });
    busy = true;
    try {
      if (ids.length > lim.explained) {
        // too long to explain (every intermediate): the cache step gives the prediction alone
        const r = await current.step(ids);
        if (current !== client) return;
        cachedIds = ids;
        const rows = softmaxTopK(r.logits, TOP_K).map((x) => ({ ...x, ...tok.tokenLabel(x.id) }));
        set({ top: { kind: 'live', ids, variant, rows, ms: r.ms, error: null }, next: { ids, logits: r.logits },
          gen: { ...store.get().gen, message: 'explained', cache: cacheInfo(r) } });
        return;
      }
      const { outputs, ms } = await current.run(ids, explained(manifest));
      if (current !== client) return;
      const logits = outputs[LOGITS];
      const last = lastRow(logits.data, logits.dims);
      const rows = softmaxTopK(last, TOP_K).map((r) => ({ ...r, ...tok.tokenLabel(r.id) }));
      const trace = { kind: 'live', ids, tokens: store.get().tokens, variant, tensors: outputs, ms };
      set({ top: { kind: 'live', ids, variant, rows, ms, error: null }, trace, next: { ids, logits: last.slice() } });
      if (!marked) {
        marked = true;
        mark('txb:first-prediction');
      }
    } catch (err) {
      if (current === client) set({ top: { ...store.get().top, error: String(err.message || err) } });
    } finally {
      if (current === client) busy = false;
    }
    if (current === client && listStatus(store.get()) === 'loading') runLatest();
  }

  function schedule(delay, force = false) {
    clearTimeout(timer);
    timer = delay > 0 ? setTimeout(() => runLatest(force), delay) : null;
    if (!(delay > 0)) runLatest(force);
  }

  async function loadVariant(name) {
    client?.destroy();
    ready = false;
    busy = false;
    cachedIds = [];
    if (store.get().gen.running) store.set({ gen: { ...store.get().gen, running: false, message: 'stopped' } }); // its worker is gone
    const v = manifest.variants[name];
    const onProgress = (p) => {
      const { model } = store.get();
      // late progress from parallel downloads must not undo a failure
      if (client === mine && (model.phase === 'download' || model.phase === 'init')) {
        set({ model: { ...model, phase: p.phase || 'download', loaded: p.loaded, total: p.total } });
      }
    };
    const mine = createClient({ onProgress });
    client = mine;
    set({ variant: name, model: { phase: 'download', loaded: 0, total: v.bytes }, top: { ...store.get().top, error: null } });
    try {
      const info = await mine.load({ variant: v, inputs: manifest.inputs, dims: manifest.dims, ort: ortPaths, numThreads });
      if (client !== mine) return;
      ready = true;
      set({ model: { ...store.get().model, phase: 'ready', loaded: v.bytes, total: v.bytes, threads: info.threads, initMs: info.initMs, backend: info.backend } });
      schedule(0);
    } catch (err) {
      if (client !== mine) return;
      set({ model: { ...store.get().model, phase: 'error', error: String(err.message || err) } });
    }
  }

  const cacheInfo = (r) => ({ dims: r.cacheDims, norms: r.norms, fed: r.fed, reused: r.reused });
  const setGen = (patch) => set({ gen: { ...store.get().gen, ...patch } });

  // Appends up to `n` drawn tokens, one cached step each (only the new token is fed; the
  // keys/values of the earlier ones come from the cache). With `compare`, every step also
  // re-runs the whole sequence without the cache, to time what the cache saves.
  async function generate(n) {
    const g0 = store.get().gen;
    if (!ready || !tok || g0.running) return;
    const current = client;
    stopWanted = false;
    setGen({ running: true, message: null, timings: [] });
    let message = null;
    try {
      let { ids } = store.get();
      let next = store.get().next;
      if (!sameIds(cachedIds, ids) || !next || !sameIds(next.ids, ids)) {
        const r = await current.step(ids); // prefill: the prompt's keys and values
        if (current !== client) return;
        cachedIds = ids;
        next = { ids, logits: r.logits };
        set({ next });
        setGen({ cache: cacheInfo(r) });
      }
      for (let i = 0; i < n; i++) {
        if (stopWanted) { message = 'stopped'; break; }
        message = stopReason(ids.length, lim);
        if (message) break;
        const gen = store.get().gen;
        const d = drawFor(next.logits, gen.settings, gen.ids.length);
        const newIds = [...ids, d.id];
        const r = await current.step(newIds, { norms: true });
        if (current !== client) return;
        cachedIds = newIds;
        let full = null;
        if (gen.compare) full = (await current.run(newIds, [LOGITS])).ms;
        if (current !== client) return;
        if (!sameIds(store.get().ids, ids)) return; // the reader changed the prompt meanwhile
        ids = newIds;
        next = { ids, logits: r.logits };
        const rows = softmaxTopK(r.logits, TOP_K).map((x) => ({ ...x, ...tok.tokenLabel(x.id) }));
        const { variant } = store.get();
        const now = store.get().gen;
        set({
          ids, tokens: [...store.get().tokens, { ...label(d.id), gen: true }], next,
          top: { kind: 'live', ids, variant, rows, ms: r.ms, error: null },
          gen: { ...now, ids: [...now.ids, d.id], cache: cacheInfo(r), last: { id: d.id, u: d.u, rank: d.rank },
            timings: [...now.timings, { cached: r.ms, full }] },
        });
      }
    } catch (err) {
      message = 'error';
      setGen({ error: String(err.message || err) });
    } finally {
      if (current === client) setGen({ running: false, message });
    }
    if (current !== client) return;
    if (store.get().ids.length > lim.explained) setGen({ message: message || 'explained' });
    else schedule(0, true); // one full run: the explainer's views show the whole sequence
  }

  return {
    generate,
    nextToken: () => generate(1),
    stop() {
      stopWanted = true;
    },
    setSampling(patch) {
      const gen = store.get().gen;
      set({ gen: { ...gen, settings: { ...gen.settings, ...patch } } });
    },
    setCompare(on) {
      setGen({ compare: !!on });
    },
    clearGenerated() {
      if (store.get().gen.running) return;
      tokenize(store.get().prompt, []);
      schedule(0);
    },
    lens(hidden) {
      if (!ready) return Promise.reject(new Error('the model is not loaded'));
      return client.lens(hidden);
    },
    start(variant) {
      loadTokenizer().then(
        (t) => {
          tok = t;
          // the manifest's token strings were only a stand-in until the tokenizer arrived
          const top = store.get().top;
          if (top.kind === 'example') set({ top: { ...top, rows: top.rows.map((r) => ({ ...r, ...tok.tokenLabel(r.id) })) } });
          const tr = store.get().trace;
          if (tr) set({ trace: { ...tr, tokens: tr.ids.map(label) } });
          tokenize(store.get().prompt, store.get().gen.ids);
          schedule(0);
        },
        (err) => set({ top: { ...store.get().top, error: String(err.message || err) } }),
      );
      showExample(0).catch((err) => console.warn('example trace:', err));
      return loadVariant(variant);
    },
    // An example prompt: its precomputed trace at once, then (once the model runs) a live run.
    useExample(i) {
      const ex = manifest.examples[i];
      if (!ex) return;
      if (!ready) {
        store.set({ exampleWanted: true });
        showExample(i).catch((err) => console.warn('example trace:', err));
      }
      tokenize(ex.prompt);
      store.set({ promptSync: (store.get().promptSync || 0) + 1 });
      schedule(0);
    },
    select(patch) {
      store.set({ sel: { ...store.get().sel, ...patch } });
    },
    hover(h) {
      store.set({ hover: h });
    },
    setPrompt(prompt) {
      if (store.get().gen.running) stopWanted = true;
      tokenize(prompt, []);
      schedule(debounceMs);
    },
    predictNow() {
      tokenize(store.get().prompt, store.get().gen.ids);
      schedule(0, true);
    },
    selectVariant(name) {
      if (name !== store.get().variant || store.get().model.phase === 'error') loadVariant(name);
    },
    // the same variant in a fresh worker (the reader switched the backend)
    reload: () => loadVariant(store.get().variant),
    destroy() {
      clearTimeout(timer);
      client?.destroy();
      client = null;
    },
  };
}
