// The ten most probable next tokens with their probabilities (softmax over the whole
// vocabulary). Rows carry data-token-id / data-prob, the list data-status / data-variant /
// data-ids: the hooks the browser tests read.

import { select } from 'd3-selection';
import { formatProb, probWidth, visibleText } from './lib/scales.js';

export function mount(el, { state, t }) {
  const root = select(el).append('div').attr('class', 'txb-next');
  root.append('h3').attr('class', 'txb-h').attr('id', 'top-heading').text(t('top_heading'));
  const caption = root.append('p').attr('class', 'txb-caption').attr('aria-live', 'polite');
  const list = root
    .append('ol')
    .attr('id', 'top-tokens')
    .attr('class', 'txb-top')
    .attr('aria-labelledby', 'top-heading');
  const x = probWidth();

  let shown = null;
  function update(s) {
    const top = s.top;
    if (top === shown) return;
    shown = top;
    list
      .attr('data-status', top.status)
      .attr('data-ids', top.ids.join(','))
      .attr('data-variant', top.kind === 'live' ? top.variant : null)
      .attr('aria-busy', top.status === 'loading' ? 'true' : null);
    drawRows(list, top.rows, x);
    caption.text(captionText(top, s, t));
  }

  const unsubscribe = state.subscribe(update);
  update(state.get());
  return { update, destroy: () => (unsubscribe(), root.remove()) };
}

// The rows of a list (a d3 selection of an <ol>): token, id, bar, probability. The article's
// live probability figure draws with it too.
export function drawRows(list, rows, x = probWidth()) {
  list
    .selectAll('li')
    .data(rows)
    .join((enter) => {
      const li = enter.append('li').attr('class', 'txb-row');
      li.append('span').attr('class', 'txb-row-token');
      li.append('span').attr('class', 'txb-row-id');
      li.append('span').attr('class', 'txb-row-bar').append('span').attr('class', 'txb-row-fill');
      li.append('span').attr('class', 'txb-row-prob');
      return li;
    })
    .attr('data-token-id', (d) => d.id)
    .attr('data-prob', (d) => String(d.prob))
    .classed('txb-bytes', (d) => d.bytes)
    .call((li) => li.select('.txb-row-token').text((d) => (d.bytes ? d.text : visibleText(d.text))))
    .call((li) => li.select('.txb-row-id').text((d) => d.id))
    .call((li) => li.select('.txb-row-fill').style('width', (d) => `${x(d.prob)}%`))
    .call((li) => li.select('.txb-row-prob').text((d) => formatProb(d.prob)));
}

function captionText(top, s, t) {
  if (top.status === 'error') return t('top_error', { error: top.error || s.model.error });
  if (top.status === 'example') {
    const ex = s.manifest.examples.find((e) => e.ids.join() === top.ids.join()) || s.manifest.examples[0];
    return t('top_example', { prompt: ex?.prompt ?? '' }); // the example the rows belong to
  }
  if (s.ids?.length === 0) return t('prompt_empty'); // nothing to compute, not "Computing…"
  if (top.status === 'loading') return t('top_loading');
  if (top.rows.length === 0) return t('prompt_empty');
  return t('top_ready', { variant: top.variant, ms: Math.round(top.ms ?? 0) });
}
