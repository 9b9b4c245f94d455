// The static import graph of a folder of ES modules: every relative `import … from`,
// `export … from`, bare `import '…'` and `import('…')` with a literal specifier. Package
// imports (no leading dot) are outside the graph. Used by imports.test.mjs.

import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, resolve, relative } from 'node:path';

const SPEC =
  /(?:\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?|\bexport\s*(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;

// Comments are removed first so a commented-out import is not an edge.
const stripComments = (src) => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');

export function modules(root) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(m?js)$/.test(name)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

export function edges(file) {
  const src = stripComments(readFileSync(file, 'utf8'));
  const found = [];
  for (const m of src.matchAll(SPEC)) {
    const target = resolve(dirname(file), m[2]);
    if (/\.(m?js)$/.test(target)) found.push(target);
    else if (existsSync(`${target}.js`)) found.push(`${target}.js`);
  }
  return [...new Set(found)];
}

// Every cycle's files (one list per strongly connected component of more than one module, or a
// module importing itself), paths relative to root.
export function cycles(root) {
  const files = modules(root);
  const graph = new Map(files.map((f) => [f, edges(f).filter((e) => files.includes(e))]));
  // Tarjan's strongly connected components
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || graph.get(v).includes(v)) found.push(comp.map((f) => relative(root, f)).sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  return { files, graph, cycles: found };
}
