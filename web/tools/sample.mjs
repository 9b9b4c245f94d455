#!/usr/bin/env node
// stdin: JSON [{logits: [...], settings: {...}, seed, draws}]; stdout: JSON, per case,
// {order (first 20 ids), kept, probs (first 20), cumulative (first 20), ids, us}.
// Used by the Python tests to check web/src/sampling.js against a NumPy reference, through
// drawFor: the draw the app's generation loop calls (draw n takes the seed's n-th number).

import { samplingSteps } from '../src/sampling.js';
import { drawFor } from '../src/gen/draw.js';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const head = (a) => Array.from(a.slice(0, 20));
const out = cases.map(({ logits, settings, seed, draws }) => {
  const xs = Float32Array.from(logits, (v) => (v === null ? -Infinity : v));
  const s = samplingSteps(xs, settings);
  const ids = [];
  const us = [];
  for (let i = 0; i < draws; i++) {
    const d = drawFor(xs, { ...settings, seed }, i);
    ids.push(d.id);
    us.push(d.u); // null for greedy (no number is drawn)
  }
  return { order: head(s.order), kept: s.kept, probs: head(s.probs), cumulative: head(s.cumulative), ids, us };
});
process.stdout.write(`${JSON.stringify(out)}\n`);
