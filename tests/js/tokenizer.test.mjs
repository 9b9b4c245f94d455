import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeText, decodeIds, tokenLabel, tokenBytes } from '../../web/src/tokenizer.js';

test('GPT-2 ids for a known sentence (same as Hugging Face)', () => {
  assert.deepEqual(encodeText('Data visualization empowers users to'), [6601, 32704, 795, 30132, 2985, 284]);
});

test('<|endoftext|> in a prompt is plain text, never id 50256', () => {
  const ids = encodeText('a <|endoftext|> b');
  assert.ok(!ids.includes(50256));
  assert.equal(decodeIds(ids), 'a <|endoftext|> b');
});

test('byte fragments are labelled as bytes and reassemble to the text', () => {
  const ids = encodeText('안녕 🙂');
  const labels = ids.map(tokenLabel);
  assert.ok(labels.some((l) => l.bytes));
  const bytes = ids.flatMap((id) => [...tokenBytes(id)]);
  assert.equal(new TextDecoder().decode(Uint8Array.from(bytes)), '안녕 🙂');
  assert.deepEqual(tokenLabel(262), { text: ' the', bytes: false });
  assert.equal(tokenLabel(50256).text, '<|endoftext|>');
});
