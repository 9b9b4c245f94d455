import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrace, halfToFloat } from '../../web/src/explainer/tensors.js';

// IEEE 754 half precision, by bit pattern (the values from the standard's definition)
const HALVES = [
  [0x3c00, 1],
  [0xc000, -2],
  [0x3555, 0.333251953125],
  [0x7bff, 65504],
  [0x0001, 2 ** -24], // the smallest subnormal
  [0x0400, 2 ** -14], // the smallest normal
  [0x8000, -0],
  [0x7c00, Infinity],
  [0xfc00, -Infinity],
];

test('float16 bit patterns decode to their values', () => {
  const out = halfToFloat(Uint16Array.from(HALVES.map(([h]) => h)));
  HALVES.forEach(([h, v], i) => assert.ok(Object.is(out[i], v), `0x${h.toString(16)}: ${out[i]} != ${v}`));
  assert.ok(Number.isNaN(halfToFloat(Uint16Array.of(0x7e00))[0]));
});

test('parseTrace reads float16 and float16-rowmax tensors at unaligned offsets', () => {
  // [1 byte of padding] a: float16 [2] | logits: rowmax [2, 3] = maxima (f32 ×2), then rows − max (f16 ×6)
  const buf = new ArrayBuffer(1 + 4 + 8 + 12);
  const v = new DataView(buf);
  v.setUint16(1, 0x3c00, true); // 1
  v.setUint16(3, 0xfc00, true); // −inf (a masked score)
  v.setFloat32(5, -50.5, true);
  v.setFloat32(9, 3, true);
  [0x0000, 0xbc00, 0xc000, 0xc000, 0x0000, 0x3800 | 0x8000].forEach((h, i) => v.setUint16(13 + 2 * i, h, true));
  const out = parseTrace(buf, [
    { name: 'a', dims: [2], offset: 1, length: 2, dtype: 'float16' },
    { name: 'logits', dims: [2, 3], offset: 5, length: 6, dtype: 'float16-rowmax' },
  ]);
  assert.deepEqual([...out.a.data], [1, -Infinity]);
  assert.deepEqual([...out.logits.data], [-50.5, -51.5, -52.5, 1, 3, 2.5]);
  assert.throws(() => parseTrace(buf, [{ name: 'b', dims: [2], offset: 0, length: 2, dtype: 'int4' }]), /encoding/);
  assert.throws(() => parseTrace(buf, [{ name: 'c', dims: [2, 3], offset: 8, length: 6, dtype: 'float16-rowmax' }]));
});
