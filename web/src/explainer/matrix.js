// One matrix view on a canvas: a cell per value, tokens (or indices) along the edges, and an
// active cell driven by mouse, touch or keyboard (arrows, Home/End, Escape). The active
// cell's value is written to the figure's data-value/data-row/data-col (full precision, the
// hook the browser tests read) and to an aria-live readout; `onActive` tells the view.
// data-values holds every value of small matrices (≤ 4096 cells) for the same tests.

import { MASKED, formatValue } from '../../viz/lib/scales.js';

const MAX_LISTED = 4096;

/**
 * @param {Document} doc
 * @param {{ name: string, caption?: string, label?: string, onActive?: (cell: any) => void, describe?: any }} options
 */
export function createMatrix(doc, { name, caption, label, onActive = () => {}, describe = null }) {
  const fig = doc.createElement('figure');
  fig.className = 'txb-matrix';
  fig.dataset.name = name;
  const cap = doc.createElement('figcaption');
  cap.className = 'txb-matrix-cap';
  cap.textContent = caption || '';
  const canvas = doc.createElement('canvas');
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label || caption || name);
  const readout = doc.createElement('p');
  readout.className = 'txb-readout';
  readout.setAttribute('aria-live', 'polite');
  const foot = doc.createElement('div');
  foot.className = 'txb-matrix-foot';
  // wide matrices scroll inside the figure; app.css draws a shadow on the side that has more
  const frame = doc.createElement('div');
  frame.className = 'txb-scroll-frame';
  const scroll = doc.createElement('div');
  scroll.className = 'txb-scroll';
  scroll.append(canvas);
  frame.append(scroll);
  fig.append(cap, frame, readout, foot);
  // data-more names the sides with more to scroll to (app.css shades them and shows a hint)
  const cueNow = () => {
    const more = [];
    if (scroll.scrollLeft > 1) more.push('left');
    if (scroll.scrollLeft + scroll.clientWidth < scroll.scrollWidth - 1) more.push('right');
    return () => (frame.dataset.more = more.join(' '));
  };
  const cue = () => cueNow()();
  scroll.addEventListener('scroll', cue, { passive: true });
  doc.defaultView?.addEventListener('resize', cue);

  const base = doc.createElement('canvas');
  let spec = null;
  let geo = null;
  let active = null;

  function layout(s) {
    const left = s.rowLabels ? 84 : 30;
    const top = s.colLabels ? 62 : 18;
    const cw = s.cellW ?? Math.max(1, Math.min(16, Math.floor(720 / s.cols)));
    const ch = s.cellH ?? Math.max(2, Math.min(16, Math.floor(420 / s.rows)));
    return { left, top, cw, ch, w: left + s.cols * cw + 4, h: top + s.rows * ch + 4 };
  }

  function paintBase() {
    const dpr = Math.min(2, doc.defaultView?.devicePixelRatio || 1);
    const { w, h, left, top, cw, ch } = geo;
    for (const c of [base, canvas]) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    canvas.style.aspectRatio = `${w} / ${h}`;
    canvas.style.width = `${w}px`;
    const g = base.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    // One pixel per cell in an ImageData, filled in one loop and scaled up without smoothing:
    // the same picture as a fillRect per cell, without a canvas call per cell (a vocabulary
    // wide matrix has hundreds of thousands). Non-colour fills (the hatch pattern) keep fillRect.
    const { rows, cols } = spec;
    const px = new Uint8ClampedArray(rows * cols * 4);
    const other = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = spec.value(i, j);
        if (v === null || v === undefined) continue;
        const fill = v === -Infinity ? MASKED : spec.colorAt ? spec.colorAt(i, j, v) : spec.color(v);
        if (typeof fill !== 'string') {
          other.push(i, j, fill);
          continue;
        }
        const rgba = rgbaOf(doc, fill);
        const o = (i * cols + j) * 4;
        px[o] = rgba[0];
        px[o + 1] = rgba[1];
        px[o + 2] = rgba[2];
        px[o + 3] = rgba[3];
      }
    }
    if (rows > 0 && cols > 0) {
      const cells = doc.createElement('canvas');
      cells.width = cols;
      cells.height = rows;
      cells.getContext('2d').putImageData(new ImageData(px, cols, rows), 0, 0);
      g.imageSmoothingEnabled = false;
      g.drawImage(cells, left, top, cols * cw, rows * ch);
      g.imageSmoothingEnabled = true;
    }
    for (let k = 0; k < other.length; k += 3) {
      g.fillStyle = other[k + 2];
      g.fillRect(left + other[k + 1] * cw, top + other[k] * ch, cw, ch);
    }
    const ink = doc.defaultView?.getComputedStyle(fig).color || '#222';
    g.fillStyle = ink;
    g.font = "11px ui-monospace, Menlo, Consolas, monospace, 'Pretendard Variable', Pretendard";
    g.textBaseline = 'middle';
    const rowEvery = Math.ceil(11 / ch);
    for (let i = 0; i < spec.rows; i += rowEvery) {
      const text = spec.rowLabels ? spec.rowLabels[i] : String(i);
      g.textAlign = 'right';
      g.fillText(clip(text, 11), left - 4, top + i * ch + ch / 2);
    }
    if (spec.colLabels) {
      const every = Math.ceil(11 / cw);
      for (let j = 0; j < spec.cols; j += every) {
        g.save();
        g.translate(left + j * cw + cw / 2, top - 4);
        g.rotate(-Math.PI / 4);
        g.textAlign = 'left';
        g.fillText(clip(spec.colLabels[j], 9), 0, 0);
        g.restore();
      }
    } else {
      const every = niceStep(spec.cols, cw);
      g.textAlign = 'center';
      for (let j = 0; j < spec.cols; j += every) g.fillText(String(j), left + j * cw + cw / 2, top - 8);
    }
  }

  function paint() {
    const g = canvas.getContext('2d');
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.drawImage(base, 0, 0);
    if (!active) return;
    const dpr = canvas.width / geo.w;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const { left, top, cw, ch } = geo;
    // the page's ink (dark on light, light on dark) so the outline shows in both schemes
    const ink = doc.defaultView?.getComputedStyle(fig).color || '#000';
    g.strokeStyle = ink;
    g.globalAlpha = 0.6;
    g.lineWidth = 1;
    g.strokeRect(left - 0.5, top + active.i * ch - 0.5, spec.cols * cw + 1, ch + 1);
    if (spec.highlightCol !== false) g.strokeRect(left + active.j * cw - 0.5, top - 0.5, cw + 1, spec.rows * ch + 1);
    g.globalAlpha = 1;
    g.lineWidth = 2;
    g.strokeRect(left + active.j * cw - 1, top + active.i * ch - 1, cw + 2, ch + 2);
  }

  function setActive(cell, { silent = false } = {}) {
    if (!spec) return;
    if (cell) cell = { i: clampInt(cell.i, spec.rows), j: clampInt(cell.j, spec.cols) };
    active = cell;
    if (cell) {
      const v = spec.value(cell.i, cell.j);
      fig.dataset.row = cell.i;
      fig.dataset.col = cell.j;
      fig.dataset.value = String(v);
      readout.textContent = describe ? describe(cell.i, cell.j, v) : `[${cell.i}, ${cell.j}] = ${formatValue(v)}`;
    } else {
      delete fig.dataset.row;
      delete fig.dataset.col;
      delete fig.dataset.value;
      readout.textContent = '';
    }
    paint();
    if (cell && !silent && doc.activeElement === canvas) keepInView(cell);
    if (!silent) onActive(cell && { ...cell, value: spec.value(cell.i, cell.j) });
  }

  function keepInView(cell) {
    const x = ((geo.left + cell.j * geo.cw) * canvas.clientWidth) / geo.w;
    if (x < scroll.scrollLeft + 84 || x > scroll.scrollLeft + scroll.clientWidth - 20)
      scroll.scrollLeft = x - scroll.clientWidth / 2;
  }

  function cellAt(ev) {
    const r = canvas.getBoundingClientRect();
    const x = ((ev.clientX - r.left) * geo.w) / r.width;
    const y = ((ev.clientY - r.top) * geo.h) / r.height;
    const j = Math.floor((x - geo.left) / geo.cw);
    const i = Math.floor((y - geo.top) / geo.ch);
    return i >= 0 && i < spec.rows && j >= 0 && j < spec.cols ? { i, j } : null;
  }

  const onMove = (ev) => {
    if (!spec) return;
    const c = cellAt(ev);
    if (c && (c.i !== active?.i || c.j !== active?.j)) setActive(c);
  };
  const onLeave = () => doc.activeElement !== canvas && active && setActive(null);
  const onFocus = () => !active && spec && setActive(spec.startCell ?? { i: spec.rows - 1, j: 0 });
  const onBlur = () => active && setActive(null);
  const onKey = (ev) => {
    if (!spec) return;
    const a = active ?? { i: 0, j: 0 };
    const moves = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      Home: [0, -a.j],
      End: [0, spec.cols - 1 - a.j],
      PageUp: [-10, 0],
      PageDown: [10, 0],
    };
    if (ev.key === 'Escape') return setActive(null);
    const m = moves[ev.key];
    if (!m) return;
    ev.preventDefault();
    setActive({ i: a.i + m[0], j: a.j + m[1] });
  };
  const listeners = {
    pointermove: onMove,
    pointerdown: onMove,
    pointerleave: onLeave,
    focus: onFocus,
    blur: onBlur,
    keydown: onKey,
  };
  for (const [type, fn] of Object.entries(listeners)) canvas.addEventListener(type, fn);

  return {
    el: fig,
    foot,
    // spec: {rows, cols, value(i, j), color(v), colorAt?(i, j, v), rowLabels?, colLabels?, cellW?, cellH?, startCell?}
    draw(s) {
      spec = s;
      geo = layout(s);
      fig.dataset.layout = [geo.left, geo.top, geo.cw, geo.ch, geo.w, geo.h].join(' ');
      fig.dataset.rows = s.rows;
      fig.dataset.cols = s.cols;
      if (s.rows * s.cols <= MAX_LISTED) {
        const vals = [];
        for (let i = 0; i < s.rows; i++) for (let j = 0; j < s.cols; j++) vals.push(String(s.value(i, j)));
        fig.dataset.values = vals.join(',');
      } else delete fig.dataset.values;
      paintBase();
      cueLater(cueNow);
      if (active && (active.i >= s.rows || active.j >= s.cols)) active = null;
      if (active) setActive(active, { silent: true });
      else paint();
    },
    setActive,
    caption: (text) => (cap.textContent = text),
    destroy() {
      for (const [type, fn] of Object.entries(listeners)) canvas.removeEventListener(type, fn);
      doc.defaultView?.removeEventListener('resize', cue);
      fig.remove();
    },
  };
}

// A CSS colour as [r, g, b, a] bytes: '#rrggbb' and 'rgb(a)(…)' (what the scales
// give) parsed here, anything else (#rgb, names, hsl()) painted once on a 1×1 canvas and read back. Cached.
const rgbaCache = new Map();
let probe = null;
function rgbaOf(doc, css) {
  let c = rgbaCache.get(css);
  if (c) return c;
  let m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css);
  if (m) c = [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16), 255];
  else if ((m = /^rgba?\(\s*(\d+),\s*(\d+),\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(css)))
    c = [+m[1], +m[2], +m[3], m[4] === undefined ? 255 : Math.round(+m[4] * 255)];
  else {
    probe ??= doc.createElement('canvas').getContext('2d', { willReadFrequently: true });
    probe.canvas.width = probe.canvas.height = 1;
    probe.clearRect(0, 0, 1, 1);
    probe.fillStyle = css;
    probe.fillRect(0, 0, 1, 1);
    c = [...probe.getImageData(0, 0, 1, 1).data];
  }
  if (rgbaCache.size > 65536) rgbaCache.clear();
  rgbaCache.set(css, c);
  return c;
}

// The scroll cues of every matrix drawn in one task, read together in the next frame and then
// written: reading scrollWidth right after a draw forces a layout per matrix (a view draws
// dozens); one frame later the reads share one layout and no write comes between them.
const cueQueue = new Set();
function cueLater(read) {
  if (cueQueue.size === 0) {
    const run = () => {
      const writes = [...cueQueue].map((r) => r());
      cueQueue.clear();
      writes.forEach((w) => w());
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    else queueMicrotask(run);
  }
  cueQueue.add(read);
}

const clampInt = (x, n) => Math.max(0, Math.min(n - 1, Math.round(x)));
const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function niceStep(n, cw) {
  const min = Math.ceil(28 / cw);
  for (const s of [1, 2, 4, 5, 8, 10, 16, 20, 32, 50, 64, 100, 128, 256]) if (s >= min) return s;
  return Math.ceil(n / 4);
}
