// Which examples each page offers, its default prompt's run, and the Korean note's facts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { exampleOrder, forLanguage } from '../../web/src/lang-examples.js';
import { koreanFacts, koreanNote } from '../../web/src/explainer/korean-note.js';
import { parseManifest } from '../../web/src/manifest.js';
import { goldenJson, MANIFEST_URL } from './golden.mjs';

const ex = (prompt, lang, ids, tokens, prob) => ({ prompt, lang, ids, tokens, top: [{ id: 1, prob, token: 'x' }] });
// examples chosen for the Korean note's cases (fragments, a less sure Korean prediction)
const manifest = {
  examples: [
    ex('Good morrow, my', 'en', [1, 2, 3], ['Good', ' morrow', ', my'], 0.5),
    ex('O Romeo', 'en', [4], ['O'], 0.2),
    ex('가나', 'ko', [5, 6, 7], ['\ufffd', '\ufffd', '나'], 0.01),
    ex('오늘은', 'ko', [8], ['오늘은'], 0.3),
  ],
};

test('the English page offers only the English examples; the Korean page its own first', () => {
  assert.deepEqual(exampleOrder(manifest, 'en'), [0, 1]);
  assert.deepEqual(exampleOrder(manifest, 'ko'), [2, 3, 0, 1]);
  // a third language is a folder of strings and content: its page offers its own examples first
  const fr = { examples: [...manifest.examples, ex('Bonjour', 'fr', [9], ['Bonjour'], 0.4)] };
  assert.deepEqual(exampleOrder(fr, 'fr'), [4, 0, 1]);
  assert.deepEqual(exampleOrder(fr, 'en'), [0, 1]);
});

test("each page's default prompt and the example that is its run (the golden manifest's)", () => {
  const json = goldenJson();
  const m = parseManifest(json, MANIFEST_URL);
  const en = forLanguage(m, 'en');
  assert.equal(en.defaultExample, json.default_example.en);
  assert.equal(en.defaultPrompt, json.examples[json.default_example.en].prompt);
  assert.equal(json.examples[en.defaultExample].lang, 'en');
  const ko = forLanguage(m, 'ko');
  assert.equal(ko.defaultExample, json.default_example.ko);
  assert.equal(ko.defaultPrompt, json.examples[json.default_example.ko].prompt);
  assert.equal(json.examples[ko.defaultExample].lang, 'ko');
  assert.deepEqual(ko.exampleOrder, [2, 3, 0, 1]); // the golden's examples: en, en, ko, ko
  // a card without a Korean default: the Korean page takes the English one's run
  const noKoDefault = forLanguage(
    parseManifest({ ...json, default_example: { ...json.default_example, ko: json.default_example.en } }, MANIFEST_URL),
    'ko',
  );
  assert.equal(noKoDefault.defaultPrompt, en.defaultPrompt);
  assert.equal(noKoDefault.defaultExample, en.defaultExample);
  // a page language the manifest names no default for: the English page's
  assert.equal(forLanguage(m, 'fr').defaultExample, en.defaultExample);
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
