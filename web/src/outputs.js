// The graph's outputs the browser reads, with their named dims, in the order the graph has
// them: the same list as build/txbuild/graph.py's OUTPUTS (tests/js/outputs.test.mjs checks
// it against the golden manifest the Python build writes). parseManifest refuses a manifest
// that lacks one or gives it other dims; the views read `trace.tensors.<name>` only for
// names in this list (the same test scans them).

export const OUTPUTS = Object.freeze({
  logits: ['seq', 'vocab'],
  present_key: ['layer', 'head', 'ctx', 'head_dim'],
  present_value: ['layer', 'head', 'ctx', 'head_dim'],
  tok_emb: ['seq', 'embd'],
  pos_emb: ['seq', 'embd'],
  embed: ['seq', 'embd'],
  ln1: ['layer', 'seq', 'embd'],
  q: ['layer', 'head', 'seq', 'head_dim'],
  k: ['layer', 'head', 'seq', 'head_dim'],
  v: ['layer', 'head', 'seq', 'head_dim'],
  attn_scores: ['layer', 'head', 'seq', 'ctx'],
  attn_probs: ['layer', 'head', 'seq', 'ctx'],
  head_out: ['layer', 'head', 'seq', 'head_dim'],
  attn_out: ['layer', 'seq', 'embd'],
  resid_mid: ['layer', 'seq', 'embd'],
  ln2: ['layer', 'seq', 'embd'],
  mlp_pre: ['layer', 'seq', 'mlp'],
  mlp_act: ['layer', 'seq', 'mlp'],
  mlp_out: ['layer', 'seq', 'embd'],
  resid_post: ['layer', 'seq', 'embd'],
  ln_f: ['seq', 'embd'],
});

// Every output the app reads is in the manifest's list, with these dims.
export function checkOutputs(outputs) {
  const have = new Map(outputs.map((o) => [o.name, o.dims]));
  for (const [name, dims] of Object.entries(OUTPUTS)) {
    if (!have.has(name)) throw new Error(`manifest: no ${name} output`);
    if (JSON.stringify(have.get(name)) !== JSON.stringify(dims))
      throw new Error(
        `manifest: output ${name} has dims ${JSON.stringify(have.get(name))}, expected ${JSON.stringify(dims)}`,
      );
  }
  return outputs;
}
