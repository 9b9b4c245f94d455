// Issue 13: every model file is checked, in secure contexts and outside them alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { sha256Hex, verifiedBytes } from '../../web/src/fetch-bytes.js';

const hex = (b) => createHash('sha256').update(b).digest('hex');

test('without WebCrypto (plain http on a LAN address) the hash is still computed', async () => {
  for (const n of [0, 1, 55, 56, 64, 1000, 3 * 2 ** 20 + 7]) {
    const b = new Uint8Array(randomBytes(n));
    assert.equal(await sha256Hex(b, undefined), hex(b), `n=${n}`);
    assert.equal(await sha256Hex(b, globalThis.crypto.subtle), hex(b), `n=${n}`);
  }
});

test('a file whose bytes do not match, or with no sha256, is refused', async () => {
  const b = new TextEncoder().encode('model.onnx bytes');
  assert.equal(await verifiedBytes('m.onnx', b, hex(b), undefined), b);
  const tampered = b.slice();
  tampered[3] ^= 1;
  await assert.rejects(
    verifiedBytes('m.onnx', tampered, hex(b), undefined),
    /m.onnx: sha256 [0-9a-f]{64}, the manifest says/,
  );
  await assert.rejects(verifiedBytes('m.onnx', b, undefined), /no sha256/);
});

import { cacheKey, promisedHash, storable } from '../../web/src/sw-core.js';

const SCOPE = 'https://user.github.io/repo/';
const basic = (body) => {
  // a complete same-origin answer
  const r = new Response(body);
  Object.defineProperty(r, 'type', { value: 'basic' });
  return r;
};

test('navigations are stored by path: one entry per page, not one per prompt', () => {
  assert.equal(cacheKey(`${SCOPE}en/index.html?prompt=secret&pos=3#x`, 'navigate'), `${SCOPE}en/index.html`);
  assert.equal(cacheKey(`${SCOPE}en/?prompt=a`, 'navigate'), `${SCOPE}en/`);
  const shard = `${SCOPE}model/m/fp32/model.onnx.data.0?h=${'a'.repeat(64)}`;
  assert.equal(cacheKey(shard, 'cors'), shard);
});

test('the service worker stores a model file only when its bytes have the hash its URL promises', async () => {
  const bytes = new TextEncoder().encode('shard bytes');
  const url = `${SCOPE}model/m/fp32/model.onnx.data.0?h=${hex(bytes)}`;
  assert.equal(promisedHash(url), hex(bytes));
  assert.equal(promisedHash(`${SCOPE}model/m/examples/0.bin`), null);
  assert.equal(await storable(url, basic(bytes)), true);
  const corrupt = bytes.slice();
  corrupt[0] ^= 0xff;
  assert.equal(await storable(url, basic(corrupt)), false);
  assert.equal(await storable(url, basic(bytes.slice(0, 5))), false); // truncated
  assert.equal(await storable(`${SCOPE}model/m/examples/0.bin`, basic(bytes)), true);
  assert.equal(await storable(url, new Response(bytes, { status: 206 })), false);
});
