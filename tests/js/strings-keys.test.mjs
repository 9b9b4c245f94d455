import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));

async function sources(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await sources(join(dir, e.name))));
    else if (e.name.endsWith('.js')) out.push(join(dir, e.name));
  }
  return out;
}

test('every t() key in web/ is documented, in English and Korean', async () => {
  const files = [...(await sources(join(WEB, 'src'))), ...(await sources(join(WEB, 'viz')))];
  const used = new Set();
  for (const f of files) for (const m of (await readFile(f, 'utf8')).matchAll(/\bt\('([a-z0-9_]+)'/g)) used.add(m[1]);
  assert.ok(used.size > 10);
  const doc = await readFile(join(WEB, 'strings-keys.md'), 'utf8');
  const blocks = [...doc.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => new Set([...m[1].matchAll(/^(\w+) =/gm)].map((k) => k[1])));
  assert.equal(blocks.length, 2);
  for (const key of used) {
    assert.match(doc, new RegExp(`\\| \`${key}\` \\|`), `${key} missing from the table`);
    for (const b of blocks) assert.ok(b.has(key), `${key} missing from a TOML block`);
  }
  for (const b of blocks) assert.deepEqual([...b].sort(), [...used].sort());
});
