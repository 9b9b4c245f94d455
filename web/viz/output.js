// Output: the final layer norm of the chosen token, its logits over the whole vocabulary,
// the softmax and the most likely next tokens as bars (logit and probability), and a box to
// look up any token's rank and probability by typing it.

import { block, watch, q, fv, elem } from '../src/explainer/view.js';
import { createLinked } from '../src/explainer/matrices.js';
import { matrix, rankAndProb } from '../src/explainer/tensors.js';
import { softmax, topK } from '../src/numerics.js';
import { posOf } from '../src/explainer/stages.js';
import { formatProb, probWidth, tokenDisplay } from './lib/scales.js';

const TOP = 10;

export function mount(el, { state, t, actions, shown }) {
  const doc = el.ownerDocument;
  const root = block(el, 'txb-output', t('output_heading'));
  const lnf = createLinked(root, { t, actions, defs: [{ name: 'ln_f', label: t('output_lnf') }] });
  const head = elem(doc, 'h5', 'txb-view-h');
  const bars = elem(doc, 'ol', 'txb-top txb-logit-bars', '', { id: 'output-bars' });
  const look = elem(doc, 'div', 'txb-lookup');
  const label = elem(doc, 'label', '', t('output_lookup'), { for: 'lookup' });
  const input = doc.createElement('input');
  input.id = 'lookup';
  input.type = 'text';
  input.spellcheck = false;
  input.autocomplete = 'off';
  const result = doc.createElement('p');
  result.id = 'lookup-result';
  result.setAttribute('aria-live', 'polite');
  look.append(label, input, result);
  root.append(head, bars, look);
  let tok = null;
  let logits = null;
  const x = probWidth();

  async function lookup() {
    const text = input.value;
    if (!text || !logits) return result.replaceChildren();
    tok = tok || (await import('../src/tokenizer.js'));
    const ids = tok.encodeText(text);
    if (!ids.length) return;
    const id = ids[0];
    const r = rankAndProb(logits, id);
    result.dataset.tokenId = id;
    result.dataset.rank = r.rank;
    result.dataset.prob = String(r.prob);
    result.dataset.logit = String(r.logit);
    const name = tokenDisplay({ ...tok.tokenLabel(id) });
    const vars = {
      token: name,
      id,
      rank: r.rank.toLocaleString(),
      V: logits.length.toLocaleString(),
      prob: formatProb(r.prob),
      logit: fv(r.logit),
    };
    result.textContent = ids.length > 1 ? t('output_lookup_first', vars) : t('output_lookup_result', vars);
  }
  input.addEventListener('input', lookup);

  function draw(s) {
    const tr = s.trace;
    if (!tr) return;
    const p = posOf(s);
    lnf.draw(tr, [matrix(tr.tensors.ln_f)]);
    const V = s.manifest.dims.vocab;
    logits = tr.tensors.logits.data.subarray(p * V, (p + 1) * V);
    head.textContent = t('output_top', { token: q(tr, p), k: TOP });
    const best = topK(logits, TOP);
    const probs = softmax(logits);
    bars.replaceChildren(
      ...best.map((id) => {
        const r = rankAndProb(logits, id, probs);
        const li = doc.createElement('li');
        li.className = 'txb-row';
        li.dataset.tokenId = id;
        li.dataset.logit = String(r.logit);
        li.dataset.prob = String(r.prob);
        const label =
          tok?.tokenLabel(id) ??
          (tr.ids.includes(id) ? tr.tokens[tr.ids.indexOf(id)] : { text: String(id), bytes: false });
        li.innerHTML =
          '<span class="txb-row-token"></span><span class="txb-row-id"></span><span class="txb-row-bar"><span class="txb-row-fill"></span></span><span class="txb-row-prob"></span>';
        li.children[0].textContent = tokenDisplay(label);
        li.children[1].textContent = `${t('logit')} ${fv(r.logit)}`;
        li.children[2].firstChild.style.width = `${x(r.prob)}%`;
        li.children[3].textContent = formatProb(r.prob);
        return li;
      }),
    );
    if (!tok)
      import('../src/tokenizer.js').then(
        (m) => {
          tok = m;
          draw(state.get());
        },
        () => {},
      );
    lookup();
  }
  const unsubscribe = watch(state, (s) => [s.trace, s.sel.pos], draw, shown);
  return { update: draw, destroy: () => (unsubscribe(), lnf.destroy(), root.remove()) };
}
