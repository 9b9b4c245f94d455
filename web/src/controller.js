// The explainer's logic without the DOM, as actions over the store: prompt -> ids (run/tokenize),
// the explained run (run/predict), the model's variants (run/model), the build-time examples
// (run/examples), generation and the cache measurement (gen/loop). This file only wires them.

import { createSession } from './run/session.js';
import { tokenize } from './run/tokenize.js';
import { createPredictor } from './run/predict.js';
import { loadVariant } from './run/model.js';
import { showExample } from './run/examples.js';
import { generate, measureCompare } from './gen/loop.js';
import { wellFormed } from './gen/url-state.js';

export { initialState, STATE_KEYS } from './app-state.js';

/**
 * @param {{
 *   store: import('../state.js').Store<import('./app-state.js').AppState>,
 *   loadTokenizer: () => Promise<any>,
 *   createClient: (...args: any[]) => any,
 *   ortPaths: any,
 *   numThreads: number,
 *   debounceMs?: number,
 *   mark?: (name: string) => void,
 *   loadExample?: ((i: number) => Promise<any>) | null,
 * }} options
 */
export function createController({
  store,
  loadTokenizer,
  createClient,
  ortPaths,
  numThreads,
  debounceMs = 250,
  mark = () => {},
  loadExample = null,
}) {
  const rt = createSession(store, { mark, loadExample });
  const predictor = createPredictor(rt, debounceMs);
  const schedule = predictor.schedule;
  const load = (name, reload = false) =>
    loadVariant(rt, name, { createClient, ortPaths, numThreads, reload, onReady: () => schedule(0) });
  const example = (i) => showExample(rt, i).catch((err) => console.warn('example trace:', err));

  async function generateN(n) {
    if (!(await generate(rt, n))) return;
    if (store.get().ids.length > rt.lim.explained) rt.setGen({ message: store.get().gen.message || 'explained' });
    else schedule(0, true); // one full run: the explainer's views show the whole sequence
  }

  return {
    generate: generateN,
    nextToken: () => generateN(1),
    measureCompare: () => measureCompare(rt),
    stop() {
      rt.stopWanted = true;
    },
    setSampling(patch) {
      const gen = store.get().gen;
      rt.set({ gen: { ...gen, settings: { ...gen.settings, ...patch } } });
    },
    clearGenerated() {
      if (store.get().gen.running) return;
      tokenize(rt, store.get().prompt, []);
      schedule(0);
    },
    lens(hidden) {
      if (!rt.ready) return Promise.reject(new Error('the model is not loaded'));
      return rt.client.lens(hidden);
    },
    start(variant) {
      loadTokenizer().then(
        (t) => {
          rt.tok = t;
          // the manifest's token strings were only a stand-in until the tokenizer arrived
          const top = store.get().top;
          if (top.kind === 'example')
            rt.set({ top: { ...top, rows: top.rows.map((r) => ({ ...r, ...t.tokenLabel(r.id) })) } });
          const tr = store.get().trace;
          if (tr) rt.set({ trace: { ...tr, tokens: tr.ids.map(rt.label) } });
          tokenize(rt, store.get().prompt, store.get().gen.ids);
          schedule(0);
        },
        // without it no prompt can be read: the model panel says so (not "Running in your browser")
        (err) =>
          rt.set({
            tokenizerError: String(err?.message || err),
            top: { ...store.get().top, error: String(err?.message || err) },
          }),
      );
      example(rt.manifest.defaultExample);
      return load(variant);
    },
    // An example prompt: its precomputed trace at once, then (once the model runs) a live run.
    useExample(i) {
      const ex = rt.manifest.examples[i];
      if (!ex) return;
      if (!rt.ready) {
        store.set({ exampleWanted: true });
        example(i);
      }
      tokenize(rt, ex.prompt);
      store.set({ promptSync: (store.get().promptSync || 0) + 1 });
      schedule(0);
    },
    select(patch) {
      store.set({ sel: { ...store.get().sel, ...patch } });
    },
    hover(h) {
      store.set({ hover: h });
    },
    // the guided tour (tour/panel.js): the step that is open (null: closed), and what a step
    // shows (its stage, layer and head; the sampling settings it demonstrates)
    tour(step) {
      store.set({ tour: step === null ? null : { step } });
    },
    showStep({ sel, gen }) {
      rt.set(gen ? { sel, gen } : { sel });
    },
    setPrompt(prompt) {
      prompt = wellFormed(prompt); // a lone surrogate breaks every URL write (url-state.js)
      if (store.get().gen.running) rt.stopWanted = true;
      tokenize(rt, prompt, []);
      schedule(debounceMs);
    },
    predictNow() {
      tokenize(rt, store.get().prompt, store.get().gen.ids);
      schedule(0, true);
    },
    selectVariant(name) {
      const failed = store.get().model.phase === 'error'; // the Retry: past the HTTP cache
      if (name !== store.get().variant || failed) load(name, failed && name === store.get().variant);
    },
    // the same variant in a fresh worker (the reader switched the backend)
    reload: () => load(store.get().variant),
    destroy() {
      predictor.cancel();
      rt.client?.destroy();
      rt.client = null;
    },
  };
}
