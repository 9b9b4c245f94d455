// A view redraws through watch(): only when what it shows changed, and only while its stage is
// on screen; a hidden view draws the run it missed as soon as its stage is shown (issue 19:
// a new run redraws one stage, not every view in one long task).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/state.js';
import { watch } from '../../web/src/explainer/view.js';

// A store and a view over it that logs what it draws (`label(s)`), shown where `shown` says.
function watched(pick, label, shown) {
  const store = createStore({ trace: 'run 1', sel: { stage: 0, layer: 0 }, hover: null });
  const drawn = [];
  watch(store, pick, (s) => drawn.push(label(s)), shown);
  return { store, drawn };
}

test('a shown view draws when its slice changes, not on other changes', () => {
  const { store, drawn } = watched(
    (s) => [s.trace, s.sel.layer],
    (s) => s.trace,
    (s) => s.sel.stage === 0,
  );
  assert.deepEqual(drawn, ['run 1']); // at mount
  store.set({ hover: { q: 1 } });
  assert.deepEqual(drawn, ['run 1']);
  store.set({ trace: 'run 2' });
  assert.deepEqual(drawn, ['run 1', 'run 2']);
});

test('a hidden view draws nothing until its stage is shown, then the latest run once', () => {
  const { store, drawn } = watched(
    (s) => [s.trace, s.sel.layer],
    (s) => `${s.trace} L${s.sel.layer}`,
    (s) => s.sel.stage === 3,
  );
  store.set({ trace: 'run 2' });
  store.set({ trace: 'run 3', sel: { stage: 0, layer: 1 } });
  assert.deepEqual(drawn, []); // never on screen: never drawn
  store.set({ sel: { stage: 3, layer: 1 } });
  assert.deepEqual(drawn, ['run 3 L1']);
  store.set({ sel: { stage: 3, layer: 1 } }); // a new but equal selection: nothing new to draw
  assert.deepEqual(drawn, ['run 3 L1']);
  store.set({ sel: { stage: 0, layer: 1 } }); // hidden again: the next run waits
  store.set({ trace: 'run 4' });
  assert.deepEqual(drawn, ['run 3 L1']);
  store.set({ sel: { stage: 3, layer: 1 } });
  assert.deepEqual(drawn, ['run 3 L1', 'run 4 L1']);
});

test('without `shown` a view is always on screen', () => {
  const { store, drawn } = watched(
    (s) => [s.trace],
    (s) => s.trace,
  );
  store.set({ sel: { stage: 5, layer: 0 }, trace: 'run 2' });
  assert.deepEqual(drawn, ['run 1', 'run 2']);
});
