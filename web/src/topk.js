// Softmax over the whole vocabulary (float64 accumulation, max-subtracted for stability)
// and the k most probable ids. A partial selection keeps it O(V·k) without sorting 50k.

export function softmaxTopK(logits, k) {
  const n = logits.length;
  if (n === 0) return [];
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logits[i] - max);

  const kk = Math.min(k, n);
  const ids = [];
  for (let i = 0; i < n; i++) {
    const v = logits[i];
    if (ids.length === kk && v <= logits[ids[kk - 1]]) continue;
    // insert keeping ids sorted by logit, descending; ties keep the lower id first
    let j = ids.length < kk ? ids.length : kk - 1;
    while (j > 0 && logits[ids[j - 1]] < v) {
      ids[j] = ids[j - 1];
      j--;
    }
    ids[j] = i;
  }
  return ids.map((id) => ({ id, prob: Math.exp(logits[id] - max) / sum }));
}

// The row of a [seq, vocab] tensor for the last position.
export function lastRow(data, dims) {
  const width = dims[dims.length - 1];
  const rows = data.length / width;
  return data.subarray((rows - 1) * width, rows * width);
}
