// Issue 21: a run's trace is one run — its tokens are the tokens of the ids it ran, whatever
// the reader typed while it ran. A stale mix (the old run's tensors labelled with the new
// prompt's tokens) made matrix.js read labels past the end (uncaught TypeErrors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/state.js';
import { createController, initialState, STATE_KEYS } from '../../web/src/controller.js';
import { goldenManifest } from './golden.mjs';

const manifest = goldenManifest();
const V = manifest.dims.vocab;
const tick = () => new Promise((r) => setTimeout(r, 0));
// one id per character (a = 0, b = 1, ...); a label spells its character
const tokenizer = {
  encodeText: (s) => [...s].map((c) => c.charCodeAt(0) - 97),
  tokenLabel: (id) => ({ text: String.fromCharCode(97 + id), bytes: false }),
};

test('typing while a run is in flight: every trace shown pairs its ids with their own tokens', async () => {
  const gates = [];
  const store = createStore(initialState(manifest, 'fp32'), { keys: STATE_KEYS });
  const traces = [];
  store.subscribe((s, prev) => s.trace !== prev.trace && s.trace && traces.push(s.trace));
  const c = createController({
    store,
    loadTokenizer: async () => tokenizer,
    createClient: () => ({
      load: async () => ({ threads: 1, initMs: 1, backend: 'wasm' }),
      // each run waits until the test lets it finish
      run: (ids) =>
        new Promise((resolve) =>
          gates.push(() =>
            resolve({ outputs: { logits: { dims: [ids.length, V], data: new Float32Array(ids.length * V) } }, ms: 1 }),
          ),
        ),
      destroy() {},
    }),
    ortPaths: {},
    numThreads: 1,
    debounceMs: 0,
  });
  c.start('fp32');
  for (let i = 0; i < 5; i++) await tick();
  c.setPrompt('abc');
  for (let i = 0; i < 5; i++) await tick();
  while (gates.length) {
    c.setPrompt(`${store.get().prompt}d`); // the reader types on while the run is in flight
    gates.shift()();
    for (let i = 0; i < 5; i++) await tick();
    if (store.get().prompt.length > 8) break;
  }
  while (gates.length) {
    gates.shift()();
    for (let i = 0; i < 5; i++) await tick();
  }
  const live = traces.filter((t) => t.kind === 'live');
  assert.ok(live.length >= 2, `${live.length} live traces`);
  for (const t of live) {
    assert.equal(t.tokens.length, t.ids.length);
    assert.deepEqual(
      t.tokens.map((x) => x.text),
      t.ids.map((id) => String.fromCharCode(97 + id)),
    );
    assert.equal(t.tensors.logits.dims[0], t.ids.length);
  }
  assert.equal(store.get().trace.ids.length, store.get().prompt.length); // the last run is the last prompt's
});
