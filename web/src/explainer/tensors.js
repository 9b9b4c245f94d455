// Pure helpers over the model's tensors ({dims, data: Float32Array}, row-major, no batch dim):
// slicing, the few computations the views show step by step (Q·Kᵀ, 1/√d, the mask, the head
// concatenation), statistics, ranks. No DOM, so node tests cover them. The softmax, top-k and
// GELU themselves are numerics.js'.

import { softmax, softmaxRows } from '../numerics.js';

// The example trace file: tensors indexed by the manifest, each stored as its `dtype` says
// (build/txbuild/examples.py ENCODINGS): float32, float16, or float16-rowmax (each row's
// maximum as float32, then the row minus it as float16). Returned as Float32Arrays.
export function parseTrace(buffer, index) {
  const out = {};
  for (const { name, dims, offset, length, dtype = 'float32' } of index) {
    const n = dims.reduce((a, b) => a * b, 1);
    if (n !== length) throw new Error(`trace: ${name} has ${length} values, dims say ${n}`);
    const rows = dtype === 'float16-rowmax' ? length / dims[dims.length - 1] : 0;
    const size = { float32: 4 * length, float16: 2 * length, 'float16-rowmax': 4 * rows + 2 * length }[dtype];
    if (size === undefined) throw new Error(`trace: ${name} has an unknown encoding ${dtype}`);
    if (offset + size > buffer.byteLength) throw new Error(`trace: ${name} runs past the file`);
    // copies: an offset need not be aligned in the shared buffer
    const bytes = buffer.slice(offset, offset + size);
    let data;
    if (dtype === 'float32') data = new Float32Array(bytes);
    else if (dtype === 'float16') data = halfToFloat(new Uint16Array(bytes));
    else {
      const top = new Float32Array(bytes, 0, rows);
      data = halfToFloat(new Uint16Array(bytes, 4 * rows, length));
      const w = length / rows;
      for (let r = 0; r < rows; r++) for (let i = r * w; i < (r + 1) * w; i++) data[i] += top[r];
    }
    out[name] = { dims: dims.slice(), data };
  }
  return out;
}

let HALF = null; // every float16 bit pattern's value, made once (256 KB)

function halfTable() {
  if (HALF) return HALF;
  HALF = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) HALF[h] = sign * frac * 2 ** -24;
    else if (exp === 31) HALF[h] = frac ? NaN : sign * Infinity;
    else HALF[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return HALF;
}

// IEEE half-precision bit patterns (little-endian Uint16Array) -> Float32Array
export function halfToFloat(u16) {
  const table = halfTable();
  const out = new Float32Array(u16.length);
  for (let i = 0; i < u16.length; i++) out[i] = table[u16[i]];
  return out;
}

// The contiguous block of `t` under the leading indices, e.g. sub(q, layer, head) -> [seq, head_dim].
export function sub(t, ...lead) {
  let offset = 0;
  let size = t.data.length;
  lead.forEach((i, axis) => {
    if (!(i >= 0 && i < t.dims[axis])) throw new Error(`index ${i} out of range for axis ${axis} (${t.dims[axis]})`);
    size /= t.dims[axis];
    offset += i * size;
  });
  return t.data.subarray(offset, offset + size);
}

// The matrix [rows, cols] of `t` under the leading indices.
export function matrix(t, ...lead) {
  const cols = t.dims[t.dims.length - 1];
  const data = sub(t, ...lead);
  return { rows: data.length / cols, cols, data, at: (i, j) => data[i * cols + j] };
}

// The attention steps of one head, from its q and k ([T, d] each), in float64:
// raw = Q·Kᵀ, scaled = raw / √d, masked = scaled with −∞ where the key comes after the query.
export function attentionSteps(q, k) {
  const T = q.rows;
  const d = q.cols;
  const raw = new Float64Array(T * T);
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += q.data[i * d + c] * k.data[j * d + c];
      raw[i * T + j] = s;
    }
  }
  const scale = 1 / Math.sqrt(d);
  const scaled = raw.map((x) => x * scale);
  const masked = scaled.map((x, n) => (n % T > Math.floor(n / T) ? -Infinity : x));
  return { T, d, scale, raw, scaled, masked, softmax: softmaxRows(masked, T) };
}

// head_out [H, T, d] of one layer -> [T, H·d]: the heads side by side, as c_proj reads them.
export function concatHeads(headOut, layer) {
  const [, H, T, d] = headOut.dims;
  const out = new Float32Array(T * H * d);
  for (let h = 0; h < H; h++) {
    const m = sub(headOut, layer, h);
    for (let i = 0; i < T; i++) out.set(m.subarray(i * d, (i + 1) * d), i * H * d + h * d);
  }
  return { rows: T, cols: H * d, data: out, at: (i, j) => out[i * H * d + j] };
}

// The residual stream entering block `layer`: the embedding sum, or the previous block's output.
export function blockInput(tensors, layer) {
  return layer === 0 ? matrix(tensors.embed) : matrix(tensors.resid_post, layer - 1);
}

export function stats(v) {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let variance = 0;
  for (const x of v) variance += (x - mean) ** 2;
  variance /= v.length;
  return { mean, variance, std: Math.sqrt(variance) };
}

export function norm(v) {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

export function maxAbs(values) {
  let m = 0;
  for (const x of values) if (Number.isFinite(x) && Math.abs(x) > m) m = Math.abs(x);
  return m;
}

// 1-based rank of entry `id` (how many are strictly larger, plus one) and its softmax probability.
// (`probs`: the row's softmax when the caller has it already; several ids of one row share it.)
export function rankAndProb(logits, id, probs = softmax(logits)) {
  const v = logits[id];
  let above = 0;
  for (const x of logits) if (x > v) above++;
  return { rank: above + 1, prob: probs[id], logit: v };
}
