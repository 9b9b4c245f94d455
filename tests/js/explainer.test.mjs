import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseTrace,
  matrix,
  attentionSteps,
  concatHeads,
  blockInput,
  stats,
  rankAndProb,
} from '../../web/src/explainer/tensors.js';
import { topK, gelu } from '../../web/src/numerics.js';
import { groupTokens, utf8Text, hex } from '../../web/src/explainer/bytes.js';
import { encodeText, tokenBytes } from '../../web/src/tokenizer.js';

const T = (dims, values) => ({ dims, data: Float32Array.from(values) });

test('parseTrace reads the indexed float32 tensors and checks their sizes', () => {
  const buf = new Float32Array([1, 2, 3, 4, 5, 6]).buffer;
  const out = parseTrace(buf, [
    { name: 'a', dims: [2], offset: 0, length: 2 },
    { name: 'b', dims: [2, 2], offset: 8, length: 4 },
  ]);
  assert.deepEqual([...out.a.data], [1, 2]);
  assert.deepEqual([...out.b.data], [3, 4, 5, 6]);
  assert.throws(() => parseTrace(buf, [{ name: 'c', dims: [3], offset: 0, length: 2 }]));
  assert.throws(() => parseTrace(buf, [{ name: 'd', dims: [4], offset: 16, length: 4 }]));
});

test('matrix slices the leading indices of a packed tensor', () => {
  const t = T(
    [2, 2, 3],
    Array.from({ length: 12 }, (_, i) => i),
  );
  const m = matrix(t, 1);
  assert.equal(m.rows, 2);
  assert.equal(m.at(1, 2), 11);
  assert.throws(() => matrix(t, 2));
});

test('attention steps: Q·Kᵀ, 1/√d, the causal mask, softmax rows sum to 1', () => {
  const q = { rows: 2, cols: 4, data: Float32Array.from([1, 0, 0, 0, 0, 2, 0, 0]) };
  const k = { rows: 2, cols: 4, data: Float32Array.from([1, 1, 0, 0, 0, 1, 0, 0]) };
  const s = attentionSteps(q, k);
  assert.deepEqual([...s.raw], [1, 0, 2, 2]);
  assert.deepEqual([...s.scaled], [0.5, 0, 1, 1]);
  assert.deepEqual([...s.masked], [0.5, -Infinity, 1, 1]);
  assert.deepEqual([...s.softmax], [1, 0, 0.5, 0.5]);
});

test('concatHeads puts the heads side by side, as c_proj reads them', () => {
  // [layer 1, head 2, T 2, d 2]
  const h = T([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual([...concatHeads(h, 0).data], [1, 2, 5, 6, 3, 4, 7, 8]);
});

test('blockInput is the embedding for block 0 and the previous output after', () => {
  const tensors = { embed: T([1, 2], [1, 2]), resid_post: T([2, 1, 2], [3, 4, 5, 6]) };
  assert.deepEqual([...blockInput(tensors, 0).data], [1, 2]);
  assert.deepEqual([...blockInput(tensors, 2).data], [5, 6]);
});

test('stats, top indices, rank and probability, GELU', () => {
  const st = stats([1, 2, 3, 4]);
  assert.equal(st.mean, 2.5);
  assert.equal(st.variance, 1.25);
  assert.deepEqual(topK([0.1, 3, 2, 3, -1], 3), [1, 3, 2]);
  const r = rankAndProb(Float32Array.from([0, Math.log(3), 0]), 0);
  assert.equal(r.rank, 2);
  assert.ok(Math.abs(r.prob - 0.2) < 1e-7);
  assert.equal(gelu(0), 0);
  assert.ok(Math.abs(gelu(3) - 2.99636) < 1e-4);
});

test('byte-level tokens are grouped into the characters their bytes make', () => {
  const text = '안녕 🎉 a';
  const ids = encodeText(text);
  const tokens = ids.map((id) => ({ bytes: [...tokenBytes(id)] }));
  const groups = groupTokens(tokens);
  assert.equal(groups.map((g) => g.text).join(''), text);
  assert.equal(groups.at(-1).end, ids.length);
  assert.ok(
    groups.some((g) => !g.single && g.end - g.start > 1),
    'a character spread over several tokens',
  );
  for (const g of groups) assert.ok(!g.text.includes('\ufffd'));
  // cut inside a character: the group never completes
  assert.equal(groupTokens([{ bytes: [0xec, 0x95] }]).at(-1).text, null);
  assert.equal(utf8Text(Uint8Array.from([0xec])), null);
  assert.deepEqual(hex([0xec, 0x5]), ['EC', '05']);
});
