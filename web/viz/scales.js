// The shared scales and number formats of every view, so a probability or a byte count
// reads the same everywhere. Colours live in app.css as custom properties (--txb-*).

import { scaleLinear } from 'd3-scale';
import { format } from 'd3-format';

// Bars are drawn against the absolute [0, 1] range: a flat, unsure model looks flat.
export const probWidth = () => scaleLinear().domain([0, 1]).range([0, 100]).clamp(true);

const pct = format('.3~p');
const sig = format('.3~s');

export function formatProb(p) {
  return p > 0 && p < 1e-6 ? '<0.0001%' : pct(p);
}

export function formatBytes(n) {
  return `${sig(n)}B`;
}

// Spaces and line breaks are the most common GPT-2 token parts; make them visible.
export function visibleText(text) {
  return text.replace(/ /g, '\u2423').replace(/\n/g, '\u21b5').replace(/\t/g, '\u21e5');
}
