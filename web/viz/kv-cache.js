// The key/value cache: per layer, one cell per cached token (the norm of its key and of its
// value over every head), growing by one cell each generated token; the cache's size; and the
// saving, measured when the reader presses #kv-measure (once, a few repetitions): ms per token
// with the cache against re-running the whole sequence. Before that, the cached row shows the
// last generation's own steps. Hooks: #kv-view data-positions; #kv-timing data-cached-ms /
// data-full-ms / data-ratio; #kv-measure.

import { block, para, fv, elem } from '../src/explainer/view.js';
import { cacheBytes, timingSummary } from '../src/gen/kv-cache.js';
import { sequential, formatBytes, formatMs } from './lib/scales.js';

export function mount(el, { state, t, actions }) {
  const doc = el.ownerDocument;
  const root = block(el, 'txb-kv', t('kv_heading'));
  root.id = 'kv-view';
  root.append(para(doc, 'txb-intro', t('kv_intro')));
  const size = para(doc, 'txb-note');
  size.id = 'kv-size';
  const grids = doc.createElement('div');
  grids.className = 'txb-kv-grids';
  const table = doc.createElement('table');
  table.className = 'txb-stats';
  table.id = 'kv-timing';
  table.innerHTML =
    '<caption></caption><thead><tr><th scope="col"></th><th scope="col"></th><th scope="col"></th><th scope="col"></th></tr></thead><tbody><tr data-kind="cached"><th scope="row"></th><td></td><td></td><td></td></tr><tr data-kind="full"><th scope="row"></th><td></td><td></td><td></td></tr></tbody>';
  table.caption.textContent = t('kv_timing_caption');
  [t('kv_col_run'), t('kv_col_ms'), t('kv_col_tps'), t('kv_col_n')].forEach(
    (text, i) => (table.tHead.rows[0].cells[i].textContent = text),
  );
  table.tBodies[0].rows[0].cells[0].textContent = t('kv_cached');
  table.tBodies[0].rows[1].cells[0].textContent = t('kv_full');
  const ratio = para(doc, 'txb-note');
  ratio.id = 'kv-ratio';
  ratio.setAttribute('aria-live', 'polite');
  const measure = elem(doc, 'button', 'txb-step', t('kv_measure'), { type: 'button', id: 'kv-measure' });
  measure.addEventListener('click', () => actions.measureCompare());
  const measureRow = elem(doc, 'div', 'txb-kv-measure');
  measureRow.append(measure, ratio);
  root.append(size, grids, table, measureRow);

  function grid(label, norms, fresh) {
    const fig = doc.createElement('figure');
    fig.className = 'txb-kv-grid';
    const cap = doc.createElement('figcaption');
    cap.textContent = label;
    fig.append(cap);
    const max = Math.max(1e-9, ...norms.map((r) => Math.max(...r)));
    const color = sequential(max);
    norms.forEach((row, l) => {
      const line = doc.createElement('div');
      line.className = 'txb-kv-row';
      line.dataset.layer = l;
      line.dataset.positions = row.length;
      const name = doc.createElement('span');
      name.className = 'txb-kv-layer';
      name.textContent = t('layer_of', { i: l + 1, n: norms.length });
      const cells = doc.createElement('span');
      cells.className = 'txb-kv-cells';
      row.forEach((v, p) => {
        const c = doc.createElement('span');
        c.className = `txb-kv-cell${p >= row.length - fresh ? ' is-new' : ''}`;
        c.style.background = color(v);
        c.title = `${p + 1}: ${fv(v)}`;
        cells.append(c);
      });
      line.append(name, cells);
      fig.append(line);
    });
    return fig;
  }

  let shown = {};
  function update(s) {
    if (s.gen === shown.gen && s.model === shown.model && s.ids === shown.ids) return;
    shown = s;
    const { cache, timings, compare } = s.gen;
    const dims = s.manifest.dims;
    if (!cache) {
      root.dataset.positions = '0';
      size.textContent = t('kv_empty');
      grids.replaceChildren();
    } else {
      const [L, H, P, D] = cache.dims;
      root.dataset.positions = String(P);
      size.textContent = t('kv_size', {
        P,
        L,
        H,
        D,
        bytes: formatBytes(cacheBytes(dims, P)),
        fed: cache.fed,
        reused: cache.reused,
      });
      if (cache.norms)
        grids.replaceChildren(
          grid(t('kv_keys'), cache.norms.key, cache.fed),
          grid(t('kv_values'), cache.norms.value, cache.fed),
        );
    }
    // the measurement, while it is of the current sequence; else the generation's own steps
    const fresh = compare && !compare.running && compare.positions === s.ids?.length && compare.timings;
    const sum = timingSummary(fresh ? compare.timings : timings);
    measure.disabled = s.model.phase !== 'ready' || s.gen.running || !!compare?.running || !(s.ids?.length >= 2);
    measure.textContent = compare?.running ? t('kv_measuring') : t('kv_measure');
    const fill = (tr, x) => {
      tr.cells[1].textContent = x ? formatMs(x.ms) : '–';
      tr.cells[2].textContent = x ? formatMs(x.perSecond) : '–';
      tr.cells[3].textContent = x ? String(x.n) : '0';
    };
    fill(table.tBodies[0].rows[0], sum.cached);
    fill(table.tBodies[0].rows[1], sum.full);
    table.dataset.cachedMs = sum.cached ? String(sum.cached.ms) : '';
    table.dataset.fullMs = sum.full ? String(sum.full.ms) : '';
    table.dataset.ratio = sum.ratio ? String(sum.ratio) : '';
    // one figure swings from run to run: the range of the runs and why
    const x = (v) => v.toFixed(1);
    ratio.textContent = !sum.ratio
      ? t('kv_ratio_none')
      : sum.range
        ? t('kv_ratio_range', { x: x(sum.ratio), lo: x(sum.range[0]), hi: x(sum.range[1]) })
        : t('kv_ratio', { x: x(sum.ratio) });
  }
  const unsubscribe = state.subscribe(update);
  update(state.get());
  return { update, destroy: () => (unsubscribe(), root.remove()) };
}
