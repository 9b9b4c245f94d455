// Reads site/model/<id>/manifest.json (written by the Python build) into the shape the app
// uses: URLs resolved against the manifest's own URL and checked to be same-origin, the model's
// sizes taken from the manifest, and every output the views read (outputs.js) required by name
// and dims.

import { sameOriginUrl } from './same-origin.js';
import { checkOutputs } from './outputs.js';

export const SCHEMA = 2;

function need(cond, what) {
  if (!cond) throw new Error(`manifest: ${what}`);
}

const SHA256 = /^[0-9a-f]{64}$/;
const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
const isCount = (n) => Number.isInteger(n) && n >= 0;
const isText = (s) => typeof s === 'string';
const isNumber = Number.isFinite;
// Every field the app reads is required: a manifest without one is refused by name, never
// filled in with a guess (the Python build writes them all: build/txbuild/manifest.py).
function field(obj, key, check, where) {
  need(isObject(obj) && Object.hasOwn(obj, key), `${where}${key} is missing`);
  need(check(obj[key]), `${where}${key} is not valid`);
  return obj[key];
}
const listOf = (check) => (xs) => Array.isArray(xs) && xs.every(check);

// Every model file the browser loads is checked against the sha256 the build recorded, and
// its URL carries that hash (?h=…): a rebuild with new weights never meets an old cached file.
function hashed(what, path, sha256, base) {
  need(isText(sha256) && SHA256.test(sha256), `${what} has no sha256`);
  const url = new URL(sameOriginUrl(path, base));
  url.searchParams.set('h', sha256);
  return url.href;
}

function parseVariant(name, v, base) {
  const at = `variants.${name}.`;
  need(isObject(v) && isText(v.graph), `variant ${name} has no graph`);
  const shards = field(v, 'shards', Array.isArray, at).map((s) => {
    need(isText(s.name) && isText(s.path), `variant ${name}: shard without name/path`);
    need(isCount(s.bytes), `variant ${name}: shard ${s.name} without bytes`);
    return {
      name: s.name,
      url: hashed(`variant ${name}: shard ${s.name}`, s.path, s.sha256, base),
      bytes: s.bytes,
      sha256: s.sha256,
    };
  });
  // `bytes` is the variant's whole download (graph + shards), `graph_bytes` the graph alone
  const bytes = field(v, 'bytes', isCount, at);
  const graphBytes = field(v, 'graph_bytes', isCount, at);
  need(
    bytes === graphBytes + shards.reduce((a, s) => a + s.bytes, 0),
    `${at}bytes is not graph_bytes + the shards' bytes`,
  );
  // the logit lens: a second small graph reading the same shard files (no extra download)
  const lens = field(v, 'lens', isObject, at);
  need(isText(lens.graph), `variant ${name}: lens has no graph`);
  return {
    name,
    graphUrl: hashed(`variant ${name}: graph`, v.graph, v.graph_sha256, base),
    graphSha256: v.graph_sha256,
    graphBytes,
    bytes,
    shards,
    lens: {
      graphUrl: hashed(`variant ${name}: lens graph`, lens.graph, lens.sha256, base),
      sha256: lens.sha256,
      bytes: field(lens, 'bytes', isCount, `${at}lens.`),
      input: field(lens, 'input', isText, `${at}lens.`),
      output: field(lens, 'output', isText, `${at}lens.`),
    },
  };
}

const isTensorDims = listOf((d) => isText(d) || isCount(d));
const isIo = (withDtype) =>
  listOf((x) => isObject(x) && isText(x.name) && isTensorDims(x.dims) && (!withDtype || isText(x.dtype)));

function parseExample(ex, i) {
  const at = `examples[${i}].`;
  need(isObject(ex), `${at.slice(0, -1)} is not an object`);
  field(ex, 'prompt', isText, at);
  field(ex, 'lang', isText, at);
  const ids = field(ex, 'ids', listOf(isCount), at);
  need(ids.length > 0, `${at}ids is empty`);
  need(field(ex, 'tokens', listOf(isText), at).length === ids.length, `${at}tokens do not match its ids`);
  field(
    ex,
    'top',
    listOf((r) => isObject(r) && isCount(r.id) && isText(r.token) && isNumber(r.prob)),
    at,
  );
  const dla = field(ex, 'dla', isObject, at);
  field(dla, 'token', isCount, `${at}dla.`);
  field(dla, 'parts', listOf(isNumber), `${at}dla.`);
  field(dla, 'bias', isNumber, `${at}dla.`);
  field(dla, 'logit', isNumber, `${at}dla.`);
  const trace = field(ex, 'trace', isObject, at);
  field(trace, 'path', isText, `${at}trace.`);
  field(
    trace,
    'tensors',
    listOf(
      (t) =>
        isObject(t) &&
        isText(t.name) &&
        listOf(isCount)(t.dims) &&
        isCount(t.offset) &&
        isCount(t.length) &&
        isText(t.dtype),
    ),
    `${at}trace.`,
  );
  return ex;
}

/**
 * @typedef {{ layer: number, head: number, head_dim: number, embd: number, mlp: number, vocab: number }} Dims
 * @typedef {{ name: string, dims: (string|number)[] }} Io
 * @typedef {object} Manifest
 * @property {string} id
 * @property {boolean} trained
 * @property {{ n_ctx: number, layer_norm_epsilon: number } & Record<string, unknown>} config
 * @property {number} maxTokens
 * @property {Record<string, number>} defaultExamples per page language, the default example's index
 * @property {string} defaultVariant
 * @property {Record<string, ReturnType<typeof parseVariant>>} variants
 * @property {string[]} variantNames
 * @property {Io[]} inputs
 * @property {Io[]} outputs
 * @property {Dims} dims
 * @property {ReturnType<typeof parseExample>[]} examples
 */

/**
 * @param {unknown} data the manifest as fetched
 * @param {string} manifestUrl
 * @returns {Manifest}
 */
export function parseManifest(data, manifestUrl) {
  need(isObject(data), 'not an object');
  const json = /** @type {Record<string, any>} */ (data);
  need(json.schema === SCHEMA, `schema ${json.schema}, expected ${SCHEMA}`);
  const tok = field(json, 'tokenizer', isObject, '');
  need(tok.js_encoding === 'r50k_base', `unsupported tokenizer ${tok.js_encoding}`);
  const variants = field(json, 'variants', isObject, '');
  const names = Object.keys(variants);
  need(names.length > 0, 'no variants');
  const defaultVariant = field(json, 'default_variant', isText, '');
  need(names.includes(defaultVariant), `default_variant ${defaultVariant} is not among the variants`);
  const outputs = checkOutputs(field(json, 'outputs', isIo(false), ''));
  const dims = field(json, 'dims', isObject, '');
  for (const k of ['layer', 'head', 'head_dim', 'embd', 'mlp', 'vocab']) field(dims, k, isCount, 'dims.');
  const config = field(json, 'config', isObject, '');
  field(config, 'n_ctx', isCount, 'config.');
  field(config, 'layer_norm_epsilon', (x) => isNumber(x) && x > 0, 'config.');
  const examples = field(json, 'examples', Array.isArray, '').map(parseExample);
  need(examples.length > 0, 'no examples');
  // one default per language the site is in (content/<lang>/): English, the first, always;
  // any other language the same way, without a list of languages here
  const defaults = field(json, 'default_example', isObject, '');
  field(defaults, 'en', (i) => isCount(i) && i < examples.length, 'default_example.');
  for (const lang of Object.keys(defaults)) {
    need(/^[a-z]{2,3}(-[A-Za-z0-9]+)?$/.test(lang), `default_example names no language: ${lang}`);
    field(defaults, lang, (i) => isCount(i) && i < examples.length, 'default_example.');
  }

  return {
    id: field(json, 'id', isText, ''),
    trained: field(json, 'trained', (x) => typeof x === 'boolean', ''),
    config,
    maxTokens: field(json, 'max_tokens', (n) => Number.isInteger(n) && n > 0, ''),
    // per page language, the example whose prompt is the page's default (lang-examples.js)
    defaultExamples: { ...defaults },
    defaultVariant,
    variants: Object.fromEntries(names.map((n) => [n, parseVariant(n, variants[n], manifestUrl)])),
    variantNames: names,
    inputs: field(json, 'inputs', isIo(true), ''),
    outputs,
    dims,
    examples,
  };
}

// ?variant=fp16 wins when the manifest has it; otherwise the manifest's default.
export function pickVariant(manifest, search = '') {
  const wanted = new URLSearchParams(search).get('variant');
  return wanted && Object.hasOwn(manifest.variants, wanted) ? wanted : manifest.defaultVariant;
}

// Turns named dims (["layer", "head", "past", "head_dim"]) into numbers using the manifest's
// `dims` plus the run's own sizes ({batch: 1, seq: T, past: 0}).
export function resolveDims(names, sizes) {
  return names.map((d) => {
    const n = typeof d === 'number' ? d : sizes[d];
    if (!Number.isInteger(n) || n < 0) throw new Error(`manifest: unknown dim ${d}`);
    return n;
  });
}
