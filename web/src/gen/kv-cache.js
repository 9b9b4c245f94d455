// Bookkeeping of the key/value cache, without ONNX Runtime, so node tests cover it.
// The worker keeps the presents of its last run as the next run's past, together with the
// ids they were computed for. A new request for `ids` reuses the longest cached prefix and
// feeds only the rest; at least one token is always fed (its logits are what we want).

// {reuse, feed}: keep the first `reuse` cached positions, run the model on `feed`.
export function planStep(cachedIds, ids) {
  if (!ids.length) throw new Error('nothing to run');
  let n = 0;
  const max = Math.min(cachedIds.length, ids.length - 1); // leave one token to feed
  while (n < max && cachedIds[n] === ids[n]) n++;
  return { reuse: n, feed: ids.slice(n) };
}

// The first `len` positions of a packed cache tensor [layer, head, past, head_dim].
export function slicePast(data, dims, len) {
  const [L, H, P, D] = dims;
  if (len > P || len < 0) throw new Error(`cannot keep ${len} of ${P} cached positions`);
  if (len === P) return { data, dims };
  const out = new Float32Array(L * H * len * D);
  for (let lh = 0; lh < L * H; lh++) out.set(data.subarray(lh * P * D, lh * P * D + len * D), lh * len * D);
  return { data: out, dims: [L, H, len, D] };
}

// Per layer and position, the L2 norm of the cached vector over every head: [L][P] arrays.
// This is what the KV-cache view draws (one cell per cached token per layer).
export function cacheNorms(data, dims) {
  const [L, H, P, D] = dims;
  return Array.from({ length: L }, (_, l) => {
    const row = new Float32Array(P);
    for (let h = 0; h < H; h++) {
      const base = (l * H + h) * P * D;
      for (let p = 0; p < P; p++) {
        let s = 0;
        for (let d = 0; d < D; d++) s += data[base + p * D + d] ** 2;
        row[p] += s;
      }
    }
    return row.map(Math.sqrt);
  });
}

// Bytes the cache holds: keys and values, float32.
export const cacheBytes = ({ layer, head, head_dim: hd }, positions) => 2 * layer * head * positions * hd * 4;

// How long a sequence may grow: the model's context (positions it has embeddings for) and a
// browser memory cap. The explained run (every intermediate) is capped by the manifest's
// max_tokens; generation only keeps the cache and the logits, so it may go further.
export const GENERATION_CAP = 256;
export function limits(manifest) {
  const nCtx = manifest.config.n_ctx;
  const memory = Math.max(manifest.maxTokens, GENERATION_CAP);
  return { nCtx, memory, total: Math.min(nCtx, memory), explained: Math.min(nCtx, manifest.maxTokens) };
}

// Why the sequence cannot grow by one more token, or null: 'ctx' | 'memory'.
export function stopReason(length, lim) {
  if (length >= lim.nCtx) return 'ctx';
  if (length >= lim.memory) return 'memory';
  return null;
}

// Running timings: mean ms per token and tokens per second, with and without the cache.
export function timingSummary(steps) {
  const one = (key) => {
    const xs = steps.map((s) => s[key]).filter((x) => Number.isFinite(x));
    if (!xs.length) return null;
    const ms = xs.reduce((a, b) => a + b, 0) / xs.length;
    return { n: xs.length, ms, perSecond: ms > 0 ? 1000 / ms : Infinity };
  };
  const cached = one('cached');
  const full = one('full');
  // the ratio of each step timed both ways: how far one timing is from another (the machine's
  // load moves them a lot), [lowest, highest], or null with fewer than two such steps
  const pairs = steps
    .filter((s) => Number.isFinite(s.cached) && Number.isFinite(s.full) && s.cached > 0)
    .map((s) => s.full / s.cached);
  const range = pairs.length >= 2 ? [Math.min(...pairs), Math.max(...pairs)] : null;
  return { cached, full, ratio: cached && full ? full.ms / cached.ms : null, range };
}
