// A column of linked matrix views over the same tokens (one row per token): hovering a cell
// in one shows the same cell in all, and the panel lists the value of each.

import { createMatrix } from './matrix.js';
import { labels, q, fv, linked } from './view.js';
import { diverging, legend } from '../../viz/lib/scales.js';
import { maxAbs } from './tensors.js';

// defs: [{name, label}] (label already translated); draw(trace, [{rows, cols, at, data}], captions?) redraws them.
export function createLinked(root, { t, actions, defs, sameShape = true }) {
  const doc = root.ownerDocument;
  let cur = null;
  let ms = [];
  const mats = defs.map(({ name, label }, k) =>
    createMatrix(doc, {
      name,
      caption: label,
      describe: (i, j, v) => `${q(cur, i)} · ${t('dim')} ${j}: ${fv(v)}`,
      onActive: (cell) => {
        if (sameShape) sync(cell);
        if (!cell) return actions.hover(null);
        const vals = sameShape
          ? defs.map((d, n) => [d.label, fv(ms[n].at(cell.i, cell.j))])
          : [[defs[k].label, fv(cell.value)]];
        actions.hover({
          q: cell.i,
          value: cell.value,
          lines: [[t('token_pick'), q(cur, cell.i)], [t('dim'), String(cell.j)], ...vals],
        });
      },
    }),
  );
  const sync = linked(mats);
  mats.forEach((m) => root.append(m.el));
  return {
    mats,
    draw(trace, matrices, { shared = sameShape } = {}) {
      cur = trace;
      ms = matrices;
      const rowLabels = labels(trace);
      const all = shared ? diverging(Math.max(...matrices.map((m) => maxAbs(m.data)))) : null;
      matrices.forEach((m, k) => {
        const color = all ?? diverging(maxAbs(m.data));
        mats[k].draw({ rows: m.rows, cols: m.cols, value: m.at, color, rowLabels });
        mats[k].foot.replaceChildren(legend(doc, color, { title: t('legend_value') }));
      });
    },
    destroy: () => mats.forEach((m) => m.destroy()),
  };
}
