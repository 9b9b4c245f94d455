// Bundles the browser app into <site>/assets/ with content-hashed names, copies the
// onnxruntime-web wasm runtime to <site>/ort/ and coi-serviceworker to the site root, and
// writes <site>/assets/assets.json (logical name -> path relative to the site root).
//
//   node web/build.mjs --out site [--sourcemap]
//
// Everything it writes is found through relative URLs: the app finds its worker, chunks and
// the ORT files relative to its own URL (import.meta.url), so the site works at a domain
// root, under /<repo>/, or in any folder.

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mkdir, readFile, readdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const WEB = dirname(fileURLToPath(import.meta.url));
const ORT_DIST = join(WEB, 'node_modules/onnxruntime-web/dist');
// The plain SIMD+threads build is all the wasm backend needs (no WebGPU/JSEP, no JSPI).
const ORT_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
const COI = join(WEB, 'node_modules/coi-serviceworker/coi-serviceworker.min.js');
// Only files this script wrote are removed from assets/ (other stages write there too).
const OWN = /^(app|worker|chunk)-[A-Z0-9]+\.(js|css)(\.map)?$/;

const hash10 = (buf) => createHash('sha256').update(buf).digest('hex').slice(0, 10);

async function copyHashed(src, destDir) {
  const buf = await readFile(src);
  const name = basename(src).replace(/(\.[a-z]+)$/, `-${hash10(buf)}$1`);
  await writeFile(join(destDir, name), buf);
  return name;
}

function outputsOf(metafile, siteDir) {
  return Object.keys(metafile.outputs).map((p) => relative(siteDir, resolve(p)).split('\\').join('/'));
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' }, sourcemap: { type: 'boolean' } } });
  if (!values.out) throw new Error('usage: node web/build.mjs --out <siteDir> [--sourcemap]');
  const site = resolve(values.out);
  const assets = join(site, 'assets');
  const ortDir = join(site, 'ort');
  await mkdir(assets, { recursive: true });
  for (const f of await readdir(assets)) if (OWN.test(f)) await rm(join(assets, f));
  await rm(ortDir, { recursive: true, force: true });
  await mkdir(ortDir, { recursive: true });

  const ort = {};
  for (const f of ORT_FILES) ort[f] = `ort/${await copyHashed(join(ORT_DIST, f), ortDir)}`;
  await copyFile(COI, join(site, 'coi-serviceworker.js'));

  const common = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: values.sourcemap ? 'linked' : false,
    legalComments: 'none',
    outdir: assets,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: WEB,
  };
  // The worker first: the app needs its hashed name. ORT's "extern wasm" build loads
  // ort-wasm-simd-threaded.mjs at run time from the paths defined here (relative to assets/).
  const worker = await build({
    ...common,
    entryPoints: { worker: 'src/worker.js' },
    conditions: ['onnxruntime-web-use-extern-wasm'],
    define: {
      __TXB_ORT_MJS__: JSON.stringify(`../${ort[ORT_FILES[0]]}`),
      __TXB_ORT_WASM__: JSON.stringify(`../${ort[ORT_FILES[1]]}`),
    },
  });
  const workerFile = outputsOf(worker.metafile, site).find((p) => p.endsWith('.js'));
  const app = await build({
    ...common,
    entryPoints: { app: 'src/main.js' },
    splitting: true, // the tokenizer (~0.6 MB of ranks) loads as its own chunk, after first paint
    define: {
      __TXB_WORKER__: JSON.stringify(`./${basename(workerFile)}`),
      __TXB_ORT_MJS__: JSON.stringify(`../${ort[ORT_FILES[0]]}`),
      __TXB_ORT_WASM__: JSON.stringify(`../${ort[ORT_FILES[1]]}`),
    },
  });
  const appFiles = outputsOf(app.metafile, site);
  const map = {
    'app.js': appFiles.find((p) => /\/app-[^/]+\.js$/.test(p)),
    'app.css': appFiles.find((p) => /\/app-[^/]+\.css$/.test(p)),
    'worker.js': workerFile,
    ...ort,
    'coi-serviceworker.js': 'coi-serviceworker.js',
  };
  const files = [...new Set([...appFiles, ...outputsOf(worker.metafile, site), ...Object.values(map)])].sort();
  await writeFile(join(assets, 'assets.json'), `${JSON.stringify({ ...map, files }, null, 2)}\n`);

  for (const f of files) {
    const buf = await readFile(join(site, f));
    const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(12);
    console.log(`${f.padEnd(48)} ${kb(buf.length)} ${kb(gzipSync(buf).length)} gz`);
  }
}

main().catch((err) => {
  console.error(`web/build.mjs: ${err.message}`);
  process.exit(1);
});
