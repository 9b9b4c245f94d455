// A precomputed example (its tensors from the build) stands in until a live run replaces it.

import { lastRow } from '../topk.js';
import { exampleTop, wantsExampleTop } from '../example-top.js';

export async function showExample(rt, i) {
  const { store, manifest, loadExample } = rt;
  const ex = manifest.examples[i];
  if (!ex || !loadExample) return;
  const tensors = await loadExample(i);
  if (store.get().trace?.kind === 'live' && !store.get().exampleWanted) return;
  // read after the await: the tokenizer may have arrived (and relabelled the old trace) meanwhile
  const tok = rt.tok;
  const tokens = ex.ids.map((id, n) => (tok ? rt.label(id) : { id, text: ex.tokens[n], bytes: false, raw: null }));
  const lg = tensors.logits;
  rt.set({
    trace: { kind: 'example', example: i, ids: ex.ids, tokens, variant: null, tensors },
    exampleWanted: false,
    ...(wantsExampleTop(store.get().top, ex) ? { top: exampleTop(ex, tok && ((id) => tok.tokenLabel(id))) } : {}),
    ...(lg && !store.get().next ? { next: { ids: ex.ids, logits: lastRow(lg.data, lg.dims).slice() } } : {}),
  });
}
