// The shared scales and number formats of every view, so a probability or a byte count
// reads the same everywhere. Colours live in app.css as custom properties (--txb-*).

import { scaleLinear } from 'd3-scale';
import { format } from 'd3-format';
import { VIRIDIS } from './palette.js';

// Bars are drawn against the absolute [0, 1] range: a flat, unsure model looks flat.
export const probWidth = () => scaleLinear().domain([0, 1]).range([0, 100]).clamp(true);

const pct = format('.3~p');
const sig = format('.3~s');

export function formatProb(p) {
  return p > 0 && p < 1e-6 ? '<0.0001%' : pct(p);
}

// Milliseconds and tokens per second: one decimal, everywhere.
export function formatMs(ms) {
  return Number.isFinite(ms) ? ms.toFixed(1) : '–';
}

export function formatBytes(n) {
  return `${sig(n)}B`;
}

// Spaces and line breaks are the most common GPT-2 token parts; make them visible.
export function visibleText(text) {
  return text.replace(/ /g, '\u2423').replace(/\n/g, '\u21b5').replace(/\t/g, '\u21e5');
}

// Diverging blue (negative) – light grey (0) – orange (positive): reads for the common
// colour-vision deficiencies, and for grey-scale printing by lightness.
const DIVERGING = ['#1d4f91', '#6fa2d4', '#f4f4f2', '#f5a259', '#b34400'];
// Sequential light -> dark orange, for probabilities (0 … 1).
const SEQUENTIAL = ['#f4f4f2', '#fbd2a4', '#f5a259', '#d86a1c', '#8c2d04'];
export const MASKED = '#b9b9b9';

// A diverging colour for values in [-m, m] (m: the largest magnitude shown, never 0).
export function diverging(m) {
  const d = m > 0 && Number.isFinite(m) ? m : 1;
  const s = scaleLinear()
    .domain([-d, -d / 2, 0, d / 2, d])
    .range(DIVERGING)
    .clamp(true);
  s.kind = 'diverging';
  return s;
}

// Evenly spaced colour stops over 0 … max, linear in RGB between them (as common.py's
// sequential() interpolates the build-time figures' viridis).
function evenStops(stops, max) {
  const d = max > 0 ? max : 1;
  const s = scaleLinear()
    .domain(stops.map((_, i) => (d * i) / (stops.length - 1)))
    .range(stops)
    .clamp(true);
  s.kind = 'sequential';
  return s;
}

export const sequential = (max = 1) => evenStops(SEQUENTIAL, max);
// The build-time figures' viridis, for the live figures that replace them.
export const viridis = (max = 1) => evenStops(VIRIDIS, max);

const num = format('.4~g');
// A number as the views print it; −∞ for the mask.
export function formatValue(v) {
  if (v === -Infinity) return '−∞';
  if (v === Infinity) return '∞';
  return num(v).replace('-', '−');
}

// The text colour that reads on a cell of colour `bg` ('#rrggbb' or 'rgb(r, g, b)'): near-black
// on light cells, white on dark ones, whatever the page's own scheme (WCAG relative luminance; at the crossing both give 4.58:1).
export function inkOn(bg) {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(bg) || /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(bg);
  if (!m) return 'inherit';
  const [r, g, b] = m
    .slice(1, 4)
    .map((x) => (x.length === 2 && bg.startsWith('#') ? parseInt(x, 16) : Number(x)) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // the crossing point where #111 and #fff give the same contrast
  return lum > 0.179 ? '#000' : '#fff';
}

// A legend: the colour ramp with its end values (and the mask swatch when asked).
/** @param {Document} doc @param {any} scale @param {{ title?: string, masked?: any }} [options] */
export function legend(doc, scale, { title, masked = null } = {}) {
  const el = doc.createElement('div');
  el.className = 'txb-legend';
  const [lo, hi] = [scale.domain()[0], scale.domain().at(-1)];
  const stops = scale
    .range()
    .map((c, i, a) => `${c} ${(100 * i) / (a.length - 1)}%`)
    .join(', ');
  const mid = scale.kind === 'diverging' ? '<span>0</span>' : '';
  el.innerHTML = `<span class="txb-legend-title"></span><span class="txb-legend-ramp" style="background: linear-gradient(90deg, ${stops})"></span><span class="txb-legend-ticks"><span>${formatValue(lo)}</span>${mid}<span>${formatValue(hi)}</span></span>`;
  el.firstChild.textContent = title || '';
  if (masked) {
    const m = doc.createElement('span');
    m.className = 'txb-legend-masked';
    m.innerHTML = `<span class="txb-swatch" style="background:${MASKED}"></span>`;
    m.append(masked);
    el.append(m);
  }
  return el;
}

// A token as the views label it: its text with whitespace made visible, or its bytes in hex.
export function tokenDisplay(tok) {
  if (!tok) return '';
  return tok.bytes ? tok.text : visibleText(tok.text);
}
