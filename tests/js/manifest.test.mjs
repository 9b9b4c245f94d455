import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest, pickVariant, resolveDims, SCHEMA } from '../../web/src/manifest.js';
import { feedsFor } from '../../web/src/feeds.js';
import { goldenJson } from './golden.mjs';

// the golden manifest (what the build writes), served from a sub-folder of a Pages site
const URL_ = 'https://example.org/repo/model/tiny/manifest.json';
const base = goldenJson;
const parse = (json) => parseManifest(json, URL_);

test('paths resolve against the manifest URL; sizes add up', () => {
  const j = base();
  const m = parse(j);
  const fp32 = j.variants.fp32;
  assert.equal(m.variants.fp32.graphUrl, `https://example.org/repo/model/tiny/${fp32.graph}?h=${fp32.graph_sha256}`);
  assert.equal(
    m.variants.fp32.shards[0].url,
    `https://example.org/repo/model/tiny/${fp32.shards[0].path}?h=${fp32.shards[0].sha256}`,
  );
  assert.equal(m.variants.fp32.shards[0].name, fp32.shards[0].name);
  assert.equal(
    m.variants.fp32.lens.graphUrl,
    `https://example.org/repo/model/tiny/${fp32.lens.graph}?h=${fp32.lens.sha256}`,
  );
  for (const name of Object.keys(j.variants)) {
    const v = m.variants[name];
    assert.equal(v.graphBytes, j.variants[name].graph_bytes);
    assert.equal(v.bytes, v.graphBytes + v.shards.reduce((a, s) => a + s.bytes, 0));
  }
  assert.deepEqual(m.variantNames, Object.keys(j.variants));
  assert.equal(m.maxTokens, j.max_tokens);
  assert.equal(SCHEMA, j.schema);
});

test('a path leaving the origin is refused', () => {
  const j = base();
  j.variants.fp32.shards[0].path = 'https://cdn.example.com/w.bin';
  assert.throws(() => parse(j), /refusing/);
  const k = base();
  k.variants.fp32.graph = '//evil.example/model.onnx';
  assert.throws(() => parse(k), /refusing/);
});

test('schema, tokenizer, logits, variants and examples are checked', () => {
  assert.throws(() => parse({ ...base(), schema: 1 }), /schema/);
  assert.throws(() => parse({ ...base(), tokenizer: { js_encoding: 'cl100k_base' } }), /tokenizer/);
  assert.throws(() => parse({ ...base(), outputs: [] }), /logits/);
  assert.throws(() => parse({ ...base(), variants: {} }), /variants/);
  assert.throws(() => parse({ ...base(), examples: [] }), /no examples/);
  assert.throws(() => parse({ ...base(), default_variant: 'nope' }), /default_variant nope is not among the variants/);
  assert.throws(() => parse({ ...base(), default_example: { en: 0, ko: 99 } }), /default_example.ko is not valid/);
  assert.throws(() => parse({ ...base(), default_example: { ko: 0 } }), /default_example.en/);
  assert.throws(() => parse({ ...base(), default_example: { en: 0, '<b>': 0 } }), /names no language/);
  const sizes = base();
  sizes.variants.int8.bytes += 1;
  assert.throws(() => parse(sizes), /variants.int8.bytes is not graph_bytes \+ the shards' bytes/);
  const tokens = base();
  tokens.examples[1].tokens.pop();
  assert.throws(() => parse(tokens), /examples\[1\].tokens do not match its ids/);
});

// Every field the app reads: without it the manifest is refused, by the field's name (the
// app never fills one in with a guess).
const REQUIRED = [
  'id',
  'trained',
  'max_tokens',
  'tokenizer',
  'default_variant',
  'variants',
  'inputs',
  'outputs',
  'dims',
  'config',
  'examples',
  'default_example',
  'dims.layer',
  'dims.head',
  'dims.head_dim',
  'dims.embd',
  'dims.mlp',
  'dims.vocab',
  'config.n_ctx',
  'config.layer_norm_epsilon',
  'default_example.en',
  'variants.fp32.shards',
  'variants.fp32.bytes',
  'variants.fp32.graph_bytes',
  'variants.fp32.lens',
  'variants.fp32.lens.bytes',
  'variants.fp32.lens.input',
  'variants.fp32.lens.output',
  'examples.0.prompt',
  'examples.0.lang',
  'examples.0.ids',
  'examples.0.tokens',
  'examples.0.top',
  'examples.0.dla',
  'examples.0.dla.token',
  'examples.0.dla.parts',
  'examples.0.dla.bias',
  'examples.0.dla.logit',
  'examples.0.trace',
  'examples.0.trace.path',
  'examples.0.trace.tensors',
];

test('a manifest missing a required field is refused with its name', () => {
  assert.doesNotThrow(() => parse(base()));
  for (const path of REQUIRED) {
    const j = base();
    const keys = path.split('.');
    const last = keys.pop();
    const parent = keys.reduce((o, k) => o[k], j);
    assert.ok(Object.hasOwn(parent, last), `the golden manifest has ${path}`);
    delete parent[last];
    const named = path.replace(/^examples\.(\d+)/, 'examples[$1]');
    assert.throws(
      () => parse(j),
      (err) => err.message === `manifest: ${named} is missing`,
      path,
    );
  }
});

test('a required field of the wrong type is refused with its name', () => {
  const bad = (path, value) => {
    const j = base();
    const keys = path.split('.');
    const last = keys.pop();
    keys.reduce((o, k) => o[k], j)[last] = value;
    return () => parse(j);
  };
  assert.throws(bad('config.layer_norm_epsilon', '1e-5'), /manifest: config.layer_norm_epsilon is not valid/);
  assert.throws(bad('dims.vocab', -1), /manifest: dims.vocab is not valid/);
  assert.throws(bad('trained', 'yes'), /manifest: trained is not valid/);
  assert.throws(bad('max_tokens', 0), /manifest: max_tokens is not valid/);
  assert.throws(bad('examples.0.ids', ['1']), /manifest: examples\[0\].ids is not valid/);
});

test('variant: query overrides the default only when it exists', () => {
  const m = parse(base());
  assert.equal(pickVariant(m, ''), m.defaultVariant);
  assert.equal(pickVariant(m, '?variant=int8'), 'int8');
  assert.equal(pickVariant(m, '?variant=fp64'), m.defaultVariant);
});

test('named dims resolve from manifest dims and run sizes', () => {
  assert.deepEqual(
    resolveDims(['layer', 'head', 'past', 'head_dim'], { layer: 2, head: 4, head_dim: 8, past: 0 }),
    [2, 4, 0, 8],
  );
  assert.throws(() => resolveDims(['mystery'], {}), /unknown dim/);
});

test('feeds: ids into the int64 input, empty past for the cache inputs', () => {
  const m = parse(base());
  const [ids, past] = feedsFor(m.inputs, m.dims, [1, 2, 3]);
  assert.equal(ids.name, 'input_ids');
  assert.deepEqual(ids.dims, [1, 3]);
  assert.deepEqual([...ids.data], [1n, 2n, 3n]);
  assert.equal(past.name, 'past_key');
  assert.deepEqual(past.dims, [m.dims.layer, m.dims.head, 0, m.dims.head_dim]);
  assert.equal(past.data.length, 0);
});

test('every model file needs its sha256, and its URL carries it (issue 13)', () => {
  const noGraph = base();
  delete noGraph.variants.fp32.graph_sha256;
  assert.throws(() => parse(noGraph), /graph has no sha256/);
  const noShard = base();
  delete noShard.variants.int8.shards[0].sha256;
  assert.throws(() => parse(noShard), /shard model.onnx.data.0 has no sha256/);
  const badLens = base();
  badLens.variants.fp32.lens.sha256 = 'ab';
  assert.throws(() => parse(badLens), /lens graph has no sha256/);
  const j = base();
  const v = parse(j).variants.fp32;
  assert.equal(v.lens.sha256, j.variants.fp32.lens.sha256);
  assert.equal(v.graphSha256, j.variants.fp32.graph_sha256);
});

// The languages are the site's (content/<lang>/ folders): a manifest names a default example
// for each, English always; the browser code lists none of them.
test('default examples: one per language the manifest names, English always', () => {
  assert.deepEqual(parse({ ...base(), default_example: { en: 0 } }).defaultExamples, { en: 0 });
  const three = parse({ ...base(), default_example: { en: 0, ko: 1, fr: 1 } });
  assert.deepEqual(three.defaultExamples, { en: 0, ko: 1, fr: 1 });
});
