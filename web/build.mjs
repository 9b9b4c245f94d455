// Bundles the browser app into <site>/assets/ with content-hashed names, copies the
// onnxruntime-web wasm runtime to <site>/ort/, writes the service worker to <site>/sw.js
// (a fixed name: its scope is the site root) and <site>/assets/assets.json (logical name ->
// path relative to the site root). Run it after the model is in <site>/model/: the worker's
// model cache is named after a hash of it, so new weights never meet stale cached shards.
//
//   node web/build.mjs --out site --headers '<json>' [--cache <dir>] [--sourcemap] [--model-id ID]
//
// --headers: the security headers the service worker adds to what it answers
// (txbuild.htmlsafe.SECURITY_HEADERS, which bundle.py passes: their one source).
// --model-id names the service worker's model cache instead of the hash of <site>/model/: the
// wheel's build hook (hatch_build.py) passes a placeholder, which txbuild fills in per site.
//
// Everything it writes is found through relative URLs: the app finds its worker, chunks and
// the ORT files relative to its own URL (import.meta.url), so the site works at a domain
// root, under /<repo>/, or in any folder.

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const WEB = dirname(fileURLToPath(import.meta.url));
const ORT_DIST = join(WEB, 'node_modules/onnxruntime-web/dist');
// The plain SIMD+threads build is all the wasm backend needs; the WebGPU worker loads the
// asyncify build instead (WebGPU plus the same CPU kernels), fetched only where WebGPU runs.
const ORT_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
const ORT_GPU_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];
// Only files this script wrote are removed from assets/ (other stages write there too).
const OWN = /^(app|worker|worker-webgpu|chunk)-[A-Z0-9]+\.(js|css)(\.map)?$/;

const hash10 = (buf) => createHash('sha256').update(buf).digest('hex').slice(0, 10);

async function copyHashed(src, destDir) {
  const buf = await readFile(src);
  const name = basename(src).replace(/(\.[a-z]+)$/, `-${hash10(buf)}$1`);
  await writeFile(join(destDir, name), buf);
  return name;
}

// A hash of everything under <site>/model/: a shard by the sha256 its manifest records (no
// need to read hundreds of MB), any other file by its bytes.
async function modelId(modelDir) {
  const h = createHash('sha256');
  const walk = async (dir) =>
    (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const d of await walk(modelDir)) {
    if (!d.isDirectory()) continue;
    const root = join(modelDir, d.name);
    const known = new Map();
    try {
      const m = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8'));
      for (const v of Object.values(m.variants || {})) {
        for (const sh of v.shards || []) if (sh.sha256 && sh.path) known.set(sh.path, sh.sha256);
      }
    } catch {
      /* no manifest: every file by its bytes */
    }
    const visit = async (dir) => {
      for (const e of await walk(dir)) {
        const p = join(dir, e.name);
        const rel = relative(root, p).split('\\').join('/');
        if (e.isDirectory()) await visit(p);
        else
          h.update(
            `${d.name}/${rel}\0${
              known.get(rel) ??
              createHash('sha256')
                .update(await readFile(p))
                .digest('hex')
            }\n`,
          );
      }
    };
    await visit(root);
  }
  return h.digest('hex').slice(0, 10);
}

function outputsOf(metafile, siteDir) {
  return Object.keys(metafile.outputs).map((p) => relative(siteDir, resolve(p)).split('\\').join('/'));
}

const cached = (files) => files.filter((f) => f !== 'sw.js'); // sw.js is built per site

async function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      headers: { type: 'string' },
      cache: { type: 'string' },
      sourcemap: { type: 'boolean' },
      'model-id': { type: 'string' },
    },
  });
  if (!values.out || !values.headers) {
    throw new Error("usage: node web/build.mjs --out <siteDir> --headers '<json>' [--cache <dir>] [--sourcemap]");
  }
  const headers = JSON.parse(values.headers);
  const site = resolve(values.out);
  const assets = join(site, 'assets');
  const ortDir = join(site, 'ort');
  await mkdir(assets, { recursive: true });
  for (const f of await readdir(assets)) if (OWN.test(f)) await rm(join(assets, f));
  await rm(ortDir, { recursive: true, force: true });
  await mkdir(ortDir, { recursive: true });

  // The app, its workers and the ORT files depend on the sources only: with --cache, a bundle
  // of the same sources (and toolchain) is copied from there instead of built again.
  const entry = values.cache ? join(resolve(values.cache), `bundle-${await sourceKey(values.sourcemap)}`) : null;
  let bundled;
  if (entry && existsSync(join(entry, '.complete'))) {
    bundled = JSON.parse(await readFile(join(entry, 'bundle.json'), 'utf8'));
    for (const f of cached(bundled.files)) await cp(join(entry, f), join(site, f));
  } else {
    bundled = await bundleApp(site, assets, ortDir, values.sourcemap);
    if (entry) {
      const tmp = `${entry}.${process.pid}.tmp`;
      await rm(tmp, { recursive: true, force: true });
      for (const f of cached(bundled.files)) await cp(join(site, f), join(tmp, f));
      await writeFile(join(tmp, 'bundle.json'), JSON.stringify(bundled));
      await writeFile(join(tmp, '.complete'), 'ok\n');
      await rename(tmp, entry).catch(() => rm(tmp, { recursive: true, force: true })); // another build won
    }
  }
  const { map, files } = bundled;
  const assetsJson = `${JSON.stringify({ ...map, files }, null, 2)}\n`;
  await writeFile(join(assets, 'assets.json'), assetsJson);

  // The service worker: one classic script, its cache names fixed at build time.
  await build({
    ...esbuildOptions(assets, values.sourcemap),
    entryPoints: { sw: 'src/sw.js' },
    format: 'iife',
    outdir: undefined,
    entryNames: undefined,
    chunkNames: undefined,
    outfile: join(site, 'sw.js'),
    define: {
      __TXB_SW_SITE__: JSON.stringify(hash10(assetsJson)),
      __TXB_SW_MODEL__: JSON.stringify(values['model-id'] ?? (await modelId(join(site, 'model')))),
      __TXB_HEADERS__: JSON.stringify(headers),
    },
  });

  for (const f of files) {
    const buf = await readFile(join(site, f));
    const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(12);
    console.log(`${f.padEnd(48)} ${kb(buf.length)} ${kb(gzipSync(buf).length)} gz`);
  }
}

// A hash of what the bundle is made of: this script, the locked packages, every file under
// src/ and viz/ and state.js, the options, Node's version.
async function sourceKey(sourcemap) {
  const h = createHash('sha256');
  h.update(`${process.version}\0${sourcemap ? 'map' : ''}\0`);
  const add = async (p) => h.update(`${relative(WEB, p)}\0`).update(await readFile(p));
  await add(fileURLToPath(import.meta.url));
  await add(join(WEB, 'package-lock.json'));
  await add(join(WEB, 'state.js'));
  const walk = async (dir) => {
    const es = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of es) await (e.isDirectory() ? walk(join(dir, e.name)) : add(join(dir, e.name)));
  };
  await walk(join(WEB, 'src'));
  await walk(join(WEB, 'viz'));
  return h.digest('hex').slice(0, 20);
}

function esbuildOptions(assets, sourcemap) {
  return {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: sourcemap ? 'linked' : false,
    legalComments: 'none',
    outdir: assets,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: WEB,
  };
}

// The app, its two workers and the ORT runtime files, into <site>/assets and <site>/ort:
// {map: logical name -> path, files: every file written (relative to the site)}.
async function bundleApp(site, assets, ortDir, sourcemap) {
  const ort = {};
  for (const f of [...ORT_FILES, ...ORT_GPU_FILES]) ort[f] = `ort/${await copyHashed(join(ORT_DIST, f), ortDir)}`;
  const common = esbuildOptions(assets, sourcemap);
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
  const gpuWorker = await build({
    ...common,
    entryPoints: { 'worker-webgpu': 'src/worker-webgpu.js' },
    conditions: ['onnxruntime-web-use-extern-wasm'],
  });
  const gpuWorkerFile = outputsOf(gpuWorker.metafile, site).find((p) => p.endsWith('.js'));
  const app = await build({
    ...common,
    entryPoints: { app: 'src/main.js' },
    splitting: true, // the tokenizer (~0.6 MB of ranks) loads as its own chunk, after first paint
    define: {
      __TXB_WORKER__: JSON.stringify(`./${basename(workerFile)}`),
      __TXB_ORT_MJS__: JSON.stringify(`../${ort[ORT_FILES[0]]}`),
      __TXB_ORT_WASM__: JSON.stringify(`../${ort[ORT_FILES[1]]}`),
      __TXB_WORKER_WEBGPU__: JSON.stringify(`./${basename(gpuWorkerFile)}`),
      __TXB_ORT_GPU_MJS__: JSON.stringify(`../${ort[ORT_GPU_FILES[0]]}`),
      __TXB_ORT_GPU_WASM__: JSON.stringify(`../${ort[ORT_GPU_FILES[1]]}`),
    },
  });
  const appFiles = outputsOf(app.metafile, site);
  const map = {
    'app.js': appFiles.find((p) => /\/app-[^/]+\.js$/.test(p)),
    'app.css': appFiles.find((p) => /\/app-[^/]+\.css$/.test(p)),
    'worker.js': workerFile,
    'worker-webgpu.js': gpuWorkerFile,
    ...ort,
    'sw.js': 'sw.js',
  };
  const files = [
    ...new Set([
      ...appFiles,
      ...outputsOf(worker.metafile, site),
      ...outputsOf(gpuWorker.metafile, site),
      ...Object.values(map),
    ]),
  ].sort();
  return { map, files };
}

main().catch((err) => {
  console.error(`web/build.mjs: ${err.message}`);
  process.exit(1);
});
