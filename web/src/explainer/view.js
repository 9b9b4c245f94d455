// Small shared pieces of the views: a titled block, redraw-on-change, token labels, and the
// hover message every matrix sends (token positions for highlighting, text for the panel).

import { tokenDisplay, formatValue, visibleText } from '../../viz/lib/scales.js';
import { groupTokens } from './bytes.js';

export function block(el, cls, title) {
  const doc = el.ownerDocument;
  const root = doc.createElement('div');
  root.className = `txb-view ${cls}`;
  if (title) {
    const h = doc.createElement('h4');
    h.className = 'txb-view-h';
    h.textContent = title;
    root.append(h);
  }
  el.append(root);
  return root;
}

// Calls draw(s) when any of the slices `pick(s)` returns changed (by reference), while
// `shown(s)` says the view is on screen. A hidden view (another stage's) draws when it is next
// shown: a new run then redraws the one stage in view, not every view in one long task.
/** @param {any} state @param {(s: any) => any[]} pick @param {(s: any) => void} draw @param {(s: any) => boolean} [shown] */
export function watch(state, pick, draw, shown = () => true) {
  let last = null;
  const run = (s) => {
    if (!shown(s)) return;
    const now = pick(s);
    if (last && now.length === last.length && now.every((x, i) => x === last[i])) return;
    last = now;
    draw(s);
  };
  const unsubscribe = state.subscribe(run);
  run(state.get());
  return unsubscribe;
}

// What each token spells, for labels: its text, or for a byte fragment of a character (Korean,
// emoji) the character its group completes with the fragment's place, "안 (1/2)", instead of
// hex bytes. Hex stays only where the bytes never complete (the prompt was cut mid-character).
const names = new WeakMap();
export function tokenNames(tokens) {
  if (names.has(tokens)) return names.get(tokens);
  const out = tokens.map((tok) => tokenDisplay(tok));
  if (tokens.every((tok) => tok.raw || !tok.bytes)) {
    const groups = groupTokens(tokens.map((tok) => ({ bytes: tok.raw ?? [...new TextEncoder().encode(tok.text)] })));
    for (const g of groups) {
      if (g.single || g.text === null) continue;
      const n = g.end - g.start;
      for (let i = g.start; i < g.end; i++) out[i] = `${visibleText(g.text)} (${i - g.start + 1}/${n})`;
    }
  }
  names.set(tokens, out);
  return out;
}

export const labels = (trace) => tokenNames(trace.tokens);

export const q = (trace, i) => `“${tokenNames(trace.tokens)[i]}” (${i + 1})`;

export const fv = formatValue;

// Keeps the matrices of one view on the same cell (hovering one shows it in all).
export function linked(mats) {
  return (cell) => mats.forEach((m) => m.setActive(cell, { silent: true }));
}

// One element with its class, optional text and attributes: the views build many of these.
export function elem(doc, tag, cls, text = '', attrs = {}) {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

export function para(doc, cls, text = '') {
  return elem(doc, 'p', cls, text);
}
