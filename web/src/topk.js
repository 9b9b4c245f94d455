// The k most probable ids of a logit row with their probabilities (softmax over the whole
// vocabulary, numerics.js), and the last row of a [seq, vocab] tensor.

import { softmax, topK } from './numerics.js';

export function softmaxTopK(logits, k) {
  if (logits.length === 0) return [];
  const p = softmax(logits);
  return topK(logits, k).map((id) => ({ id, prob: p[id] }));
}

// The row of a [seq, vocab] tensor for the last position.
export function lastRow(data, dims) {
  const width = dims[dims.length - 1];
  const rows = data.length / width;
  return data.subarray((rows - 1) * width, rows * width);
}
