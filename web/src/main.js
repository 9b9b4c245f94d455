// Entry point (assets/app-HASH.js): finds <section id="explainer">, reads the manifest and
// the page's strings, shows the precomputed example at once, then loads the model in a
// worker and wires the controls. Build-time constants (__TXB_*__) come from build.mjs.

import './app.css';
import { createStore } from '../state.js';
import { readStrings, createT } from './strings.js';
import { parseManifest, pickVariant } from './manifest.js';
import { forLanguage } from './lang-examples.js';
import { sameOriginUrl } from './same-origin.js';
import { createModelClient } from './model-client.js';
import { createController, initialState, STATE_KEYS } from './controller.js';
import { createExampleLoader, parseTraceSliced } from './run/example-loader.js';
import { registerWorker, keepOffline, modelCacheName } from './isolation.js';
import { watchOrigins } from './origin-watch.js';
import { mount as mountModelPanel } from './ui/model-panel.js';
import { mount as mountPrompt } from './ui/prompt.js';
import { mount as mountTokens } from '../viz/tokens.js';
import { mount as mountTopTokens } from '../viz/top-tokens.js';
import { mount as mountExplorer } from './explainer/shell.js';
import { mount as mountExamples } from './explainer/example-buttons.js';
import { STAGES } from './explainer/stages.js';
import { mount as mountGeneration } from './ui/gen-section.js';
import { mount as mountLiveFigures } from './live-figures.js';
import { parseUrlState, serializeUrlState, posPastEnd } from './gen/url-state.js';
import { restorePrompt, readStored, remember, storageKey } from './gen/long-prompt.js';
import { limits } from './gen/kv-cache.js';
import { mount as mountFrontDoor, mountBackLink, landOnStage } from './front-door.js';
import { STEPS as TOUR_STEPS } from './tour/steps.js';
import { availableBackends, pickBackend, threadCount, badRuntimeParams } from './backend.js';

function showFatal(section, t, err) {
  const p = section.ownerDocument.createElement('p');
  p.className = 'txb-fatal';
  p.setAttribute('role', 'alert');
  p.textContent = t('app_error', { error: String(err?.message || err) });
  section.append(p);
  console.warn(err);
}

async function boot(win) {
  const doc = win.document;
  const section = doc.getElementById('explainer');
  if (!section) return;
  const t = createT(readStrings(doc));
  const lang = section.dataset.lang || doc.documentElement.lang || 'en';
  const here = import.meta.url; // assets/app-HASH.js: everything else is relative to it

  watchOrigins(win, section);
  try {
    // a reload for isolation only where it would give ONNX Runtime more than one thread
    const threadsIfIsolated = threadCount({
      isolated: true,
      cores: win.navigator.hardwareConcurrency,
      search: win.location.search,
    });
    const sw = await registerWorker(win, sameOriginUrl('../sw.js', here, win.location.origin), {
      isolate: threadsIfIsolated > 1,
    });
    if (sw.reloading) return;

    const manifestUrl = sameOriginUrl(section.dataset.manifest, doc.baseURI, win.location.origin);
    const res = await fetch(manifestUrl, { mode: 'same-origin' });
    if (!res.ok) throw new Error(`${manifestUrl}: HTTP ${res.status}`);
    const manifest = forLanguage(parseManifest(await res.json(), manifestUrl), lang);

    const variant = pickVariant(manifest, win.location.search);
    const backends = await availableBackends(win.navigator);
    const longKey = storageKey(win.location.pathname);
    const stored = readStored(win.sessionStorage, longKey); // a prompt too long for the link
    const fromLink = fromUrl(initialState(manifest, variant), win.location.search, stored);
    const store = createStore(
      {
        ...fromLink,
        backends,
        backend: pickBackend(backends, win.location.search),
        urlBad: [...fromLink.urlBad, ...badRuntimeParams(backends, win.location.search)],
      },
      { keys: STATE_KEYS },
    );
    checkUrlPos(store);
    const ortPaths = { mjs: new URL(__TXB_ORT_MJS__, here).href, wasm: new URL(__TXB_ORT_WASM__, here).href };
    const workerUrl = new URL(__TXB_WORKER__, here);
    const traceUrl = (i) => sameOriginUrl(manifest.examples[i].trace.path, manifestUrl, win.location.origin);
    // the build-time trace of example i (one binary file, indexed by the manifest), fetched
    // when it is shown and only once
    const examples = createExampleLoader(async (i) => {
      const url = traceUrl(i);
      const r = await fetch(url, { mode: 'same-origin' });
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return parseTraceSliced(await r.arrayBuffer(), manifest.examples[i].trace.tensors);
    });
    // one worker (and ORT build) per backend; the client loads with that backend's runtime files
    const runtimes = {
      wasm: { worker: workerUrl, ort: ortPaths },
      webgpu: {
        worker: new URL(__TXB_WORKER_WEBGPU__, here),
        ort: { mjs: new URL(__TXB_ORT_GPU_MJS__, here).href, wasm: new URL(__TXB_ORT_GPU_WASM__, here).href },
      },
    };
    let modelCache = null; // the service worker's model cache (isolation.js), once it answers
    const controller = createController({
      store,
      loadTokenizer: () => import('./tokenizer.js'),
      createClient(opts) {
        const rt = runtimes[store.get().backend];
        const c = createModelClient(rt.worker, opts);
        return { ...c, load: (o) => c.load({ ...o, ort: rt.ort, cache: modelCache }) };
      },
      ortPaths,
      numThreads: threadCount({
        isolated: win.crossOriginIsolated,
        cores: win.navigator.hardwareConcurrency,
        search: win.location.search,
      }),
      mark: (name) => win.performance.mark(name),
      loadExample: examples.load,
    });
    const actions = {
      setPrompt: controller.setPrompt,
      predictNow: controller.predictNow,
      useExample: controller.useExample,
      select: controller.select,
      hover: controller.hover,
      tour: controller.tour,
      showStep: controller.showStep,
      nextToken: controller.nextToken,
      generate: controller.generate,
      stop: controller.stop,
      setSampling: controller.setSampling,
      measureCompare: controller.measureCompare,
      clearGenerated: controller.clearGenerated,
      lens: controller.lens,
      selectVariant(name) {
        const url = new URL(win.location.href);
        url.searchParams.set('variant', name);
        win.history.replaceState(null, '', url);
        controller.selectVariant(name);
      },
      selectBackend(name) {
        if (!store.get().backends.includes(name) || name === store.get().backend) return;
        const url = new URL(win.location.href);
        url.searchParams.set('backend', name);
        win.history.replaceState(null, '', url);
        store.set({ backend: name });
        controller.reload();
      },
    };

    const app = doc.createElement('div');
    app.className = 'txb-app';
    section.append(app);
    section.classList.add('txb-live');
    stickBelowHeader(doc, app);
    const ctx = { state: store, t, actions, lang, stageIds: STAGES.map((x) => x.id) };
    // first screen: the prompt, the overview of the whole model (front-door.js); then the details.
    // Each group is laid out in a frame of its own: the first layout of all of them at once was
    // the longest task of a first visit (issue 19).
    const groups = [
      [mountPrompt, mountFrontDoor, mountModelPanel, mountExamples, mountTokens, mountBackLink],
      [mountExplorer, mountTopTokens],
      [mountGeneration],
    ];
    for (const [i, group] of groups.entries()) {
      if (i > 0) await nextFrame(win);
      group.forEach((mount) => mount(app, ctx));
    }
    landOnStage(doc, store);
    // the article's figures follow the explainer's run once it is of another text
    mountLiveFigures(doc, ctx);
    syncUrl(win, store, (prompt) => remember(win.sessionStorage, longKey, prompt));
    // The service worker, once active (on a first visit a few hundred ms; never more than
    // registerWorker's wait), names the cache the model worker keeps the weights in.
    const worker = await sw.worker();
    modelCache = await modelCacheName(win, worker);
    // only the examples shown so far are kept offline (the others were never fetched)
    const traces = () => examples.requested().map(traceUrl);
    const rt = runtimes[store.get().backend];
    watchOffline(win, store, worker, { site: [manifestUrl, rt.worker.href, rt.ort.mjs, rt.ort.wasm], model: traces });
    await controller.start(variant);
  } catch (err) {
    showFatal(section, t, err);
  }
}

// After the next frame is drawn (or 50 ms, where a hidden tab draws no frames).
function nextFrame(win) {
  return new Promise((/** @type {(v?: unknown) => void} */ resolve) => {
    const timer = win.setTimeout(resolve, 50);
    win.requestAnimationFrame(() => win.setTimeout(() => (win.clearTimeout(timer), resolve()), 0));
  });
}

// Once a variant runs, the service worker is asked to keep it (and the page) for offline
// use; state.offline names the variant that is stored, which the model panel shows.
function watchOffline(win, store, worker, extra) {
  if (!worker) return;
  let asked = null;
  store.subscribe((s) => {
    // once the model worker has kept its downloads: asked earlier, the service worker would
    // fetch the missing files a second time
    if (s.model.phase !== 'ready' || s.model.storing || asked === s.variant) return;
    const variant = (asked = s.variant);
    const v = s.manifest.variants[variant];
    const model = [v.graphUrl, ...v.shards.map((x) => x.url), v.lens.graphUrl, ...extra.model()];
    keepOffline(win, worker, model, { site: extra.site }).then((ok) => {
      if (ok && store.get().variant === variant) store.set({ offline: variant });
    });
  });
}

// The shareable state: the URL's values over the defaults; malformed ones are named in urlBad.
function fromUrl(s, search, storedPrompt) {
  const m = s.manifest;
  const { values: v, bad } = parseUrlState(search, {
    layers: m.dims.layer,
    heads: m.dims.head,
    stages: STAGES.length,
    vocab: m.dims.vocab,
    maxGen: limits(m).total,
    maxPos: limits(m).total,
    variants: m.variantNames,
    tourSteps: TOUR_STEPS.length,
  });
  const pick = (keys) => Object.fromEntries(keys.filter((k) => k in v).map((k) => [k, v[k]]));
  return {
    ...s,
    prompt: restorePrompt(v.prompt, storedPrompt) ?? s.prompt,
    sel: { ...s.sel, ...pick(['layer', 'head', 'stage', 'pos']) },
    gen: {
      ...s.gen,
      ids: v.gen ?? [],
      settings: { ...s.gen.settings, ...pick(['mode', 'temperature', 'topK', 'topP', 'seed']) },
    },
    tour: 'tour' in v ? { step: v.tour } : null,
    urlBad: bad,
  };
}

// ?pos= past the end of the link's tokens falls back to the last token and is named, once
// the tokenizer has read the prompt (the first ids); later prompts are the reader's own.
function checkUrlPos(store) {
  if (store.get().sel.pos === null) return;
  const off = store.subscribe((s) => {
    if (!s.ids) return;
    off();
    queueMicrotask(() => {
      const patch = posPastEnd(store.get());
      if (patch) store.set(patch);
    });
  });
}

// Writes the state back into the URL (replaceState, so Back still leaves the page): a choice at
// once, typing at most every 300 ms; the generated tokens only once generation has stopped.
function syncUrl(win, store, keepPrompt) {
  let timer = null;
  const defaults = { prompt: store.get().manifest.defaultPrompt };
  const write = () => {
    const s = store.get();
    keepPrompt(s.prompt);
    const search = serializeUrlState(
      win.location.search,
      {
        prompt: s.prompt,
        ...s.sel,
        ...s.gen.settings,
        gen: s.gen.ids,
        tour: s.tour?.step,
      },
      defaults,
    );
    if (search !== win.location.search)
      win.history.replaceState(null, '', `${win.location.pathname}${search}${win.location.hash}`);
  };
  store.subscribe((s, prev) => {
    if (s.gen.running) return;
    if (
      s.prompt === prev.prompt &&
      s.sel === prev.sel &&
      s.gen.settings === prev.gen.settings &&
      s.gen.ids === prev.gen.ids &&
      s.gen.running === prev.gen.running &&
      s.tour === prev.tour
    )
      return;
    clearTimeout(timer);
    // a click (a part, a stage, the tour) shows in the URL at once; typing waits for a pause
    if (s.prompt === prev.prompt) write();
    else timer = setTimeout(write, 300);
  });
}

// The page's own header is sticky too: the explorer's sticky stage bar and explanation sit
// below it (its height changes with the viewport and the font size).
function stickBelowHeader(doc, app) {
  const header = doc.querySelector('.site-header');
  if (!header) return;
  const set = () => app.style.setProperty('--txb-sticky-top', `${header.offsetHeight}px`);
  set();
  if (doc.defaultView?.ResizeObserver) new doc.defaultView.ResizeObserver(set).observe(header);
}

boot(window);
