// The chosen head's attention as token-to-token lines (BertViz' head view): queries on the
// left, keys on the right, each line as strong as its weight. Hovering or focusing a token
// keeps only its lines.

import { block, watch, labels } from '../src/explainer/view.js';
import { matrix } from '../src/explainer/tensors.js';
import { formatValue } from './lib/scales.js';

const NS = 'http://www.w3.org/2000/svg';

export function mount(el, { state, t, actions, shown }) {
  const doc = el.ownerDocument;
  const root = block(el, 'txb-lines', t('lines_heading'));
  const svg = doc.createElementNS(NS, 'svg');
  svg.setAttribute('class', 'txb-lines-svg');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', t('lines_heading'));
  svg.setAttribute('tabindex', '-1'); // Chromium would make the svg itself a Tab stop; its token names are the stops
  root.append(svg);
  let focus = null;
  let cur = null;
  // the token names are built once per run/layer/head and only restyled on hover, so a
  // focused name is never replaced under the keyboard; the lines are redrawn
  const lineG = doc.createElementNS(NS, 'g');
  const textG = doc.createElementNS(NS, 'g');
  svg.append(lineG, textG);
  let built = [];

  function draw(s) {
    cur = s.trace;
    if (!cur) {
      built = [];
      lineG.replaceChildren();
      return textG.replaceChildren();
    }
    const T = cur.ids.length;
    const probs = matrix(cur.tensors.attn_probs, s.sel.layer, s.sel.head);
    const rowH = 20;
    const W = 360;
    const H = T * rowH + 8;
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.style.maxWidth = `${W}px`;
    const names = labels(cur);
    const parts = [];
    const key = [cur, s.sel.layer, s.sel.head];
    const rebuild = key.some((x, n) => x !== built[n]);
    const only = focus ?? s.hover?.q ?? null;
    for (let i = 0; i < T; i++) {
      for (let j = 0; j <= i; j++) {
        const p = probs.at(i, j);
        if (only !== null && only !== i) continue;
        if (p < 0.01) continue;
        const line = doc.createElementNS(NS, 'line');
        line.setAttribute('x1', 120);
        line.setAttribute('y1', 4 + i * rowH + rowH / 2);
        line.setAttribute('x2', 240);
        line.setAttribute('y2', 4 + j * rowH + rowH / 2);
        line.setAttribute('stroke-opacity', String(Math.min(1, p)));
        line.setAttribute('stroke-width', String(1 + 3 * p));
        line.setAttribute('class', 'txb-line');
        line.dataset.q = i;
        line.dataset.k = j;
        line.dataset.value = String(p);
        const title = doc.createElementNS(NS, 'title');
        title.textContent = `${names[i]} → ${names[j]}: ${formatValue(p)}`;
        line.append(title);
        parts.push(line);
      }
    }
    lineG.replaceChildren(...parts);
    if (rebuild) {
      built = key;
      textG.replaceChildren(...tokenTexts(names, rowH));
    }
    for (const g of textG.children) {
      const i = Number(g.dataset.pos);
      g.classList.toggle('is-hl', g.classList.contains('txb-line-q') ? s.hover?.q === i : s.hover?.k === i);
    }
  }

  function tokenTexts(names, rowH) {
    const parts = [];
    for (const [side, x, anchor] of [
      ['q', 114, 'end'],
      ['k', 246, 'start'],
    ]) {
      names.forEach((name, i) => {
        const g = doc.createElementNS(NS, 'text');
        g.setAttribute('x', x);
        g.setAttribute('y', 4 + i * rowH + rowH / 2 + 4);
        g.setAttribute('text-anchor', anchor);
        g.setAttribute('class', `txb-line-tok txb-line-${side}`);
        g.setAttribute('tabindex', side === 'q' ? '0' : '-1');
        g.dataset.pos = i;
        g.textContent = name.length > 14 ? `${name.slice(0, 13)}…` : name;
        parts.push(g);
      });
    }
    return parts;
  }

  const enter = (ev) => {
    const g = ev.target.closest?.('.txb-line-q');
    if (!g) return;
    focus = Number(g.dataset.pos);
    actions.hover({ q: focus, lines: [[t('query'), names(focus)]] });
  };
  const leave = () => {
    if (focus === null) return;
    focus = null;
    actions.hover(null);
  };
  const names = (i) => labels(cur)[i];
  svg.addEventListener('pointerover', enter);
  svg.addEventListener('focusin', enter);
  svg.addEventListener('pointerleave', leave);
  svg.addEventListener('focusout', leave);
  const unsubscribe = watch(state, (s) => [s.trace, s.sel.layer, s.sel.head, s.hover?.q, s.hover?.k], draw, shown);
  return { update: draw, destroy: () => (unsubscribe(), root.remove()) };
}
