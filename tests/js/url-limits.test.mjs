// Issue 13, section 5: the URL holds at most what the page restores; odd values are named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseUrlState,
  serializeUrlState,
  fitPrompt,
  MAX_PROMPT_URL_BYTES,
  SAMPLING_DEFAULTS,
  posPastEnd,
  wellFormed,
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

test("?pos= past the end of the link's tokens falls back to the last token and is named (issue 21)", () => {
  const sel = (pos) => ({ stage: 2, layer: 1, head: 0, pos });
  const ids = [464, 3797, 3332]; // three tokens: positions 0…2 (?pos=1…3)
  for (const url of ['?pos=4', '?pos=100', '?pos=128']) {
    const { values, bad } = parseUrlState(url, sizes);
    assert.deepEqual(bad, [], url); // within the context: only the prompt can tell
    const patch = posPastEnd({ sel: sel(values.pos), ids, urlBad: ['layer'] });
    assert.deepEqual(patch, { sel: sel(null), urlBad: ['layer', 'pos'] }, url);
  }
  assert.equal(posPastEnd({ sel: sel(2), ids, urlBad: [] }), null); // ?pos=3: the last token
  assert.equal(posPastEnd({ sel: sel(null), ids, urlBad: [] }), null);
  assert.equal(posPastEnd({ sel: sel(5), ids: null, urlBad: [] }), null); // not read yet
  // named once, even if already named for being past the context
  assert.deepEqual(posPastEnd({ sel: sel(5), ids, urlBad: ['pos'] }).urlBad, ['pos']);
});

test('a lone surrogate in the prompt: the link and the long-prompt check do not throw (issue 21)', async () => {
  const { createStore } = await import('../../web/state.js');
  const { createController, initialState, STATE_KEYS } = await import('../../web/src/controller.js');
  const { goldenManifest } = await import('./golden.mjs');
  const { isLong } = await import('../../web/src/gen/long-prompt.js');
  const lone = ['a\uD83Db', 'x\uDE00', '\uD83D', 'ok \uD83D\uDE00 \uDE00\uD83D end'];
  for (const p of lone) {
    assert.throws(() => encodeURIComponent(p), URIError); // what every URL write met
    const search = serializeUrlState('', st(p), { prompt: 'x' });
    const back = parseUrlState(search, sizes).values.prompt;
    assert.equal(back, p.toWellFormed(), p); // U+FFFD for each lone half, as URLSearchParams reads it
    assert.equal(isLong(p.toWellFormed()), false);
    assert.equal(fitPrompt(p.repeat(2000)).length > 0, true);
    // the fallback for browsers without String.prototype.toWellFormed gives the same text
    assert.equal(wellFormed({ replace: String.prototype.replace.bind(p) }), p.toWellFormed());
  }
  // the controller keeps the store's prompt well-formed, so the page's URL and the prompt box's
  // checks see a string every encoder takes
  const manifest = goldenManifest();
  const store = createStore(initialState(manifest, 'fp32'), { keys: STATE_KEYS });
  const c = createController({
    store,
    loadTokenizer: async () => ({
      encodeText: (s) => [...s].map(() => 0),
      tokenLabel: () => ({ text: 'a', bytes: false }),
    }),
    createClient: () => ({ load: () => new Promise(() => {}), destroy() {} }),
    ortPaths: {},
    numThreads: 1,
    debounceMs: 0,
  });
  c.setPrompt('cat \uD83D');
  assert.equal(store.get().prompt, 'cat \uFFFD');
  assert.doesNotThrow(() => encodeURIComponent(store.get().prompt));
});
