// make lint runs tsc over the browser code (web/tsconfig.json). These check that the JSDoc
// types it reads are wired: a write of an undeclared store key or a misspelt manifest field in
// code that uses them fails the check, and the same code spelt right passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const WEB = resolve(import.meta.dirname, '../../web');
const TSC = join(WEB, 'node_modules/.bin/tsc');

function check(body) {
  const dir = mkdtempSync(join(tmpdir(), 'txb-types-'));
  try {
    writeFileSync(
      join(dir, 'probe.js'),
      `import { createStore } from '${WEB}/state.js';
import { initialState } from '${WEB}/src/app-state.js';
import { forLanguage } from '${WEB}/src/lang-examples.js';
import { parseManifest } from '${WEB}/src/manifest.js';
const manifest = forLanguage(parseManifest({}, 'http://x/'), 'en');
const store = createStore(initialState(manifest, 'fp32'));
${body}
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(WEB, 'tsconfig.json'),
        include: [],
        files: [join(WEB, 'globals.d.ts'), 'probe.js'],
      }),
    );
    const r = spawnSync(TSC, ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    return { ok: r.status === 0, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('tsc refuses an undeclared store key and a misspelt manifest field', () => {
  const good = check('store.set({ hover: null });\nconst n = store.get().manifest.dims.layer + 1;\n');
  assert.ok(good.ok, good.out);
  const badKey = check('store.set({ hoverd: null });\n');
  assert.ok(!badKey.ok && /hoverd/.test(badKey.out), badKey.out);
  const badField = check('const n = store.get().manifest.dims.layers + 1;\n');
  assert.ok(!badField.ok && /layers/.test(badField.out), badField.out);
});
