// The few numeric routines the app repeats, written once: softmax, GPT-2's GELU, top-k
// selection and the top-p cut. build/txbuild/numerics.py is the same set for the build.
// Imports nothing: every module may use it.

// softmax(x / temperature) in float64, max-subtracted; −∞ entries give 0. The sum runs in index
// order, so callers that pass the same numbers get the same bits (sampling's draws rely on it).
export function softmax(x, temperature = 1) {
  const n = x.length;
  const out = new Float64Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    out[i] = x[i] / temperature;
    if (out[i] > max) max = out[i];
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += out[i] = Math.exp(out[i] - max);
  for (let i = 0; i < n; i++) out[i] /= sum;
  return out;
}

// Row-wise softmax of a [rows, n] array.
export function softmaxRows(data, n, temperature = 1) {
  const out = new Float64Array(data.length);
  for (let a = 0; a < data.length; a += n) {
    const row = data.subarray ? data.subarray(a, a + n) : data.slice(a, a + n);
    out.set(softmax(row, temperature), a);
  }
  return out;
}

// Indices of the k largest values, largest first; equal values keep the lower index first.
// A partial insertion keeps it O(n·k) without sorting a 50k vocabulary.
export function topK(values, k) {
  const kk = Math.min(k, values.length);
  const idx = [];
  if (kk <= 0) return idx;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (idx.length === kk && v <= values[idx[kk - 1]]) continue;
    let j = idx.length < kk ? idx.length : kk - 1;
    while (j > 0 && values[idx[j - 1]] < v) {
      idx[j] = idx[j - 1];
      j--;
    }
    idx[j] = i;
  }
  return idx;
}

// How many leading entries top-p keeps: the smallest count whose probabilities (in rank order,
// most probable first) add up to at least p; at least 1, at most `limit`.
export function topPCount(ranked, p, limit = ranked.length) {
  let kept = 1;
  let mass = ranked[0];
  while (kept < limit && mass < p) mass += ranked[kept++];
  return kept;
}

// The GELU GPT-2 uses ("gelu_new", the tanh approximation).
export function gelu(x) {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}
