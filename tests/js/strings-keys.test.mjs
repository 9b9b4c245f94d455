import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(ROOT, 'web');

async function sources(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await sources(join(dir, e.name))));
    else if (e.name.endsWith('.js')) out.push(join(dir, e.name));
  }
  return out;
}

// content/*/strings.toml holds only `key = "value"` lines and comments (tomllib reads it in Python).
async function strings(lang) {
  const text = await readFile(join(ROOT, 'content', lang, 'strings.toml'), 'utf8');
  return new Map([...text.matchAll(/^([a-z0-9_]+) = "(.*)"$/gm)].map((m) => [m[1], m[2]]));
}

const placeholders = (s) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

test('web/strings-keys.md lists exactly the t() keys of web/, with their placeholders in both languages', async () => {
  const files = [...(await sources(join(WEB, 'src'))), ...(await sources(join(WEB, 'viz')))];
  const used = new Set();
  for (const f of files) for (const m of (await readFile(f, 'utf8')).matchAll(/\bt\('([a-z0-9_]+)'/g)) used.add(m[1]);
  assert.ok(used.size > 10);
  const doc = await readFile(join(WEB, 'strings-keys.md'), 'utf8');
  assert.doesNotMatch(doc, /```toml/, 'the strings live in content/*/strings.toml only, not copied here');
  const rows = new Map(
    [...doc.matchAll(/^\| `([a-z0-9_]+)` \|([^|]*)\|/gm)].map((m) => [
      m[1],
      [...m[2].matchAll(/`\{(\w+)\}`/g)].map((p) => p[1]).sort(),
    ]),
  );
  assert.deepEqual([...rows.keys()].sort(), [...used].sort(), 'table keys vs keys the code uses');
  for (const lang of ['en', 'ko']) {
    const have = await strings(lang);
    for (const [key, names] of rows) {
      assert.ok(have.has(key), `${key} missing from content/${lang}/strings.toml`);
      assert.deepEqual(placeholders(have.get(key)), names, `${lang} ${key}: placeholders`);
    }
  }
});
