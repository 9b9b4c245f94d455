// The article's figures, live. Each <figure data-viz> of the article carries a build-time SVG
// of the default prompt. Once the explainer has a run of another text (the reader's prompt,
// another example), the figures this module knows (probs, attention) are redrawn from that
// run's tensors with the explainer's own drawing code, the caption says so, and a button goes
// back to the build-time figure (which stays in the page, hidden, and returns by itself when
// the run is of the build-time prompt again). Before a run of another text nothing changes.

import { select } from 'd3-selection';
import './live-figures.css';
import { createMatrix } from './explainer/matrix.js';
import { matrix } from './explainer/tensors.js';
import { q, fv } from './explainer/view.js';
import { viridis, legend, formatProb, tokenDisplay } from '../viz/lib/scales.js';
import { BAR } from '../viz/lib/palette.js';
import { drawRows } from '../viz/top-tokens.js';
import { sameIds } from './ids.js';

const parseIds = (s) => (s ? s.split(',').filter(Boolean).map(Number) : []);

// The build-time attention figure hatches the masked half (common.py's MASK_PATTERN: the text
// colour, faint, with diagonal lines); the same on the canvas, so the figure keeps its look live.
function hatch(doc, ink) {
  const tile = doc.createElement('canvas');
  tile.width = tile.height = 8;
  const g = tile.getContext('2d');
  g.fillStyle = g.strokeStyle = ink;
  g.globalAlpha = 0.06;
  g.fillRect(0, 0, 8, 8);
  g.globalAlpha = 0.25;
  g.lineWidth = 1.5;
  g.beginPath();
  for (const o of [-8, 0, 8]) (g.moveTo(o, 8), g.lineTo(o + 8, 0));
  g.stroke();
  return g.createPattern(tile, 'repeat');
}
const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// The text of a run: its tokens' bytes decoded (or the example's prompt).
export function runText(trace, manifest) {
  if (trace.kind === 'example') return manifest.examples[trace.example].prompt;
  const toks = trace.tokens || [];
  if (toks.length && toks.every((x) => Array.isArray(x.raw))) {
    return new TextDecoder().decode(Uint8Array.from(toks.flatMap((x) => x.raw)));
  }
  return toks.map((x) => x.text).join('');
}

// The top rows of a run: the list the explainer computed for it (same ids), or the example's.
function rowsOf(s, trace) {
  const top = s.top;
  if (top.kind === 'live' && sameIds(top.ids, trace.ids) && top.rows.length) return top.rows;
  if (trace.kind === 'example') {
    return s.manifest.examples[trace.example].top.map((r) => ({ id: r.id, prob: r.prob, text: r.token, bytes: false }));
  }
  return null;
}

const VIEWS = {
  probs: {
    create(doc, body) {
      return { list: select(body).append('ol').attr('class', 'txb-top txb-livefig-probs') };
    },
    // -> the caption's note, or null when this run cannot be drawn (yet)
    draw(view, { s, trace, fig, t, prompt }) {
      const rows = rowsOf(s, trace);
      if (!rows) return null;
      const k = Number(fig.dataset.k) || 10;
      const shown = rows.slice(0, k);
      drawRows(view.list, shown);
      view.list.style('--txb-bar', BAR); // the build-time figure's bar colour
      view.list.attr('data-ids', trace.ids.join(','));
      const rest = Math.max(0, 1 - shown.reduce((a, r) => a + r.prob, 0));
      return t('live_fig_probs_note', {
        prompt,
        n: (s.manifest.dims.vocab - shown.length).toLocaleString(),
        rest: formatProb(rest),
      });
    },
  },
  attention: {
    create(doc, body, { t }) {
      let cur = null;
      let start = 0;
      const m = createMatrix(doc, {
        name: 'attn_probs',
        caption: '',
        label: t('live_fig_label'),
        describe: (i, j, v) => `${t('query')} ${q(cur, start + i)} → ${t('key')} ${q(cur, start + j)}: ${fv(v)}`,
      });
      body.append(m.el);
      return { m, set: (trace, s0) => ((cur = trace), (start = s0)) };
    },
    draw(view, { s, trace, fig, t, prompt }) {
      const { dims } = s.manifest;
      const probs = trace.tensors?.attn_probs;
      if (!probs) return null;
      const layer = Math.min(Math.max((Number(fig.dataset.layer) || 1) - 1, 0), dims.layer - 1);
      const head = Math.min(Math.max((Number(fig.dataset.head) || 1) - 1, 0), dims.head - 1);
      const p = matrix(probs, layer, head);
      const T = p.rows;
      const W = Number(fig.dataset.window) || 16;
      const start = Math.max(0, T - W);
      const n = T - start;
      view.set(trace, start);
      const names = trace.tokens.slice(start, T).map(tokenDisplay);
      const cell = Math.max(6, Math.min(22, Math.floor(360 / n)));
      const seq = viridis(1); // the build-time figure's scale
      const masked = hatch(fig.ownerDocument, fig.ownerDocument.defaultView.getComputedStyle(fig).color);
      view.m.draw({
        rows: n,
        cols: n,
        rowLabels: names,
        colLabels: names,
        cellW: cell,
        cellH: cell,
        value: (i, j) => p.at(start + i, start + j),
        color: seq,
        colorAt: (i, j, v) => (j > i ? masked : seq(v)),
      });
      Object.assign(view.m.el.dataset, { layer, head, start });
      view.m.foot.replaceChildren(legend(fig.ownerDocument, seq, { title: t('legend_weight') }));
      const note = t('live_fig_attention_note', {
        prompt,
        layer: layer + 1,
        L: dims.layer,
        head: head + 1,
        H: dims.head,
      });
      return start > 0 ? `${note} ${t('live_fig_window', { n })}` : note;
    },
  },
};

function createItem(doc, fig, view, ctx) {
  const { t } = ctx;
  const box = fig.querySelector(':scope > .viz');
  const cap = fig.querySelector(':scope > figcaption');
  const builtIds = parseIds(fig.dataset.ids);
  let ui = null; // created on the first run of another text
  let drawn = null; // the trace drawn
  let want = 'live'; // the reader's choice while a run of another text exists

  function build() {
    const wrap = doc.createElement('div');
    wrap.className = 'txb-livefig';
    wrap.hidden = true;
    const body = doc.createElement('div');
    body.className = 'txb-app txb-livefig-body';
    wrap.append(body);
    box.after(wrap);
    const note = doc.createElement('span');
    note.className = 'fig-note txb-livefig-note';
    note.hidden = true;
    const button = doc.createElement('button');
    button.type = 'button';
    button.className = 'txb-livefig-toggle';
    button.hidden = true;
    button.addEventListener('click', () => {
      want = want === 'live' ? 'built' : 'live';
      show();
    });
    // in the build-time note's place (after "Figure n" and its space), which it hides
    const old = cap.querySelector(':scope > .fig-note');
    if (old) old.before(note, doc.createTextNode(' '));
    else cap.prepend(note, doc.createTextNode(' '));
    cap.append(button);
    return { wrap, body, note, button, view: view.create(doc, body, ctx), text: '' };
  }

  // live: a drawn run exists and the reader wants it
  function show() {
    const live = !!drawn && want === 'live';
    box.hidden = live;
    ui.wrap.hidden = !live;
    ui.note.hidden = !live;
    ui.note.textContent = ui.text;
    for (const el of cap.querySelectorAll(':scope > .fig-note:not(.txb-livefig-note)')) el.hidden = live;
    ui.button.hidden = !drawn;
    ui.button.textContent = live ? t('live_fig_back') : t('live_fig_show');
    if (drawn) fig.dataset.live = live ? 'shown' : 'built';
    else delete fig.dataset.live;
    if (live) fig.dataset.liveIds = drawn.ids.join(',');
    else delete fig.dataset.liveIds;
  }

  return {
    update(s) {
      const trace = s.trace;
      if (trace === drawn) return;
      const other = trace && !sameIds(trace.ids, builtIds);
      if (!other) {
        if (ui && drawn) {
          drawn = null;
          show();
        }
        return;
      }
      ui ||= build();
      const about = builtPrompt(s.manifest, builtIds);
      const prompt = clip(runText(trace, s.manifest).replace(/\s*\n\s*/g, ' '), 60);
      const text = view.draw(ui.view, { s, trace, fig, t, prompt });
      if (text === null) return; // not drawable from this run: keep what is shown
      ui.text = about ? `${text} ${t('live_fig_about', { prompt: clip(about.replace(/\s*\n\s*/g, ' '), 60) })}` : text;
      drawn = trace;
      show();
    },
  };
}

function builtPrompt(manifest, ids) {
  return manifest.examples.find((ex) => sameIds(ex.ids, ids))?.prompt ?? null;
}

export function mount(doc, ctx) {
  const figs = [...doc.querySelectorAll('figure.viz-figure[data-viz][data-ids]')].filter(
    (fig) => VIEWS[fig.dataset.viz] && fig.querySelector(':scope > .viz') && fig.querySelector(':scope > figcaption'),
  );
  const items = figs.map((fig) => createItem(doc, fig, VIEWS[fig.dataset.viz], ctx));
  if (!items.length) return null;
  const update = (s) => items.forEach((it) => it.update(s));
  const unsubscribe = ctx.state.subscribe(update);
  update(ctx.state.get());
  return { destroy: unsubscribe };
}
