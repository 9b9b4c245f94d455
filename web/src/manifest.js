// Reads site/model/<id>/manifest.json (written by the Python build) into the shape the app
// uses: URLs resolved against the manifest's own URL and checked to be same-origin, and
// nothing about the model's shapes or output names assumed beyond what the manifest says.

import { sameOriginUrl } from './same-origin.js';

export const SCHEMA = 1;

function need(cond, what) {
  if (!cond) throw new Error(`manifest: ${what}`);
}

const SHA256 = /^[0-9a-f]{64}$/;

// Every model file the browser loads is checked against the sha256 the build recorded, and
// its URL carries that hash (?h=…): a rebuild with new weights never meets an old cached file.
function hashed(what, path, sha256, base) {
  need(typeof sha256 === 'string' && SHA256.test(sha256), `${what} has no sha256`);
  const url = new URL(sameOriginUrl(path, base));
  url.searchParams.set('h', sha256);
  return url.href;
}

function parseVariant(name, v, base) {
  need(v && typeof v.graph === 'string', `variant ${name} has no graph`);
  const shards = (v.shards || []).map((s) => {
    need(typeof s.name === 'string' && typeof s.path === 'string', `variant ${name}: shard without name/path`);
    need(Number.isFinite(s.bytes) && s.bytes >= 0, `variant ${name}: shard ${s.name} without bytes`);
    return { name: s.name, url: hashed(`variant ${name}: shard ${s.name}`, s.path, s.sha256, base), bytes: s.bytes, sha256: s.sha256 };
  });
  const shardBytes = shards.reduce((a, s) => a + s.bytes, 0);
  // `bytes` is the variant's whole download (graph + shards); `graph_bytes`, when present,
  // is the graph file alone.
  const bytes = Number.isFinite(v.bytes) ? v.bytes : shardBytes;
  const graphBytes = Number.isFinite(v.graph_bytes) ? v.graph_bytes : Math.max(0, bytes - shardBytes);
  const lens = v.lens && typeof v.lens.graph === 'string' ? v.lens : null;
  return {
    name,
    graphUrl: hashed(`variant ${name}: graph`, v.graph, v.graph_sha256, base),
    graphSha256: v.graph_sha256,
    graphBytes,
    bytes: Math.max(bytes, shardBytes + graphBytes),
    shards,
    verify: v.verify || null,
    // the logit lens: a second small graph reading the same shard files (no extra download)
    lens: lens
      ? { graphUrl: hashed(`variant ${name}: lens graph`, lens.graph, lens.sha256, base), sha256: lens.sha256,
        bytes: Number.isFinite(lens.bytes) ? lens.bytes : undefined,
        input: lens.input || 'hidden', output: lens.output || 'logits' }
      : null,
  };
}

export function parseManifest(json, manifestUrl) {
  need(json && typeof json === 'object', 'not an object');
  need(json.schema === SCHEMA, `schema ${json.schema}, expected ${SCHEMA}`);
  const tok = json.tokenizer || {};
  need(tok.js_encoding === 'r50k_base', `unsupported tokenizer ${tok.js_encoding}`);
  const names = Object.keys(json.variants || {});
  need(names.length > 0, 'no variants');
  const defaultVariant = names.includes(json.default_variant) ? json.default_variant : names[0];
  const outputs = json.outputs || [];
  need(outputs.some((o) => o.name === 'logits'), 'no logits output');
  need(Number.isInteger(json.max_tokens) && json.max_tokens > 0, 'max_tokens');

  return {
    id: json.id,
    name: json.name || json.id,
    trained: json.trained !== false,
    description: json.description || {},
    title: json.title || {},
    config: json.config || {},
    maxTokens: json.max_tokens,
    defaultPrompt: json.default_prompt || '',
    examplePrompts: json.example_prompts || [],
    defaultPromptKo: json.default_prompt_ko || null, // the Korean page's (lang-examples.js)
    specialTokensAsText: tok.special_tokens_as_text !== false,
    defaultVariant,
    variants: Object.fromEntries(names.map((n) => [n, parseVariant(n, json.variants[n], manifestUrl)])),
    variantNames: names,
    inputs: json.inputs || [],
    outputs,
    dims: json.dims || {},
    examples: json.examples || [],
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
