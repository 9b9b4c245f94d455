// Every head of every layer at once (layers × heads thumbnails of the attention weights):
// a map to pick the head the other views show. Each thumbnail is a button.

import { block, watch } from '../src/explainer/view.js';
import { matrix } from '../src/explainer/tensors.js';
import { sequential } from './lib/scales.js';

export function mount(el, { state, t, actions, shown }) {
  const doc = el.ownerDocument;
  const root = block(el, 'txb-heads', t('heads_heading'));
  const grid = doc.createElement('div');
  grid.className = 'txb-heads-grid';
  grid.id = 'heads-grid';
  root.append(grid);
  grid.addEventListener('click', (ev) => {
    const b = ev.target.closest('button');
    if (b) actions.select({ layer: Number(b.dataset.layer), head: Number(b.dataset.head) });
  });

  function draw(s) {
    const tr = s.trace;
    if (!tr) return grid.replaceChildren();
    const { layer: L, head: H } = s.manifest.dims;
    grid.style.gridTemplateColumns = `auto repeat(${H}, minmax(0, 56px))`;
    const T = tr.ids.length;
    const color = sequential(1);
    const cells = [doc.createElement('span')];
    for (let h = 0; h < H; h++) cells.push(label(doc, String(h + 1), 'txb-heads-col'));
    for (let l = 0; l < L; l++) {
      cells.push(label(doc, String(l + 1), 'txb-heads-row'));
      for (let h = 0; h < H; h++) {
        const b = doc.createElement('button');
        b.type = 'button';
        b.className = 'txb-thumb';
        b.dataset.layer = l;
        b.dataset.head = h;
        b.setAttribute('aria-label', t('heads_pick', { layer: l + 1, head: h + 1 }));
        b.setAttribute('aria-pressed', String(l === s.sel.layer && h === s.sel.head));
        const c = doc.createElement('canvas');
        c.width = T;
        c.height = T;
        const g = c.getContext('2d');
        const m = matrix(tr.tensors.attn_probs, l, h);
        const img = g.createImageData(T, T);
        for (let i = 0; i < T; i++) {
          for (let j = 0; j < T; j++) {
            const rgb = j > i ? [185, 185, 185] : parse(color(m.at(i, j)));
            img.data.set([...rgb, 255], (i * T + j) * 4);
          }
        }
        g.putImageData(img, 0, 0);
        b.append(c);
        cells.push(b);
      }
    }
    grid.replaceChildren(...cells);
  }
  const unsubscribe = watch(state, (s) => [s.trace, s.sel.layer, s.sel.head], draw, shown);
  return { update: draw, destroy: () => (unsubscribe(), root.remove()) };
}

function label(doc, text, cls) {
  const s = doc.createElement('span');
  s.className = cls;
  s.textContent = text;
  return s;
}

function parse(c) {
  const m = c.match(/\d+/g);
  return m ? m.slice(0, 3).map(Number) : [0, 0, 0];
}
