// Issue 23: one list of the graph's outputs. web/src/outputs.js is the list the browser needs;
// the golden manifest is what build/txbuild/graph.py makes the build write; the two agree, a
// manifest without one of them (or with other dims) is refused, and no view reads an output
// the list does not have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUTPUTS } from '../../web/src/outputs.js';
import { parseManifest } from '../../web/src/manifest.js';
import { goldenJson, MANIFEST_URL } from './golden.mjs';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));

test('the browser needs exactly the outputs the build writes, in its order and dims', () => {
  const written = goldenJson().outputs.map((o) => [o.name, o.dims]);
  assert.deepEqual(Object.entries(OUTPUTS), written);
});

test('a manifest without an output a view reads, or with other dims, is refused by name', () => {
  const removed = goldenJson();
  removed.outputs = removed.outputs.filter((o) => o.name !== 'attn_probs');
  assert.throws(() => parseManifest(removed, MANIFEST_URL), /no attn_probs output/);
  const renamed = goldenJson();
  renamed.outputs.find((o) => o.name === 'mlp_act').name = 'mlp_gelu';
  assert.throws(() => parseManifest(renamed, MANIFEST_URL), /no mlp_act output/);
  const reshaped = goldenJson();
  reshaped.outputs.find((o) => o.name === 'q').dims = ['layer', 'seq', 'head', 'head_dim'];
  assert.throws(() => parseManifest(reshaped, MANIFEST_URL), /output q has dims/);
  assert.ok(parseManifest(goldenJson(), MANIFEST_URL).outputs.length === Object.keys(OUTPUTS).length);
});

// The names a file reads off a trace's tensors: `tensors.x`, `tensors?.x`, `tn.x` (a view's
// alias for them), `{ a, b: c } = tensors`, and the names a view lists to look up by
// `tensors[n]` (`['q', 'k', 'v'].map(...)`, a PARTS table).
export function outputsRead(src) {
  const names = new Set();
  for (const m of src.matchAll(/\b(?:tensors|tn)\??\.([A-Za-z_][A-Za-z0-9_]*)\b(?!['"`])/g)) names.add(m[1]);
  for (const m of src.matchAll(/\{([^{}]*)\}\s*=\s*[\w.]*tensors\b/g))
    for (const part of m[1].split(',')) if (part.trim()) names.add(part.split(':')[0].trim());
  if (/tensors\[\w+\]/.test(src)) {
    for (const m of src.matchAll(/\[((?:\s*'[a-z_0-9]+'\s*,?)+)\]\.map\(/g))
      for (const n of m[1].matchAll(/'([a-z_0-9]+)'/g)) names.add(n[1]);
    for (const m of src.matchAll(/^\s*\['([a-z_0-9]+)',/gm)) names.add(m[1]);
  }
  return names;
}

const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? e.name === 'node_modules'
        ? []
        : files(join(dir, e.name))
      : e.name.endsWith('.js')
        ? [join(dir, e.name)]
        : [],
  );

test('the scan finds what a view reads, a made-up output included', () => {
  const view = `const m = matrix(cur.tensors.attn_prob, l); const { embed, resid_post: post } = tensors;
    const qs = ['q', 'k', 'vv'].map((n) => matrix(tr.tensors[n]));`;
  assert.deepEqual([...outputsRead(view)].sort(), ['attn_prob', 'embed', 'k', 'q', 'resid_post', 'vv']);
  assert.ok(outputsRead(readFileSync(join(WEB, 'viz', 'attention.js'), 'utf8')).has('attn_probs'));
});

test('no view reads an output that is not in the list', () => {
  const bad = [];
  let seen = 0;
  for (const f of [...files(join(WEB, 'src')), ...files(join(WEB, 'viz'))]) {
    for (const name of outputsRead(readFileSync(f, 'utf8'))) {
      seen += 1;
      if (name !== 'js' && !Object.hasOwn(OUTPUTS, name)) bad.push(`${f.slice(WEB.length)}: ${name}`);
    }
  }
  assert.ok(seen > 30, `found ${seen} reads`);
  assert.deepEqual(bad, []);
});
