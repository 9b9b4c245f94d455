// Tokenization, in detail: the prompt's UTF-8 bytes and the tokens they become. Characters
// that GPT-2 splits into several byte-level tokens (Korean, emoji) are grouped, so the
// reader sees the bytes — never a row of "�" — and which tokens share one character.

import { groupTokens, hex } from '../src/explainer/bytes.js';
import { block, watch } from '../src/explainer/view.js';
import { visibleText } from './lib/scales.js';

export function mount(el, { state, t, shown }) {
  const doc = el.ownerDocument;
  const root = block(el, 'txb-tokenization', t('tokenization_heading'));
  const size = doc.createElement('p');
  size.className = 'txb-note';
  const table = doc.createElement('table');
  table.className = 'txb-bytes-table';
  table.id = 'byte-groups';
  root.append(size, table);

  function draw(s) {
    const tr = s.trace;
    size.textContent = t('tokenization_vocab', { V: s.manifest.dims.vocab.toLocaleString() });
    if (!tr) return table.replaceChildren();
    const head = doc.createElement('tr');
    for (const k of [t('tokenization_text'), t('tokenization_bytes'), t('tokenization_tokens')]) {
      const th = doc.createElement('th');
      th.scope = 'col';
      th.textContent = k;
      head.append(th);
    }
    const rows = groupTokens(
      tr.tokens.map((tok) => ({ bytes: tok.raw ?? [...new TextEncoder().encode(tok.text)] })),
    ).map((g) => {
      const row = doc.createElement('tr');
      row.className = g.single ? 'txb-group-single' : 'txb-group-multi';
      const text = doc.createElement('td');
      text.className = 'txb-group-text';
      text.textContent = g.text === null ? t('tokenization_incomplete') : visibleText(g.text);
      const bytes = doc.createElement('td');
      const ids = doc.createElement('td');
      for (let i = g.start; i < g.end; i++) {
        const tok = tr.tokens[i];
        const b = doc.createElement('span');
        b.className = 'txb-byte-run';
        b.textContent = hex(tok.raw ?? new TextEncoder().encode(tok.text)).join('\u2009');
        bytes.append(b);
        const c = doc.createElement('span');
        c.className = 'txb-id-chip';
        c.dataset.pos = i;
        c.dataset.tokenId = tok.id;
        c.textContent = tok.id;
        ids.append(c);
      }
      row.dataset.start = g.start;
      row.dataset.end = g.end;
      row.append(text, bytes, ids);
      return row;
    });
    table.replaceChildren(head, ...rows);
  }
  const unsubscribe = watch(state, (s) => [s.trace], draw, shown);
  return { update: draw, destroy: () => (unsubscribe(), root.remove()) };
}
