// Block overview: the residual stream from the embedding through every block to the final
// layer norm, with the length of the chosen token's vector at each step, the current block's
// inner path (LN → attention → add → LN → MLP → add) and the stream after the block for all
// tokens. A block in the stream is a button that selects its layer.

import { createMatrix } from '../src/explainer/matrix.js';
import { block, watch, labels, q, fv, para } from '../src/explainer/view.js';
import { matrix, blockInput, norm, maxAbs } from '../src/explainer/tensors.js';
import { posOf } from '../src/explainer/stages.js';
import { diverging, legend } from './lib/scales.js';

export function mount(el, { state, t, actions, shown }) {
  const doc = el.ownerDocument;
  const root = block(el, 'txb-blocks', t('blocks_heading'));
  const stream = doc.createElement('ol');
  stream.className = 'txb-stream';
  stream.id = 'residual-stream';
  const path = doc.createElement('ol');
  path.className = 'txb-path';
  let cur = null;
  const mat = createMatrix(doc, {
    name: 'resid_post',
    caption: t('blocks_after'),
    describe: (i, j, v) => `${q(cur, i)} · ${t('dim')} ${j}: ${fv(v)}`,
    onActive: (c) =>
      actions.hover(
        c && {
          q: c.i,
          value: c.value,
          lines: [
            [t('token_pick'), q(cur, c.i)],
            [t('dim'), String(c.j)],
            [t('blocks_after'), fv(c.value)],
          ],
        },
      ),
  });
  root.append(para(doc, 'txb-note', t('blocks_stream_note')), stream, path, mat.el);
  stream.addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-layer]');
    if (b) actions.select({ layer: Number(b.dataset.layer) });
  });
  path.addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-stage]');
    if (b) actions.select({ stage: Number(b.dataset.stage) });
  });

  function item(text, value, cls) {
    const li = doc.createElement('li');
    li.className = cls;
    const a = doc.createElement('span');
    a.textContent = text;
    const b = doc.createElement('span');
    b.className = 'txb-num';
    b.textContent = value;
    li.append(a, b);
    return li;
  }

  function draw(s) {
    cur = s.trace;
    if (!cur) return;
    const p = posOf(s);
    const L = s.manifest.dims.layer;
    const tn = cur.tensors;
    const row = (tensor, l) =>
      (l === undefined ? matrix(tensor) : matrix(tensor, l)).data.subarray(
        p * s.manifest.dims.embd,
        (p + 1) * s.manifest.dims.embd,
      );
    const items = [item(t('blocks_embed'), `‖x‖ = ${fv(norm(row(tn.embed)))}`, 'txb-stream-emb')];
    for (let l = 0; l < L; l++) {
      const li = doc.createElement('li');
      li.className = 'txb-stream-block';
      const b = doc.createElement('button');
      b.type = 'button';
      b.dataset.layer = l;
      b.setAttribute('aria-pressed', String(l === s.sel.layer));
      b.setAttribute('aria-current', l === s.sel.layer ? 'step' : 'false');
      const n = norm(row(tn.resid_post, l));
      b.dataset.value = String(n);
      b.textContent = `${t('layer')} ${l + 1}: ‖x‖ = ${fv(n)}`;
      li.append(b);
      items.push(li);
    }
    items.push(item(t('blocks_lnf'), `‖x‖ = ${fv(norm(row(tn.ln_f)))}`, 'txb-stream-out'));
    stream.replaceChildren(...items);

    const l = s.sel.layer;
    const x = blockInput(tn, l).data.subarray(p * s.manifest.dims.embd, (p + 1) * s.manifest.dims.embd);
    const steps = [
      [t('blocks_in'), norm(x), null],
      [t('blocks_ln1'), norm(row(tn.ln1, l)), 7],
      [t('blocks_attn'), norm(row(tn.attn_out, l)), 4],
      [t('blocks_add1'), norm(row(tn.resid_mid, l)), 5],
      [t('blocks_ln2'), norm(row(tn.ln2, l)), 7],
      [t('blocks_mlp'), norm(row(tn.mlp_out, l)), 6],
      [t('blocks_add2'), norm(row(tn.resid_post, l)), 7],
    ];
    path.replaceChildren(
      ...steps.map(([key, n, stage]) => {
        const li = doc.createElement('li');
        const b = doc.createElement(stage === null ? 'span' : 'button');
        if (stage !== null) {
          b.type = 'button';
          b.dataset.stage = stage;
        }
        b.textContent = `${key}: ‖·‖ = ${fv(n)}`;
        li.append(b);
        return li;
      }),
    );
    path.setAttribute('aria-label', t('blocks_path', { layer: l + 1, token: q(cur, p) }));
    const m = matrix(tn.resid_post, l);
    const color = diverging(maxAbs(m.data));
    mat.caption(t('blocks_after_layer', { layer: l + 1 }));
    mat.draw({ rows: m.rows, cols: m.cols, value: m.at, color, rowLabels: labels(cur) });
    mat.foot.replaceChildren(legend(doc, color, { title: t('legend_value') }));
  }
  const unsubscribe = watch(state, (s) => [s.trace, s.sel.layer, s.sel.pos], draw, shown);
  return { update: draw, destroy: () => (unsubscribe(), mat.destroy(), root.remove()) };
}
