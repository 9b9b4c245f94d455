import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { cycles, edges } from './import-graph.mjs';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
const FIX = fileURLToPath(new URL('./fixtures/', import.meta.url));

test('the walker finds a cycle through import, export-from and import(); comments are not edges', () => {
  const r = cycles(join(FIX, 'cycle'));
  assert.deepEqual(r.cycles, [['a.js', 'b.js']]);
  assert.deepEqual(
    edges(join(FIX, 'cycle', 'b.js')).map((f) => f.split('/').pop()),
    ['c.js', 'a.js'],
  );
  assert.deepEqual(edges(join(FIX, 'cycle', 'leaf.js')), []);
  assert.deepEqual(cycles(join(FIX, 'acyclic')).cycles, []);
});

test('web/ has no import cycles', () => {
  const r = cycles(WEB);
  assert.ok(r.files.length > 40, `walked ${r.files.length} modules`);
  const n = [...r.graph.values()].reduce((a, e) => a + e.length, 0);
  assert.ok(n > 80, `found ${n} edges`);
  assert.deepEqual(r.cycles, []);
});

test('views never import the controller or the shell (they read the store, not the app)', () => {
  const r = cycles(WEB);
  const bad = [];
  for (const [f, es] of r.graph) {
    if (!f.includes('/viz/')) continue;
    for (const e of es)
      if (/\/(controller|explainer\/shell|main)\.js$/.test(e) || e.includes('/src/run/')) bad.push(`${f} -> ${e}`);
  }
  assert.deepEqual(bad, []);
});
