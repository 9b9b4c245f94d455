import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeText, tokenLabel, tokenBytes } from '../../web/src/tokenizer.js';
import { tokenNames } from '../../web/src/explainer/view.js';

const tokensOf = (text) => encodeText(text).map((id) => ({ id, ...tokenLabel(id), raw: Array.from(tokenBytes(id)) }));

test('byte fragments of a Korean syllable are labelled by the syllable, with their place', () => {
  const toks = tokensOf('안녕 cat');
  const names = tokenNames(toks);
  // GPT-2 splits these syllables into byte tokens that are not text on their own
  assert.ok(
    toks.some((t) => t.bytes),
    'the prompt has byte tokens',
  );
  for (const [i, t] of toks.entries()) if (t.bytes) assert.match(names[i], /^(안|녕|안녕) \(\d\/\d\)$/, names[i]);
  assert.ok(!names.some((n) => /[0-9A-F]{2}\u2009[0-9A-F]{2}/.test(n)), `no hex: ${names}`);
  assert.equal(names.at(-1), '␣cat');
  // the fragments of one syllable count 1/n … n/n
  const frag = names.filter((n) => n.startsWith('안 ('));
  if (frag.length) assert.equal(frag.at(-1), `안 (${frag.length}/${frag.length})`);
});

test('an incomplete character keeps its hex bytes; plain tokens keep visible spaces', () => {
  const toks = tokensOf('안');
  const cut = toks.slice(0, -1);
  if (cut.length)
    assert.deepEqual(
      tokenNames(cut),
      cut.map((t) => t.text),
    );
  assert.deepEqual(tokenNames(tokensOf(' a b')), ['␣a', '␣b']);
});
