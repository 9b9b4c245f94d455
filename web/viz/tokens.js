// Token chips: each token of the prompt as the model sees it, with its id. Tokens that are
// only UTF-8 fragments (Korean, emoji) are grouped under the character(s) their bytes make.
// A chip is a button: it selects the token the per-token views show; the hovered query and
// key tokens of any view are highlighted here. The chips are one Tab stop (arrow keys move
// between them); a long row collapses to its first and last chips behind a Show-all button.

import './tokens.css';
import { groupTokens } from '../src/explainer/bytes.js';
import { visibleText } from './lib/scales.js';
import { elem } from '../src/explainer/view.js';

// more groups than this collapse to the first and last KEEP
const COLLAPSE_AT = 24;
const KEEP = 8;
// characters of a dropped beginning shown (its end)
const DROPPED_SHOWN = 280;

export function mount(el, { state, t, actions }) {
  const doc = el.ownerDocument;
  const root = elem(doc, 'div', 'txb-tokens');
  const h = elem(doc, 'h3', 'txb-h', t('tokens_heading'), { id: 'tokens-heading' });
  const list = elem(doc, 'ol', 'txb-chips', '', { id: 'tokens', 'aria-labelledby': 'tokens-heading' });
  const note = elem(doc, 'p', 'txb-note', '', { 'aria-live': 'polite', id: 'tokens-count' });
  const more = elem(doc, 'button', 'txb-step txb-tokens-more', '', {
    type: 'button',
    id: 'tokens-more',
    'aria-expanded': 'false',
  });
  let expanded = false;
  more.addEventListener('click', () => {
    expanded = !expanded;
    shown = {};
    update(state.get());
  });
  // a prompt past max_tokens: its beginning, greyed, before the chips (the model reads the rest)
  const dropped = elem(doc, 'p', 'txb-dropped', '', { id: 'tokens-dropped' });
  const droppedLabel = elem(doc, 'span', 'txb-dropped-label', t('tokens_dropped'));
  const droppedText = elem(doc, 'span', 'txb-dropped-text');
  dropped.append(droppedLabel, ' ', droppedText);
  dropped.hidden = true;
  root.append(h, dropped, list, more, note);
  el.append(root);
  list.addEventListener('click', (ev) => {
    const chip = ev.target.closest('[data-pos]');
    if (chip) actions?.select({ pos: Number(chip.dataset.pos) });
  });

  // a list item holding the chip (a list's children stay list items; the button is inside)
  function chip(d, i) {
    const item = doc.createElement('li');
    item.className = 'txb-chip-item';
    const c = doc.createElement('span');
    item.append(c);
    c.className = 'txb-chip';
    c.classList.toggle('txb-bytes', !!d.bytes);
    c.classList.toggle('txb-gen', !!d.gen);
    c.dataset.tokenId = d.id;
    c.dataset.pos = i;
    c.tabIndex = -1;
    c.setAttribute('role', 'button');
    const text = doc.createElement('span');
    text.className = 'txb-chip-text';
    text.textContent = d.bytes ? d.text : visibleText(d.text);
    const id = doc.createElement('span');
    id.className = 'txb-chip-id';
    id.textContent = d.id;
    c.append(text, id);
    return item;
  }

  let shown = {};
  function update(s) {
    if (s.tokens !== shown.tokens || s.truncated !== shown.truncated || s.dropped !== shown.dropped) {
      dropped.hidden = !(s.truncated && s.dropped);
      // a long one: its end, next to the chips it runs into
      const d = s.truncated ? (s.dropped ?? '') : '';
      droppedText.textContent = d.length > DROPPED_SHOWN ? `…${d.slice(-DROPPED_SHOWN)}` : d;
      const groups = groupTokens(s.tokens.map((d) => ({ bytes: d.raw ?? [...new TextEncoder().encode(d.text)] })));
      const long = groups.length > COLLAPSE_AT;
      more.hidden = !long;
      more.textContent = expanded ? t('tokens_fewer') : t('tokens_all', { n: s.tokens.length });
      more.setAttribute('aria-expanded', String(expanded));
      list.dataset.collapsed = String(long && !expanded);
      list.replaceChildren(
        ...groups.map((g, gi) => {
          const item = group(s, g);
          // collapsed: the first and the last chips, and a gap mark between them
          if (long && !expanded && gi >= KEEP && gi < groups.length - KEEP) item.hidden = true;
          if (long && !expanded && gi === groups.length - KEEP) item.classList.add('txb-gap-before');
          return item;
        }),
      );
      const gen = s.tokens.length - (s.promptLength ?? s.tokens.length);
      const count = (s.tokenCount ?? s.tokens.length - gen) + gen;
      note.textContent =
        gen > 0
          ? t('tokens_count_gen', { n: count, p: count - gen, g: gen })
          : s.truncated
            ? t('tokens_truncated', { n: count, max: s.manifest.maxTokens })
            : t('tokens_count', { n: count, max: s.manifest.maxTokens });
    }
    // highlights only when the chips are the tokens the views draw
    const same = s.trace && s.trace.ids.length === s.tokens.length && s.trace.ids.every((x, i) => x === s.tokens[i].id);
    const hv = same ? s.hover : null;
    const chosen = s.sel?.pos ?? s.tokens.length - 1;
    const chips = [...list.querySelectorAll('[data-pos]')];
    for (const c of chips) {
      const i = Number(c.dataset.pos);
      c.classList.toggle('is-query', hv?.q === i);
      c.classList.toggle('is-key', hv?.k === i);
      c.setAttribute('aria-pressed', String(same && chosen === i));
    }
    // one Tab stop: the chosen chip (or the last visible one). Visible means not under a
    // [hidden] item (no offsetParent read: that forces a layout on every store update).
    if (!chips.some((c) => c.tabIndex === 0 && !c.closest('[hidden]'))) {
      const visible = chips.filter((c) => !c.closest('[hidden]'));
      const stop = visible.find((c) => Number(c.dataset.pos) === chosen) ?? visible.at(-1);
      chips.forEach((c) => (c.tabIndex = c === stop ? 0 : -1));
    }
    shown = s;
  }

  function group(s, g) {
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
  }

  list.addEventListener('keydown', (ev) => {
    if (!ev.target.dataset?.pos) return;
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      actions?.select({ pos: Number(ev.target.dataset.pos) });
      return;
    }
    const d = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -1, ArrowDown: 1 }[ev.key];
    if (ev.key !== 'Home' && ev.key !== 'End' && d === undefined) return;
    ev.preventDefault();
    const visible = [...list.querySelectorAll('[data-pos]')].filter((c) => !c.closest('[hidden]'));
    const at = visible.indexOf(ev.target);
    const to =
      visible[
        ev.key === 'Home'
          ? 0
          : ev.key === 'End'
            ? visible.length - 1
            : Math.max(0, Math.min(visible.length - 1, at + d))
      ];
    visible.forEach((c) => (c.tabIndex = c === to ? 0 : -1));
    to.focus();
  });
  const unsubscribe = state.subscribe(update);
  update(state.get());
  return { update, destroy: () => (unsubscribe(), root.remove()) };
}
