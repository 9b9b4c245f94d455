// The MLP of the chosen layer: ln_2, the expansion to 4× width (mlp_pre), GELU (its curve,
// with the chosen token's pre-activations placed on it: the model's mlp_pre against its
// mlp_act), the projection back (mlp_out) and the residual add (resid_post); the token's
// largest activations listed.

import { block, watch, q, fv, para } from '../src/explainer/view.js';
import { createLinked } from '../src/explainer/matrices.js';
import { matrix } from '../src/explainer/tensors.js';
import { gelu, topK } from '../src/numerics.js';
import { posOf } from '../src/explainer/stages.js';

const NS = 'http://www.w3.org/2000/svg';
const TOP = 8;

export function mount(el, { state, t, actions, shown }) {
  const doc = el.ownerDocument;
  const root = block(el, 'txb-mlp', t('mlp_heading'));
  const note = para(doc, 'txb-note');
  root.append(note);
  const inp = createLinked(root, { t, actions, defs: [{ name: 'ln2', label: t('mlp_ln2') }] });
  const wide = createLinked(root, {
    t,
    actions,
    defs: [
      { name: 'mlp_pre', label: t('mlp_pre') },
      { name: 'mlp_act', label: t('mlp_act') },
    ],
  });
  const plotBox = doc.createElement('figure');
  plotBox.className = 'txb-gelu';
  const cap = doc.createElement('figcaption');
  cap.className = 'txb-matrix-cap';
  const svg = doc.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 320 200');
  svg.setAttribute('role', 'img');
  plotBox.append(cap, svg);
  const topHead = doc.createElement('h5');
  topHead.className = 'txb-view-h';
  const top = doc.createElement('ol');
  top.className = 'txb-acts';
  top.id = 'mlp-top';
  root.append(plotBox, topHead, top);
  const back = createLinked(root, {
    t,
    actions,
    defs: [
      { name: 'mlp_out', label: t('mlp_out') },
      { name: 'resid_post', label: t('mlp_resid') },
    ],
  });

  function plot(pre, act) {
    let lo = -4;
    let hi = 4;
    for (const x of pre) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    const ylo = -0.4;
    const yhi = Math.max(gelu(hi), 1);
    const X = (x) => 30 + ((x - lo) / (hi - lo)) * 280;
    const Y = (y) => 185 - ((y - ylo) / (yhi - ylo)) * 175;
    const parts = [];
    const axis = (x1, y1, x2, y2) => {
      const l = doc.createElementNS(NS, 'line');
      Object.entries({ x1, y1, x2, y2 }).forEach(([k, v]) => l.setAttribute(k, v));
      l.setAttribute('class', 'txb-axis');
      parts.push(l);
    };
    axis(X(lo), Y(0), X(hi), Y(0));
    axis(X(0), Y(ylo), X(0), Y(yhi));
    let d = '';
    for (let n = 0; n <= 120; n++) {
      const x = lo + ((hi - lo) * n) / 120;
      d += `${n ? 'L' : 'M'}${X(x).toFixed(1)},${Y(gelu(x)).toFixed(1)}`;
    }
    const curve = doc.createElementNS(NS, 'path');
    curve.setAttribute('d', d);
    curve.setAttribute('class', 'txb-curve');
    parts.push(curve);
    for (let i = 0; i < pre.length; i++) {
      const c = doc.createElementNS(NS, 'circle');
      c.setAttribute('cx', X(pre[i]).toFixed(1));
      c.setAttribute('cy', Y(act[i]).toFixed(1));
      c.setAttribute('r', '2.2');
      c.setAttribute('class', 'txb-dot');
      parts.push(c);
    }
    for (const [x, text] of [
      [lo, fv(lo)],
      [hi, fv(hi)],
    ]) {
      const tx = doc.createElementNS(NS, 'text');
      tx.setAttribute('x', X(x));
      tx.setAttribute('y', 198);
      tx.setAttribute('text-anchor', x === lo ? 'start' : 'end');
      tx.setAttribute('class', 'txb-tick');
      tx.textContent = text;
      parts.push(tx);
    }
    svg.replaceChildren(...parts);
  }

  function draw(s) {
    const tr = s.trace;
    if (!tr) return;
    const l = s.sel.layer;
    const p = posOf(s);
    const d = s.manifest.dims;
    note.textContent = t('mlp_sizes', { C: d.embd, M: d.mlp, layer: l + 1 });
    inp.draw(tr, [matrix(tr.tensors.ln2, l)]);
    const pre = matrix(tr.tensors.mlp_pre, l);
    const act = matrix(tr.tensors.mlp_act, l);
    wide.draw(tr, [pre, act], { shared: false });
    const rp = pre.data.subarray(p * d.mlp, (p + 1) * d.mlp);
    const ra = act.data.subarray(p * d.mlp, (p + 1) * d.mlp);
    cap.textContent = t('mlp_gelu', { token: q(tr, p), n: d.mlp });
    svg.setAttribute('aria-label', t('mlp_gelu', { token: q(tr, p), n: d.mlp }));
    plot(rp, ra);
    topHead.textContent = t('mlp_top', { token: q(tr, p), k: TOP });
    top.replaceChildren(
      ...topK(ra, TOP).map((i) => {
        const li = doc.createElement('li');
        li.dataset.neuron = i;
        li.dataset.value = String(ra[i]);
        li.dataset.pre = String(rp[i]);
        li.textContent = t('mlp_neuron', { i, pre: fv(rp[i]), act: fv(ra[i]) });
        return li;
      }),
    );
    back.draw(tr, [matrix(tr.tensors.mlp_out, l), matrix(tr.tensors.resid_post, l)], { shared: false });
  }
  const unsubscribe = watch(state, (s) => [s.trace, s.sel.layer, s.sel.pos], draw, shown);
  return { update: draw, destroy: () => (unsubscribe(), inp.destroy(), wide.destroy(), back.destroy(), root.remove()) };
}
