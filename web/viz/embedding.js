// Embedding: each token's row of the token-embedding matrix (vocabulary × width), its
// position's row of the position-embedding matrix (context × width), and their sum, the
// input of the first block. One colour scale for all three; hover or focus shows the value
// and links the same cell in the three strips.

import { createMatrix } from '../src/explainer/matrix.js';
import { block, watch, labels, q, fv, linked } from '../src/explainer/view.js';
import { matrix, maxAbs } from '../src/explainer/tensors.js';
import { diverging, legend } from './lib/scales.js';

export function mount(el, { state, t, actions, shown }) {
  const PARTS = [
    ['tok_emb', t('embedding_tok')],
    ['pos_emb', t('embedding_pos')],
    ['embed', t('embedding_sum')],
  ];
  const doc = el.ownerDocument;
  const root = block(el, 'txb-embedding', t('embedding_heading'));
  const sizes = doc.createElement('p');
  sizes.className = 'txb-note';
  const leg = doc.createElement('div');
  root.append(sizes, leg);
  let cur = null;
  const mats = PARTS.map(([name, label]) =>
    createMatrix(doc, {
      name,
      caption: label,
      label,
      describe: (i, j, v) => `${q(cur, i)} · ${t('dim')} ${j}: ${fv(v)}`,
      onActive: (cell) => {
        sync(cell);
        if (!cell) return actions.hover(null);
        const m = PARTS.map(([n]) => matrix(cur.tensors[n]).at(cell.i, cell.j));
        actions.hover({
          q: cell.i,
          value: cell.value,
          lines: [
            [t('token_pick'), q(cur, cell.i)],
            [t('dim'), String(cell.j)],
            [PARTS[0][1], fv(m[0])],
            [PARTS[1][1], fv(m[1])],
            [PARTS[2][1], fv(m[2])],
          ],
        });
      },
    }),
  );
  const sync = linked(mats);
  mats.forEach((m) => root.append(m.el));

  function draw(s) {
    cur = s.trace;
    const d = s.manifest.dims;
    sizes.textContent = t('embedding_sizes', { V: d.vocab.toLocaleString(), N: s.manifest.config.n_ctx, C: d.embd });
    if (!cur) return;
    const ms = PARTS.map(([n]) => matrix(cur.tensors[n]));
    const color = diverging(Math.max(...ms.map((m) => maxAbs(m.data))));
    leg.replaceChildren(legend(doc, color, { title: t('legend_value') }));
    const rowLabels = labels(cur);
    ms.forEach((m, k) => mats[k].draw({ rows: m.rows, cols: m.cols, value: m.at, color, rowLabels }));
  }
  const unsubscribe = watch(state, (s) => [s.trace], draw, shown);
  return { update: draw, destroy: () => (unsubscribe(), mats.forEach((m) => m.destroy()), root.remove()) };
}
