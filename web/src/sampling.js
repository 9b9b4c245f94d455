// Choosing the next token, over the WHOLE vocabulary, in the order the article explains:
// logits → ÷ temperature → top-k or top-p filter → softmax → draw.
// (An explainer that keeps only the top 50 logits before top-p computes the wrong nucleus.)
// Pure functions: the views draw `steps`; the one draw the app makes is gen/draw.js's drawFor.

import { softmax, topPCount } from './numerics.js';

// Token ids sorted by logit, descending; equal logits keep the lower id first (stable).
// float32 logits (what the model gives) and a vocabulary under 2^16 (GPT-2: 50,257) sort as
// numbers without a comparator: each logit's bits, flipped so that larger comes first, times
// 2^16 plus the id is one exact integer below 2^48 per token; Float64Array.sort is native.
// The same order as the comparator (NaN aside); anything else takes the comparator.
export function rankByLogit(logits) {
  const n = logits.length;
  if (logits instanceof Float32Array && n <= 65536) {
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      f[0] = logits[i] + 0; // −0 → +0: the comparator ties them
      const b = bits[0];
      // ascending key = descending logit: negatives keep their bits (sign set: after every
      // positive, larger magnitude later), positives flip theirs and clear the sign
      const desc = b & 0x80000000 ? b : ~b & 0x7fffffff;
      keys[i] = desc * 65536 + i;
    }
    keys.sort();
    const order = new Int32Array(n);
    for (let r = 0; r < n; r++) order[r] = keys[r] % 65536;
    return order;
  }
  const order = new Int32Array(n);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => logits[b] - logits[a] || a - b);
}

function checkSettings({ temperature, topK, topP, mode }, vocab) {
  if (!['greedy', 'topk', 'topp', 'none'].includes(mode)) throw new Error(`unknown sampling mode ${mode}`);
  if (mode !== 'greedy' && !(temperature > 0)) throw new Error('temperature must be > 0');
  if (mode === 'topk' && !(Number.isInteger(topK) && topK >= 1 && topK <= vocab)) {
    throw new Error(`k must be an integer from 1 to ${vocab}`);
  }
  if (mode === 'topp' && !(topP >= 0 && topP <= 1)) throw new Error('p must be in [0, 1]'); // p = 0 keeps the top token
}

// Every quantity of one sampling step, for all tokens (indexed by rank):
//   order[r]   the token id at rank r (by logit)
//   scaled[r]  logit / temperature
//   before[r]  softmax of the scaled logits, before filtering
//   cumulative[r]  running sum of `before` in rank order (what top-p cuts on)
//   kept       how many leading ranks survive the filter
//   probs[r]   the renormalised distribution the draw uses (0 beyond `kept`)
// `ranked`, when given, is rankByLogit(logits) made elsewhere: the model worker ranks every
// prediction it returns, so that the main thread never sorts 50,257 logits (a long task).
export function samplingSteps(logits, settings, ranked = null) {
  const vocab = logits.length;
  checkSettings(settings, vocab);
  const { mode } = settings;
  const temperature = mode === 'greedy' ? 1 : settings.temperature;
  if (ranked && ranked.length !== vocab) throw new Error(`a ranking of ${ranked.length} for ${vocab} logits`);
  const order = ranked ?? rankByLogit(logits);
  if (!(logits[order[0]] > -Infinity)) throw new Error('every logit is −∞: nothing can be sampled');
  const scaled = new Float64Array(vocab);
  for (let r = 0; r < vocab; r++) scaled[r] = logits[order[r]] / temperature;

  const before = softmax(scaled);
  const cumulative = new Float64Array(vocab);
  let run = 0;
  for (let r = 0; r < vocab; r++) cumulative[r] = run += before[r];

  let finite = vocab;
  while (finite > 0 && scaled[finite - 1] === -Infinity) finite--; // −∞ is never kept
  let kept = finite;
  if (mode === 'greedy') kept = 1;
  else if (mode === 'topk') kept = Math.min(settings.topK, finite);
  else if (mode === 'topp') kept = topPCount(before, settings.topP, finite); // the smallest leading set whose mass reaches p

  const probs = new Float64Array(vocab);
  let keptMass = 0;
  for (let r = 0; r < kept; r++) keptMass += before[r];
  for (let r = 0; r < kept; r++) probs[r] = before[r] / keptMass;
  return { order, scaled, before, cumulative, kept, probs, temperature };
}

// Where a uniform number u ∈ [0, 1) falls on the kept distribution: the rank it selects.
export function drawRank(probs, kept, u) {
  let acc = 0;
  for (let r = 0; r < kept; r++) {
    acc += probs[r];
    if (u < acc) return r;
  }
  return kept - 1; // u within rounding of 1
}
