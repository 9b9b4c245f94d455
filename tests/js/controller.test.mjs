import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/state.js';
import { createController, initialState, STATE_KEYS } from '../../web/src/controller.js';
import { goldenManifest } from './golden.mjs';

const manifest = goldenManifest();
const ex = manifest.examples[manifest.defaultExample]; // the page's default prompt's run
const V = manifest.dims.vocab;

// The default prompt's ids are its example's; any other text: one id per character (a = 0,
// b = 1, ...), labels the characters
const tokenizer = {
  encodeText: (s) => (s === ex.prompt ? ex.ids.slice() : [...s].map((c) => c.charCodeAt(0) - 97)),
  tokenLabel: (id) => ({ text: 'abcd'[id] ?? `#${id}`, bytes: false }),
};

function fakeClient(log) {
  return ({ onProgress }) => {
    let release;
    const gate = new Promise((r) => (release = r));
    const client = {
      async load({ variant }) {
        onProgress({ loaded: variant.bytes / 2, total: variant.bytes });
        await gate;
        return { threads: 1, initMs: 1 };
      },
      async run(ids) {
        log.push(ids.join(''));
        const logits = new Float32Array(ids.length * V);
        logits[(ids.length - 1) * V + ids[ids.length - 1]] = 5; // the last id wins
        return { outputs: { logits: { dims: [ids.length, V], data: logits } }, ms: 1 };
      },
      destroy() {},
      release,
    };
    log.clients.push(client);
    return client;
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('example first, live after load; stale input shows loading; cap at max_tokens', async () => {
  const log = [];
  log.clients = [];
  const store = createStore(initialState(manifest, 'fp32'), { keys: STATE_KEYS });
  const marks = [];
  const c = createController({
    store,
    loadTokenizer: async () => tokenizer,
    createClient: fakeClient(log),
    ortPaths: {},
    numThreads: 1,
    debounceMs: 0,
    mark: (n) => marks.push(n),
  });
  assert.equal(store.get().top.status, 'example');
  c.start('fp32');
  await tick();
  assert.equal(store.get().model.phase, 'download');
  assert.equal(store.get().model.loaded, manifest.variants.fp32.bytes / 2);
  assert.equal(store.get().top.status, 'example'); // the example is for the same ids
  c.setPrompt('dd');
  assert.equal(store.get().top.status, 'loading');
  log.clients[0].release();
  await tick();
  await tick();
  const s = store.get();
  assert.equal(s.model.phase, 'ready');
  assert.equal(s.top.status, 'ready');
  assert.deepEqual(s.top.ids, [3, 3]);
  assert.equal(s.top.rows[0].id, 3);
  assert.equal(s.top.rows[0].text, 'd');
  assert.deepEqual(marks, ['txb:first-prediction']);

  const long = 'zz' + 'abcd'.repeat(manifest.maxTokens / 4 + 1);
  c.setPrompt(long);
  await tick();
  await tick();
  assert.equal(store.get().truncated, true);
  // the last max_tokens: what the model predicts from (the beginning is dropped)
  assert.deepEqual(store.get().top.ids, tokenizer.encodeText(long).slice(-manifest.maxTokens));
  assert.equal(store.get().top.variant, 'fp32');

  c.selectVariant('int8');
  assert.equal(store.get().top.status, 'loading'); // rows are still fp32's
  log.clients[1].release();
  await tick();
  await tick();
  assert.equal(store.get().top.status, 'ready');
  assert.equal(store.get().top.variant, 'int8');
});

test('a failed load keeps the example for its own prompt; other input shows error', async () => {
  const store = createStore(initialState(manifest, 'fp32'), { keys: STATE_KEYS });
  const c = createController({
    store,
    loadTokenizer: async () => tokenizer,
    createClient: () => ({
      load: async () => {
        throw new Error('HTTP 404');
      },
      run: async () => assert.fail('no run without a model'),
      destroy() {},
    }),
    ortPaths: {},
    numThreads: 1,
    debounceMs: 0,
  });
  await c.start('fp32');
  await tick();
  assert.equal(store.get().model.phase, 'error');
  assert.equal(store.get().model.error, 'HTTP 404');
  assert.equal(store.get().top.status, 'example');
  c.setPrompt('dd');
  assert.equal(store.get().top.status, 'error');
  c.setPrompt(ex.prompt);
  assert.equal(store.get().top.status, 'example');
});

test('the store declares every key once: an undeclared write throws', () => {
  const store = createStore(initialState(manifest, 'fp32'), { keys: STATE_KEYS });
  assert.throws(() => store.set({ selected: 1 }), /undeclared store key: selected/);
  assert.throws(() => createStore({ a: 1 }, { keys: ['b'] }), /undeclared store key: a/);
  store.set({ hover: { q: 0 } });
  assert.deepEqual(store.get().hover, { q: 0 });
});

// A client whose step feeds only what its cache lacks (as the worker does) and logs each call.
function steppingClient(log) {
  return () => {
    let cached = [];
    return {
      async load() {
        return { threads: 1, initMs: 1 };
      },
      async run(ids, outputs) {
        log.push(`run ${ids.join('')} ${outputs.length}`);
        const logits = new Float32Array(ids.length * 4);
        logits[(ids.length - 1) * 4 + ((ids[ids.length - 1] + 1) % 4)] = 5; // next id = last + 1
        return { outputs: { logits: { dims: [ids.length, 4], data: logits } }, ms: 10 };
      },
      async step(ids) {
        let reuse = 0;
        while (reuse < Math.min(cached.length, ids.length - 1) && cached[reuse] === ids[reuse]) reuse++;
        log.push(`step ${ids.join('')} fed ${ids.length - reuse}`);
        cached = ids.slice();
        const logits = new Float32Array(4);
        logits[(ids[ids.length - 1] + 1) % 4] = 5;
        return { logits, ms: 2, fed: ids.length - reuse, reused: reuse, cacheDims: [1, 1, ids.length, 1], norms: null };
      },
      destroy() {},
    };
  };
}

// A controller over `createClient` with greedy sampling, its model loaded and 'ab' explained.
async function greedyAfterAb(createClient) {
  const init = initialState(goldenManifest(), 'fp32');
  const store = createStore(
    { ...init, gen: { ...init.gen, settings: { mode: 'greedy', temperature: 1, topK: 40, topP: 0.9, seed: 1 } } },
    { keys: STATE_KEYS },
  );
  const c = createController({
    store,
    loadTokenizer: async () => tokenizer,
    createClient,
    ortPaths: {},
    numThreads: 1,
    debounceMs: 0,
  });
  await c.start('fp32');
  for (let i = 0; i < 5; i++) await tick();
  c.setPrompt('ab');
  for (let i = 0; i < 5; i++) await tick();
  return { store, c };
}

test('generation steps once per token (no full re-run each step); the comparison runs only when asked', async () => {
  const log = [];
  const m = goldenManifest();
  // the explained run asks for every output but the cache's
  const explained = m.outputs.filter((o) => !o.name.startsWith('present_')).length;
  const { store, c } = await greedyAfterAb(steppingClient(log));
  log.length = 0;
  await c.generate(2);
  for (let i = 0; i < 5; i++) await tick();
  assert.deepEqual(store.get().gen.ids, [2, 3]);
  assert.deepEqual(
    log.filter((x) => x.startsWith('step')),
    ['step 01 fed 2', 'step 012 fed 1', 'step 0123 fed 1'],
  );
  // the only full run after generating is the one re-explanation of the whole sequence
  assert.deepEqual(
    log.filter((x) => x.startsWith('run')),
    [`run 0123 ${explained}`],
  );
  assert.deepEqual(store.get().gen.timings, [{ cached: 2 }, { cached: 2 }]);
  assert.equal(store.get().gen.compare, null);

  log.length = 0;
  await c.measureCompare();
  const cmp = store.get().gen.compare;
  assert.equal(cmp.running, false);
  assert.equal(cmp.positions, 4);
  assert.equal(cmp.timings.length, 3);
  assert.deepEqual(cmp.timings[0], { cached: 2, full: 10 });
  // each cached measurement fed exactly one token; each full one ran the whole sequence
  assert.deepEqual(
    log.filter((x) => x.startsWith('step 0123')),
    ['step 0123 fed 1', 'step 0123 fed 1', 'step 0123 fed 1'],
  );
  assert.equal(log.filter((x) => x === 'run 0123 1').length, 3); // logits only
});

// The model worker ranks the logits it returns (worker-core.js): generation and the sampling
// view draw by that ranking, so the page never sorts the vocabulary. A ranking that disagrees
// with the logits (rank 0 = last id + 2, where the logits say last id + 1) shows it is used.
test('generation draws by the ranking the worker returned, not one made on the page', async () => {
  const ranked = (top) => Int32Array.from([top, ...[0, 1, 2, 3].filter((i) => i !== top)]);
  const client = () => ({
    async load() {
      return { threads: 1, initMs: 1 };
    },
    async run(ids) {
      const logits = new Float32Array(ids.length * 4);
      logits[(ids.length - 1) * 4 + ((ids[ids.length - 1] + 1) % 4)] = 5;
      return {
        outputs: { logits: { dims: [ids.length, 4], data: logits } },
        ms: 10,
        order: ranked((ids.at(-1) + 2) % 4),
      };
    },
    async step(ids) {
      const logits = new Float32Array(4);
      logits[(ids[ids.length - 1] + 1) % 4] = 5;
      const order = ranked((ids.at(-1) + 2) % 4);
      return { logits, order, ms: 2, fed: 1, reused: ids.length - 1, cacheDims: [1, 1, ids.length, 1], norms: null };
    },
    destroy() {},
  });
  const { store, c } = await greedyAfterAb(client);
  // the explained run's ranking is the one the sampling view draws by
  assert.deepEqual([...store.get().next.order], [3, 0, 1, 2]);
  await c.generate(2);
  for (let i = 0; i < 5; i++) await tick();
  assert.deepEqual(store.get().gen.ids, [3, 1]); // by the logits alone: [2, 3]
});
