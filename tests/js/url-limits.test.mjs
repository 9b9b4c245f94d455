// Issue 13, section 5: the URL holds at most what the page restores; odd values are named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseUrlState,
  serializeUrlState,
  fitPrompt,
  MAX_PROMPT_URL_BYTES,
  SAMPLING_DEFAULTS,
} from '../../web/src/gen/url-state.js';

const sizes = { layers: 2, heads: 4, stages: 10, vocab: 50257, maxGen: 128, maxPos: 128, variants: ['fp32', 'int8'] };
const st = (prompt) => ({ prompt, layer: 0, head: 0, stage: 0, pos: null, ...SAMPLING_DEFAULTS, gen: [] });

test('an unknown ?variant= and an out-of-range ?pos= are named like other malformed values', () => {
  assert.deepEqual(parseUrlState('?variant=fp64&pos=129', sizes).bad, ['variant', 'pos']);
  const ok = parseUrlState('?variant=int8&pos=128', sizes);
  assert.deepEqual(ok.bad, []);
  assert.equal(ok.values.pos, 127);
  assert.equal(ok.values.variant, 'int8');
});

test('a long prompt: the link holds its first part, within the same limit the page reads', () => {
  for (const unit of ['a', '한', '🎉', 'a b&c=%']) {
    const long = unit.repeat(5000);
    const search = serializeUrlState('', st(long), { prompt: 'x' });
    assert.ok(search.length < MAX_PROMPT_URL_BYTES + 100, `${unit}: ${search.length}`);
    const { values, bad } = parseUrlState(search, sizes);
    assert.deepEqual(bad, [], unit);
    assert.ok(long.startsWith(values.prompt) && values.prompt.length > 0, unit);
    assert.equal(values.prompt, fitPrompt(long));
  }
  const short = 'The cat sat';
  assert.equal(parseUrlState(serializeUrlState('', st(short), { prompt: 'x' }), sizes).values.prompt, short);
  // a hand-made link over the limit is refused, not half-read
  const q = `?prompt=${'a'.repeat(MAX_PROMPT_URL_BYTES + 1)}`;
  assert.deepEqual(parseUrlState(q, sizes).bad, ['prompt']);
});

test('fitPrompt never splits a character', () => {
  const s = fitPrompt('🎉'.repeat(1000), 50);
  assert.equal(
    [...s].every((c) => c === '🎉'),
    true,
  );
  assert.ok(encodeURIComponent(s).length <= 50);
});
