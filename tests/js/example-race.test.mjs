import { test } from 'node:test';
import assert from 'node:assert/strict';
import { showExample } from '../../web/src/run/examples.js';

// The tokenizer can arrive while an example's tensors are still downloading: the trace that
// is then set must carry the tokenizer's labels (with raw bytes), not the manifest's
// decoded stand-ins ("�" for each byte of a Korean character).
test('an example shown after the tokenizer arrived mid-download uses its labels', async () => {
  let state = { trace: null, top: { kind: 'example', ids: [7, 8], rows: [] }, next: null, exampleWanted: false };
  let release;
  const rt = {
    store: { get: () => state },
    set: (patch) => (state = { ...state, ...patch }),
    manifest: {
      examples: [{ prompt: '사', ids: [7, 8], tokens: ['\ufffd', '\ufffd'], top: [{ id: 1, token: 'x', prob: 1 }] }],
    },
    loadExample: () => new Promise((r) => (release = r)),
    tok: null,
    label: (id) => ({ id, text: `<${id}>`, bytes: true, raw: [id] }),
  };
  const shown = showExample(rt, 0);
  rt.tok = { tokenLabel: (id) => ({ text: `<${id}>`, bytes: true }) }; // the tokenizer loads meanwhile
  release({ logits: { dims: [2, 3], data: new Float32Array(6) } });
  await shown;
  assert.deepEqual(state.trace.tokens, [rt.label(7), rt.label(8)]);
});
