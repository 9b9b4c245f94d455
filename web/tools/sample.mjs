#!/usr/bin/env node
// stdin: JSON [{logits: [...], settings: {...}, seed, draws}]; stdout: JSON, per case,
// {order (first 20 ids), kept, probs (first 20), cumulative (first 20), ids, us}.
// Used by the Python tests to check web/src/sampling.js against a NumPy reference.

import { samplingSteps, sampleNext } from '../src/sampling.js';
import { seededRandom } from '../src/rng.js';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const head = (a) => Array.from(a.slice(0, 20));
const out = cases.map(({ logits, settings, seed, draws }) => {
  const xs = Float32Array.from(logits, (v) => (v === null ? -Infinity : v));
  const s = samplingSteps(xs, settings);
  const rng = seededRandom(seed);
  const ids = [];
  const us = [];
  for (let i = 0; i < draws; i++) {
    const d = sampleNext(xs, settings, rng);
    ids.push(d.id);
    us.push(d.u);
  }
  return { order: head(s.order), kept: s.kept, probs: head(s.probs), cumulative: head(s.cumulative), ids, us };
});
process.stdout.write(`${JSON.stringify(out)}\n`);
