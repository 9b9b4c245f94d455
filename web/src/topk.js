// The k most probable ids of a logit row with their probabilities (softmax over the whole
// vocabulary, numerics.js), and the last row of a [seq, vocab] tensor.

import { topK } from './numerics.js';

// The same numbers as numerics.js's softmax(logits)[id] (max-subtracted, float64, the sum in
// index order), without allocating and dividing the whole 50k-entry row: only k are shown.
export function softmaxTopK(logits, k) {
  const n = logits.length;
  if (n === 0) return [];
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logits[i] - max);
  return topK(logits, k).map((id) => ({ id, prob: Math.exp(logits[id] - max) / sum }));
}

// The row of a [seq, vocab] tensor for the last position.
export function lastRow(data, dims) {
  const width = dims[dims.length - 1];
  const rows = data.length / width;
  return data.subarray((rows - 1) * width, rows * width);
}
