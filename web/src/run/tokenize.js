// Prompt text -> ids and token labels in the store: the prompt's ids (capped at max_tokens:
// the last ones, which the model predicts from; the dropped beginning is kept as text for the
// chips to show greyed), then the generated ones (capped by the generation limit).

export function tokenize(rt, prompt, genIds = []) {
  const { store, manifest, lim, tok } = rt;
  const gen = store.get().gen;
  if (!tok) return rt.set({ prompt, gen: { ...gen, ids: genIds } });
  const all = tok.encodeText(prompt);
  const promptIds = all.slice(Math.max(0, all.length - manifest.maxTokens));
  const cut = all.length - promptIds.length;
  const genKept = genIds.slice(0, Math.max(0, lim.total - promptIds.length));
  const ids = [...promptIds, ...genKept];
  const tokens = ids.map((id, i) => (i < promptIds.length ? rt.label(id) : { ...rt.label(id), gen: true }));
  return rt.set({
    prompt,
    ids,
    tokens,
    truncated: cut > 0,
    dropped: cut > 0 ? (tok.decodeIds?.(all.slice(0, cut)) ?? '') : '',
    tokenCount: all.length,
    promptLength: promptIds.length,
    gen: { ...gen, ids: genKept, message: genKept.length < genIds.length ? 'ctx' : gen.message },
  });
}
