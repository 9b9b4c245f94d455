// Issue 23: views read the store and ask the controller to act; only the controller (and the
// shell that wires it, main.js) writes a store key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
// the writers: the controller, its jobs (run/, gen/), the shell, the store itself
const WRITERS = [/^src\/controller\.js$/, /^src\/run\//, /^src\/gen\//, /^src\/main\.js$/, /^state\.js$/];

// `state.set(`, `store.set(`, `ctx.state.set(`, also through `?.`; searchParams.set is no store.
export const writesStore = (src) => /\b(?:state|store)\??\.set\s*\(/.test(src.replace(/\/\/.*$/gm, ''));

const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? e.name === 'node_modules'
        ? []
        : files(join(dir, e.name))
      : /\.m?js$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );

test('the check sees a write, deferred or not, and not a URL parameter', () => {
  assert.ok(writesStore('queueMicrotask(() => state.set(patch));'));
  assert.ok(writesStore('const go = (i) => ctx.store.set({ tour: i });'));
  assert.ok(!writesStore("url.searchParams.set('variant', name); actions.tour(2);"));
  assert.ok(!writesStore('// state.set() is the controller’s'));
});

test('no view writes a store key', () => {
  const views = files(WEB)
    .map((f) => relative(WEB, f).split('\\').join('/'))
    .filter((f) => !f.startsWith('tools/') && f !== 'build.mjs' && !WRITERS.some((w) => w.test(f)));
  assert.ok(views.length > 30, `${views.length} view files`);
  assert.ok(views.includes('src/tour/panel.js') && views.includes('viz/attention.js'));
  const bad = views.filter((f) => writesStore(readFileSync(join(WEB, f), 'utf8')));
  assert.deepEqual(bad, []);
});
