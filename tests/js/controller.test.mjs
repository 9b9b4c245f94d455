import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/state.js';
import { parseManifest } from '../../web/src/manifest.js';
import { createController, initialState } from '../../web/src/controller.js';

const manifest = parseManifest(
  {
    schema: 1,
    id: 'm',
    max_tokens: 3,
    default_prompt: 'abc',
    tokenizer: { js_encoding: 'r50k_base' },
    default_variant: 'fp32',
    variants: { fp32: { graph: 'a.onnx', graph_sha256: 'a'.repeat(64), bytes: 10, shards: [] }, int8: { graph: 'b.onnx', graph_sha256: 'b'.repeat(64), bytes: 5, shards: [] } },
    inputs: [{ name: 'input_ids', dtype: 'int64', dims: ['batch', 'seq'] }],
    outputs: [{ name: 'logits', dtype: 'float32', dims: ['seq', 'vocab'] }],
    dims: { vocab: 4 },
    examples: [{ prompt: 'abc', ids: [0, 1, 2], tokens: ['a', 'b', 'c'], top: [{ id: 3, token: 'd', prob: 0.9 }] }],
  },
  'http://h/model/m/manifest.json',
);

// one id per character; labels are the characters
const tokenizer = {
  encodeText: (s) => [...s].map((c) => c.charCodeAt(0) - 97),
  tokenLabel: (id) => ({ text: 'abcd'[id], bytes: false }),
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
        const logits = new Float32Array(ids.length * 4);
        logits[(ids.length - 1) * 4 + ids[ids.length - 1]] = 5; // the last id wins
        return { outputs: { logits: { dims: [ids.length, 4], data: logits } }, ms: 1 };
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
  const store = createStore(initialState(manifest, 'fp32'));
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
  assert.equal(store.get().model.loaded, 5);
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

  c.setPrompt('abcdabcd');
  await tick();
  await tick();
  assert.equal(store.get().truncated, true);
  assert.deepEqual(store.get().top.ids, [0, 1, 2]);
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
  const store = createStore(initialState(manifest, 'fp32'));
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
  c.setPrompt('abc');
  assert.equal(store.get().top.status, 'example');
});
