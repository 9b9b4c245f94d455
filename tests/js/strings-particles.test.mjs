import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createT } from '../../web/src/strings.js';

test('a filled Korean string keeps the particle form that fits its value', () => {
  const t = createT({ pick: '“{token}”을(를) 고릅니다.', top: '{top1}이(가) {p}로 1위', fixed: '고정 을(를)' });
  assert.equal(t('pick', { token: '␣lord' }), '“␣lord”를 고릅니다.');
  assert.equal(t('pick', { token: '사람' }), '“사람”을 고릅니다.');
  assert.equal(t('top', { top1: '“밥”', p: '42%' }), '“밥”이 42%로 1위');
  assert.equal(t('top', { top1: '“3”', p: '1%' }), '“3”이 1%로 1위');
  assert.equal(t('fixed'), '고정 을(를)'); // nothing filled: the text as written
  assert.equal(t('fixed', {}), '고정 을(를)');
});
