// The logit lens: the model's own final layer norm and unembedding applied to the residual
// stream after the embedding and after each block, for the chosen token (default: the last).
// A (layers + 1) × top-k table with probabilities; its last row is the model's prediction.
// Hooks: #lens-table data-pos / data-ids / data-status; rows data-layer (0 = embedding);
// cells data-token-id / data-prob.

import { block, para, q } from '../src/explainer/view.js';
import { posOf } from '../src/explainer/stages.js';
import { lensRows, lensTop } from '../src/gen/lens.js';
import { formatProb, tokenDisplay, sequential, inkOn } from './lib/scales.js';

const K = 5;

export function mount(el, { state, t, actions }) {
  const doc = el.ownerDocument;
  const root = block(el, 'txb-lens', t('lens_heading'));
  root.append(para(doc, 'txb-intro', t('lens_intro')));
  const note = para(doc, 'txb-note');
  note.setAttribute('aria-live', 'polite');
  const wrap = doc.createElement('div');
  wrap.className = 'txb-scroll';
  const table = doc.createElement('table');
  table.className = 'txb-stats txb-lens-table';
  table.id = 'lens-table';
  wrap.append(table);
  root.append(note, wrap);
  const color = sequential(1);
  let tok = null;
  let seq = 0;

  async function draw(s) {
    const tr = s.trace;
    const mine = ++seq;
    if (!tr || !tr.tensors.embed || !tr.tensors.resid_post) {
      // no run (an empty prompt): nothing stale
      table.replaceChildren();
      note.textContent = '';
      table.dataset.status = 'none';
      return;
    }
    const pos = posOf(s);
    table.dataset.status = 'loading';
    if (s.model.phase !== 'ready') {
      note.textContent = t('lens_waiting');
      return;
    }
    note.textContent = t('lens_caption', { token: q(tr, pos) });
    try {
      const rows = lensRows(tr.tensors, pos);
      const out = await actions.lens(rows);
      tok = tok || (await import('../src/tokenizer.js'));
      if (mine !== seq) return;
      const top = lensTop(out.data, out.dims, K);
      const head = `<thead><tr><th scope="col">${''}</th>${top[0].map((_, i) => `<th scope="col">${i + 1}</th>`).join('')}</tr></thead>`;
      table.innerHTML = `<caption></caption>${head}<tbody></tbody>`;
      table.caption.textContent = t('lens_table_caption', { k: K });
      table.tHead.rows[0].cells[0].textContent = t('lens_after');
      for (const [l, row] of top.entries()) {
        const r = table.tBodies[0].insertRow();
        r.dataset.layer = l;
        const th = doc.createElement('th');
        th.scope = 'row';
        th.textContent = l === 0 ? t('lens_embedding') : t('lens_layer', { i: l });
        r.append(th);
        for (const { id, prob } of row) {
          const c = r.insertCell();
          c.dataset.tokenId = id;
          c.dataset.prob = String(prob);
          c.style.background = color(prob);
          c.style.color = inkOn(c.style.background || color(prob));
          c.className = c.style.color === 'rgb(255, 255, 255)' ? 'is-dark' : '';
          const name = doc.createElement('span');
          name.className = 'txb-row-token';
          name.textContent = tokenDisplay(tok.tokenLabel(id));
          c.append(name, ` ${formatProb(prob)}`);
        }
      }
      table.dataset.pos = String(pos);
      table.dataset.ids = tr.ids.join(',');
      table.dataset.status = 'ready';
    } catch (err) {
      if (mine !== seq) return;
      note.textContent = t('lens_error', { error: String(err.message || err) });
      table.dataset.status = 'error';
    }
  }
  let last = null;
  const run = (s) => {
    const key = [s.trace, posOf(s), s.model.phase === 'ready'];
    if (last && key.every((x, i) => x === last[i])) return;
    last = key;
    draw(s);
  };
  const unsubscribe = state.subscribe(run);
  run(state.get());
  return { update: draw, destroy: () => (unsubscribe(), root.remove()) };
}
