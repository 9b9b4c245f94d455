// Token chips: each token of the prompt as the model sees it, with its id. Tokens that are
// only UTF-8 fragments (Korean, emoji) are grouped under the character(s) their bytes make.
// A chip is a button: it selects the token the per-token views show; the hovered query and
// key tokens of any view are highlighted here.

import { groupTokens } from '../src/explainer/bytes.js';
import { visibleText } from './scales.js';
import { elem } from '../src/explainer/view.js';

export function mount(el, { state, t, actions }) {
  const doc = el.ownerDocument;
  const root = elem(doc, 'div', 'txb-tokens');
  const h = elem(doc, 'h3', 'txb-h', t('tokens_heading'), { id: 'tokens-heading' });
  const list = elem(doc, 'ol', 'txb-chips', '', { id: 'tokens', 'aria-labelledby': 'tokens-heading' });
  const note = elem(doc, 'p', 'txb-note', '', { 'aria-live': 'polite' });
  root.append(h, list, note);
  el.append(root);
  list.addEventListener('click', (ev) => {
    const chip = ev.target.closest('[data-pos]');
    if (chip) actions?.select({ pos: Number(chip.dataset.pos) });
  });

  function chip(d, i) {
    const li = doc.createElement('li');
    li.className = 'txb-chip';
    li.classList.toggle('txb-bytes', !!d.bytes);
    li.classList.toggle('txb-gen', !!d.gen);
    li.dataset.tokenId = d.id;
    li.dataset.pos = i;
    li.tabIndex = 0;
    li.setAttribute('role', 'button');
    const text = doc.createElement('span');
    text.className = 'txb-chip-text';
    text.textContent = d.bytes ? d.text : visibleText(d.text);
    const id = doc.createElement('span');
    id.className = 'txb-chip-id';
    id.textContent = d.id;
    li.append(text, id);
    return li;
  }

  let shown = {};
  function update(s) {
    if (s.tokens !== shown.tokens || s.truncated !== shown.truncated) {
      const groups = groupTokens(s.tokens.map((d) => ({ bytes: d.raw ?? [...new TextEncoder().encode(d.text)] })));
      list.replaceChildren(...groups.map((g) => {
        if (g.single) return chip(s.tokens[g.start], g.start);
        const li = doc.createElement('li');
        li.className = 'txb-group';
        const cap = doc.createElement('span');
        cap.className = 'txb-group-text';
        cap.textContent = g.text === null ? '…' : visibleText(g.text);
        const inner = doc.createElement('ol');
        inner.className = 'txb-chips';
        inner.setAttribute('aria-label', t('tokens_group', { text: g.text ?? '…', n: g.end - g.start }));
        for (let i = g.start; i < g.end; i++) inner.append(chip(s.tokens[i], i));
        li.append(cap, inner);
        return li;
      }));
      const count = s.tokenCount ?? s.tokens.length;
      note.textContent = s.truncated
        ? t('tokens_truncated', { n: count, max: s.manifest.maxTokens })
        : t('tokens_count', { n: count, max: s.manifest.maxTokens });
    }
    // highlights only when the chips are the tokens the views draw
    const same = s.trace && s.trace.ids.length === s.tokens.length && s.trace.ids.every((x, i) => x === s.tokens[i].id);
    const hv = same ? s.hover : null;
    for (const c of list.querySelectorAll('[data-pos]')) {
      const i = Number(c.dataset.pos);
      c.classList.toggle('is-query', hv?.q === i);
      c.classList.toggle('is-key', hv?.k === i);
      c.setAttribute('aria-pressed', String(same && (s.sel?.pos ?? s.tokens.length - 1) === i));
    }
    shown = s;
  }

  list.addEventListener('keydown', (ev) => {
    if ((ev.key === 'Enter' || ev.key === ' ') && ev.target.dataset?.pos) {
      ev.preventDefault();
      actions?.select({ pos: Number(ev.target.dataset.pos) });
    }
  });
  const unsubscribe = state.subscribe(update);
  update(state.get());
  return { update, destroy: () => (unsubscribe(), root.remove()) };
}
