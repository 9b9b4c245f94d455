// The next-token list of a build-time example: its own precomputed top-10 (manifest
// examples[i].top), shown for that example's prompt while no live run stands for it (the
// model still loading, or failed). `label` names a token once the tokenizer has loaded.

export function exampleTop(ex, label = null) {
  return {
    kind: 'example',
    ids: ex.ids,
    variant: null,
    rows: ex.top.map((r) => ({ id: r.id, prob: r.prob, text: r.token, bytes: false, ...(label ? label(r.id) : {}) })),
    status: 'example',
  };
}

// Whether the list should switch to example `ex`'s own: not when a live run already answers it.
export const wantsExampleTop = (top, ex) =>
  !(top?.kind === 'live' && top.ids?.length === ex.ids.length && top.ids.every((x, i) => x === ex.ids[i]));
