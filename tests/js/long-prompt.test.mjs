// Issue 13, section 5: a prompt over the link's limit stays whole in the tab (sessionStorage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLong, restorePrompt, remember, readStored, storageKey } from '../../web/src/gen/long-prompt.js';
import {
  parseUrlState,
  serializeUrlState,
  MAX_PROMPT_URL_BYTES,
  SAMPLING_DEFAULTS,
} from '../../web/src/gen/url-state.js';

const sizes = { layers: 2, heads: 4, stages: 10, vocab: 50257, maxGen: 128, maxPos: 128 };
const st = (prompt) => ({ prompt, layer: 0, head: 0, stage: 0, pos: null, ...SAMPLING_DEFAULTS, gen: [] });

function memoryStorage() {
  const m = new Map();
  return {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => m.set(k, String(v)),
    removeItem: (k) => m.delete(k),
    m,
  };
}

test('a long prompt written to the link and the tab comes back whole from both', () => {
  for (const unit of ['a', '한', '🎉', 'a b&c=%']) {
    const long = `${unit.repeat(5000)} the end`;
    assert.ok(isLong(long), unit);
    const storage = memoryStorage();
    const key = storageKey('/en/index.html');
    remember(storage, key, long);
    const search = serializeUrlState('', st(long), { prompt: 'x' });
    assert.ok(search.length < MAX_PROMPT_URL_BYTES + 100);
    const { values } = parseUrlState(search, sizes);
    assert.notEqual(values.prompt, long); // the link alone has only the first part
    assert.equal(restorePrompt(values.prompt, readStored(storage, key)), long, unit);
  }
});

test('the stored text is used only for the link it belongs to', () => {
  const long = 'a'.repeat(5000);
  assert.equal(restorePrompt('The cat', long), 'The cat'); // another link: its own prompt
  assert.equal(restorePrompt(undefined, long), undefined); // no prompt in the link: the default
  assert.equal(restorePrompt('a'.repeat(10), long), 'a'.repeat(10)); // a shorter start is another prompt
  assert.equal(restorePrompt('short', null), 'short');
});

test('a prompt that fits again is forgotten; a storage that throws is no storage', () => {
  const storage = memoryStorage();
  remember(storage, 'k', 'a'.repeat(5000));
  assert.equal(storage.m.size, 1);
  remember(storage, 'k', 'short');
  assert.equal(storage.m.size, 0);
  assert.equal(isLong('short'), false);
  const broken = {
    getItem() {
      throw new Error('denied');
    },
    setItem() {
      throw new Error('full');
    },
    removeItem() {
      throw new Error('x');
    },
  };
  assert.doesNotThrow(() => remember(broken, 'k', 'a'.repeat(5000)));
  assert.equal(readStored(broken, 'k'), null);
  assert.equal(readStored(undefined, 'k'), null);
});
