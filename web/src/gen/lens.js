// The logit lens, pure parts: which residual-stream rows to read, and the top-k of each row.

import { softmaxTopK } from '../topk.js';

// Rows [L + 1, embd] for token `pos`: the embedding, then the residual after each block.
export function lensRows(tensors, pos) {
  const { embed, resid_post: post } = tensors;
  if (!embed || !post) throw new Error('the trace has no embed / resid_post');
  const C = embed.dims[embed.dims.length - 1];
  const [L, T] = post.dims;
  if (!(pos >= 0 && pos < T)) throw new Error(`token ${pos} out of range (${T})`);
  const out = new Float32Array((L + 1) * C);
  out.set(embed.data.subarray(pos * C, (pos + 1) * C), 0);
  for (let l = 0; l < L; l++) out.set(post.data.subarray((l * T + pos) * C, (l * T + pos + 1) * C), (l + 1) * C);
  return { data: out, dims: [L + 1, C] };
}

// The lens' logits [n, vocab] -> per row the k most probable tokens [{id, prob}].
export function lensTop(logits, dims, k) {
  const [n, V] = dims;
  return Array.from({ length: n }, (_, r) => softmaxTopK(logits.subarray(r * V, (r + 1) * V), k));
}
