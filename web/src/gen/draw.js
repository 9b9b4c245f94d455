// The draw for generated token number `n`: the n-th number of the seed's stream, so a seed and
// the generated tokens in a URL reproduce every draw. Greedy takes rank 0 (u is not used).
// This is the one draw the app ships; web/tools/sample.mjs (the NumPy cross-check) calls it.

import { samplingSteps, drawRank } from '../sampling.js';
import { seededRandom } from '../rng.js';

export function uniformAt(seed, n) {
  const rng = seededRandom(seed);
  let u = rng();
  for (let i = 0; i < n; i++) u = rng();
  return u;
}

// `order`: the logits' ranking where the model worker made it (samplingSteps).
export function drawFor(logits, settings, n, order = null) {
  const steps = samplingSteps(logits, settings, order);
  const u = settings.mode === 'greedy' ? null : uniformAt(settings.seed, n);
  const rank = u === null ? 0 : drawRank(steps.probs, steps.kept, u);
  return { steps, u, rank, id: steps.order[rank] };
}
