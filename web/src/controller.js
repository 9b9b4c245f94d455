// The explainer's logic without the DOM: prompt -> ids -> model run -> top-10 and the run's
// intermediate tensors (`trace`), written into the store for the views. Runs are coalesced (at most one in flight, then the latest
// input) and results that arrive for an older input or variant are never shown as current.

import { softmaxTopK, lastRow } from './topk.js';

const TOP_K = 10;
const LOGITS = 'logits';
// The cache outputs only serve token-by-token generation; every other output is drawn.
const explained = (manifest) => manifest.outputs.map((o) => o.name).filter((n) => !n.startsWith('present_'));

const sameIds = (a, b) => Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);

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
  };
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
    set({ trace: { kind: 'example', example: i, ids: ex.ids, tokens, variant: null, tensors }, exampleWanted: false });
  }

  function tokenize(prompt) {
    if (!tok) return set({ prompt });
    const all = tok.encodeText(prompt);
    const ids = all.slice(0, manifest.maxTokens);
    const tokens = ids.map((id) => label(id));
    set({ prompt, ids, tokens, truncated: all.length > ids.length, tokenCount: all.length });
  }

  // `force` re-runs even when the list is already up to date (the Predict button).
  async function runLatest(force = false) {
    if (!ready || busy || !tok || (!force && listStatus(store.get()) === 'ready')) return;
    const { ids, variant } = store.get();
    const current = client;
    if (ids.length === 0) return set({ top: { kind: 'live', ids, variant, rows: [], error: null } });
    busy = true;
    try {
      const { outputs, ms } = await current.run(ids, explained(manifest));
      if (current !== client) return;
      const logits = outputs[LOGITS];
      const rows = softmaxTopK(lastRow(logits.data, logits.dims), TOP_K).map((r) => ({ ...r, ...tok.tokenLabel(r.id) }));
      const trace = { kind: 'live', ids, tokens: ids.map(label), variant, tensors: outputs, ms };
      set({ top: { kind: 'live', ids, variant, rows, ms, error: null }, trace });
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
      set({ model: { ...store.get().model, phase: 'ready', loaded: v.bytes, total: v.bytes, threads: info.threads, initMs: info.initMs } });
      schedule(0);
    } catch (err) {
      if (client !== mine) return;
      set({ model: { ...store.get().model, phase: 'error', error: String(err.message || err) } });
    }
  }

  return {
    start(variant) {
      loadTokenizer().then(
        (t) => {
          tok = t;
          // the manifest's token strings were only a stand-in until the tokenizer arrived
          const top = store.get().top;
          if (top.kind === 'example') set({ top: { ...top, rows: top.rows.map((r) => ({ ...r, ...tok.tokenLabel(r.id) })) } });
          const tr = store.get().trace;
          if (tr) set({ trace: { ...tr, tokens: tr.ids.map(label) } });
          tokenize(store.get().prompt);
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
      tokenize(prompt);
      schedule(debounceMs);
    },
    predictNow() {
      tokenize(store.get().prompt);
      schedule(0, true);
    },
    selectVariant(name) {
      if (name !== store.get().variant || store.get().model.phase === 'error') loadVariant(name);
    },
    destroy() {
      clearTimeout(timer);
      client?.destroy();
      client = null;
    },
  };
}
