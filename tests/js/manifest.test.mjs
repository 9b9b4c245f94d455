import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest, pickVariant, resolveDims } from '../../web/src/manifest.js';
import { feedsFor } from '../../web/src/feeds.js';
import { createHash } from 'node:crypto';

const H = (c) => createHash('sha256').update(c).digest('hex');
const URL_ = 'https://example.org/repo/model/tiny/manifest.json';
const base = () => ({
  schema: 1,
  id: 'tiny',
  max_tokens: 64,
  default_prompt: 'Hello',
  tokenizer: { kind: 'gpt2-bpe', js_encoding: 'r50k_base', special_tokens_as_text: true },
  default_variant: 'fp32',
  variants: {
    fp32: { graph: 'fp32/model.onnx', graph_sha256: H('g'), bytes: 1100, shards: [{ name: 'model.onnx.data.0', path: 'fp32/model.onnx.data.0', bytes: 1000, sha256: H('a') }] },
    int8: { graph: 'int8/model.onnx', graph_sha256: H('i'), bytes: 300, graph_bytes: 50, shards: [{ name: 'model.onnx.data.0', path: 'int8/model.onnx.data.0', bytes: 250, sha256: H('b') }] },
  },
  inputs: [
    { name: 'input_ids', dtype: 'int64', dims: ['batch', 'seq'] },
    { name: 'past_key', dtype: 'float32', dims: ['layer', 'head', 'past', 'head_dim'] },
  ],
  outputs: [{ name: 'logits', dtype: 'float32', dims: ['seq', 'vocab'] }],
  dims: { layer: 2, head: 4, head_dim: 8, vocab: 50257 },
  examples: [{ prompt: 'Hello', ids: [15496], tokens: ['Hello'], top: [{ id: 11, token: ',', prob: 0.2 }] }],
});

test('paths resolve against the manifest URL; sizes add up', () => {
  const m = parseManifest(base(), URL_);
  assert.equal(m.variants.fp32.graphUrl, `https://example.org/repo/model/tiny/fp32/model.onnx?h=${H('g')}`);
  assert.equal(m.variants.fp32.shards[0].url, `https://example.org/repo/model/tiny/fp32/model.onnx.data.0?h=${H('a')}`);
  assert.equal(m.variants.fp32.shards[0].name, 'model.onnx.data.0');
  assert.equal(m.variants.fp32.graphBytes, 100);
  assert.equal(m.variants.int8.graphBytes, 50);
  assert.equal(m.variants.int8.bytes, 300);
  assert.deepEqual(m.variantNames, ['fp32', 'int8']);
  assert.equal(m.maxTokens, 64);
});

test('a path leaving the origin is refused', () => {
  const j = base();
  j.variants.fp32.shards[0].path = 'https://cdn.example.com/w.bin';
  assert.throws(() => parseManifest(j, URL_), /refusing/);
  const k = base();
  k.variants.fp32.graph = '//evil.example/model.onnx';
  assert.throws(() => parseManifest(k, URL_), /refusing/);
});

test('schema, tokenizer and logits are checked', () => {
  assert.throws(() => parseManifest({ ...base(), schema: 2 }, URL_), /schema/);
  assert.throws(() => parseManifest({ ...base(), tokenizer: { js_encoding: 'cl100k_base' } }, URL_), /tokenizer/);
  assert.throws(() => parseManifest({ ...base(), outputs: [] }, URL_), /logits/);
  assert.throws(() => parseManifest({ ...base(), variants: {} }, URL_), /variants/);
});

test('variant: query overrides the default only when it exists', () => {
  const m = parseManifest(base(), URL_);
  assert.equal(pickVariant(m, ''), 'fp32');
  assert.equal(pickVariant(m, '?variant=int8'), 'int8');
  assert.equal(pickVariant(m, '?variant=fp64'), 'fp32');
  const odd = parseManifest({ ...base(), default_variant: 'nope' }, URL_);
  assert.equal(odd.defaultVariant, 'fp32');
});

test('named dims resolve from manifest dims and run sizes', () => {
  assert.deepEqual(resolveDims(['layer', 'head', 'past', 'head_dim'], { layer: 2, head: 4, head_dim: 8, past: 0 }), [2, 4, 0, 8]);
  assert.throws(() => resolveDims(['mystery'], {}), /unknown dim/);
});

test('feeds: ids into the int64 input, empty past for the cache inputs', () => {
  const m = parseManifest(base(), URL_);
  const [ids, past] = feedsFor(m.inputs, m.dims, [1, 2, 3]);
  assert.equal(ids.name, 'input_ids');
  assert.deepEqual(ids.dims, [1, 3]);
  assert.deepEqual([...ids.data], [1n, 2n, 3n]);
  assert.equal(past.name, 'past_key');
  assert.deepEqual(past.dims, [2, 4, 0, 8]);
  assert.equal(past.data.length, 0);
});

test('every model file needs its sha256, and its URL carries it (issue 13)', () => {
  const noGraph = base();
  delete noGraph.variants.fp32.graph_sha256;
  assert.throws(() => parseManifest(noGraph, URL_), /graph has no sha256/);
  const noShard = base();
  delete noShard.variants.int8.shards[0].sha256;
  assert.throws(() => parseManifest(noShard, URL_), /shard model.onnx.data.0 has no sha256/);
  const badLens = base();
  badLens.variants.fp32.lens = { graph: 'fp32/lens.onnx', sha256: 'ab' };
  assert.throws(() => parseManifest(badLens, URL_), /lens graph has no sha256/);
  const lens = base();
  lens.variants.fp32.lens = { graph: 'fp32/lens.onnx', sha256: H('l'), bytes: 12 };
  const v = parseManifest(lens, URL_).variants.fp32;
  assert.equal(v.lens.graphUrl, `https://example.org/repo/model/tiny/fp32/lens.onnx?h=${H('l')}`);
  assert.equal(v.lens.sha256, H('l'));
  assert.equal(v.graphSha256, H('g'));
});
