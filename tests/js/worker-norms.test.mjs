import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extendNorms } from '../../web/src/worker-core.js';
import { cacheNorms } from '../../web/src/gen/kv-cache.js';

// a deterministic cache [L, H, P, D]
function cache(L, H, P, D, seed = 1) {
  const data = new Float32Array(L * H * P * D);
  let x = seed;
  for (let i = 0; i < data.length; i++) {
    x = (x * 16807) % 2147483647;
    data[i] = (x / 2147483647) * 2 - 1;
  }
  return data;
}

// the cache after one more token: every (layer, head) block gains a position at its end
function grown(data, [L, H, P, D], extra) {
  const out = new Float32Array(L * H * (P + 1) * D);
  for (let lh = 0; lh < L * H; lh++) {
    out.set(data.subarray(lh * P * D, (lh + 1) * P * D), lh * (P + 1) * D);
    out.set(extra.subarray(lh * D, (lh + 1) * D), lh * (P + 1) * D + P * D);
  }
  return out;
}

test('extendNorms over a grown cache equals the norms of the whole cache', () => {
  const dims = [3, 2, 5, 4];
  const before = cache(...dims);
  const prev = cacheNorms(before, dims);
  const after = grown(before, dims, cache(3, 2, 1, 4, 7));
  const dims2 = [3, 2, 6, 4];
  const want = cacheNorms(after, dims2);
  const got = extendNorms(prev, after, dims2, 5);
  assert.equal(got.length, 3);
  got.forEach((row, l) => {
    assert.equal(row.length, 6);
    row.forEach((v, p) =>
      assert.ok(Math.abs(v - want[l][p]) < 1e-5, `layer ${l} position ${p}: ${v} != ${want[l][p]}`),
    );
  });
  // without a previous result it is the full computation
  assert.deepEqual(extendNorms(null, after, dims2, 5), want);
  assert.deepEqual(extendNorms(prev, after, dims2, 0), want);
});
