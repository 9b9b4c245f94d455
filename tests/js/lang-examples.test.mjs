// Which examples each page offers, its default prompt's run, and the Korean note's facts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { exampleOrder, forLanguage } from '../../web/src/lang-examples.js';
import { koreanFacts, koreanNote } from '../../web/src/explainer/korean-note.js';

const ex = (prompt, lang, ids, tokens, prob) => ({ prompt, lang, ids, tokens, top: [{ id: 1, prob, token: 'x' }] });
const manifest = {
  defaultPrompt: 'Good morrow, my', defaultPromptKo: '오늘은',
  examples: [ex('Good morrow, my', 'en', [1, 2, 3], ['Good', ' morrow', ', my'], 0.5), ex('O Romeo', 'en', [4], ['O'], 0.2),
    ex('가나', 'ko', [5, 6, 7], ['\ufffd', '\ufffd', '나'], 0.01), ex('오늘은', 'ko', [8], ['오늘은'], 0.3)],
};

test('the English page offers only the English examples; the Korean page its own first', () => {
  assert.deepEqual(exampleOrder(manifest, 'en'), [0, 1]);
  assert.deepEqual(exampleOrder(manifest, 'ko'), [2, 3, 0, 1]);
  // a manifest from before the lang field: all English
  assert.deepEqual(exampleOrder({ examples: [{ prompt: 'a' }, { prompt: 'b' }] }, 'ko'), [0, 1]);
});

test("each page's default prompt and the example that is its run", () => {
  assert.equal(forLanguage(manifest, 'en').defaultPrompt, 'Good morrow, my');
  assert.equal(forLanguage(manifest, 'en').defaultExample, 0);
  assert.equal(forLanguage(manifest, 'ko').defaultPrompt, '오늘은');
  assert.equal(forLanguage(manifest, 'ko').defaultExample, 3);
  const noKoDefault = forLanguage({ ...manifest, defaultPromptKo: null }, 'ko');
  assert.equal(noKoDefault.defaultPrompt, 'Good morrow, my');
  assert.equal(noKoDefault.defaultExample, 0);
  assert.deepEqual(noKoDefault.exampleOrder, [2, 3, 0, 1]);
});

test('the Korean note counts characters, tokens and byte fragments of the first Korean example', () => {
  const f = koreanFacts(manifest);
  assert.deepEqual(f.ko, { prompt: '가나', chars: 2, tokens: 3, fragments: 2, top: 0.01, token: 'x' });
  assert.deepEqual(f.en, { prompt: 'Good morrow, my', chars: 15, tokens: 3, fragments: 0, top: 0.5, token: 'x' });
  const t = (k, p = {}) => `${k}${JSON.stringify(p)}`;
  const text = koreanNote(manifest, t);
  assert.match(text, /^examples_ko_tokens\{/);
  assert.match(text, /"ko_token":"x","ko_top":"1%".*"en_top":"50%"/);
  assert.match(text, /examples_ko_less/); // 1% < 50%
  // no "less sure" where the numbers do not say so; no fragment clause without fragments
  const sure = { ...manifest, examples: [manifest.examples[0], ex('오늘은', 'ko', [8], ['오늘은'], 0.9)] };
  assert.doesNotMatch(koreanNote(sure, t), /examples_ko_less/);
  assert.match(koreanNote(sure, t), /^examples_ko_tokens_whole\{/);
  assert.equal(koreanNote({ examples: [manifest.examples[0]] }, t), null);
});
