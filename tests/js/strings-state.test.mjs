import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createT } from '../../web/src/strings.js';
import { createStore } from '../../web/state.js';

test('t: fills placeholders, falls back to the key, never to English', () => {
  const t = createT({ tokens_count: '{n} tokens (max {max})', prompt_label: '프롬프트' });
  assert.equal(t('tokens_count', { n: 3, max: 64 }), '3 tokens (max 64)');
  assert.equal(t('prompt_label'), '프롬프트');
  assert.equal(t('missing_key', { n: 1 }), 'missing_key');
  assert.equal(t('tokens_count', { n: 3 }), '3 tokens (max {max})');
  assert.equal(t('toString'), 'toString');
});

test('store: frozen snapshots, subscribers see new and previous state', () => {
  const s = createStore({ a: 1, b: { c: 2 } });
  const seen = [];
  const off = s.subscribe((next, prev) => seen.push([next.a, prev.a]));
  const b = s.get().b;
  s.set({ a: 2 });
  assert.equal(s.get().b, b); // untouched slices keep their identity
  assert.ok(Object.isFrozen(s.get()));
  off();
  s.set({ a: 3 });
  assert.deepEqual(seen, [[2, 1]]);
});

test('store: a subscriber that throws does not stop the others; its error is still reported', () => {
  const errors = [];
  const s = createStore({ a: 1 }, { onError: (e) => errors.push(e.message) });
  const seen = [];
  s.subscribe(() => {
    throw new Error('view failed');
  });
  s.subscribe((next) => seen.push(next.a));
  s.set({ a: 2 });
  assert.deepEqual(seen, [2]);
  assert.deepEqual(errors, ['view failed']);
});
