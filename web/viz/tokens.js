// Token chips: each token of the prompt as the model sees it, with its id.

import { select } from 'd3-selection';
import { visibleText } from './scales.js';

export function mount(el, { state, t }) {
  const root = select(el).append('div').attr('class', 'txb-tokens');
  root.append('h3').attr('class', 'txb-h').attr('id', 'tokens-heading').text(t('tokens_heading'));
  const list = root.append('ol').attr('id', 'tokens').attr('class', 'txb-chips').attr('aria-labelledby', 'tokens-heading');
  const note = root.append('p').attr('class', 'txb-note').attr('aria-live', 'polite');

  let shown = null;
  function update(s) {
    if (s.tokens === shown?.tokens && s.truncated === shown?.truncated) return;
    shown = s;
    list
      .selectAll('li')
      .data(s.tokens)
      .join((enter) => {
        const li = enter.append('li').attr('class', 'txb-chip');
        li.append('span').attr('class', 'txb-chip-text');
        li.append('span').attr('class', 'txb-chip-id');
        return li;
      })
      .attr('data-token-id', (d) => d.id)
      .classed('txb-bytes', (d) => d.bytes)
      .call((li) => li.select('.txb-chip-text').text((d) => (d.bytes ? d.text : visibleText(d.text))))
      .call((li) => li.select('.txb-chip-id').text((d) => d.id));
    const count = s.tokenCount ?? s.tokens.length;
    note.text(
      s.truncated
        ? t('tokens_truncated', { n: count, max: s.manifest.maxTokens })
        : t('tokens_count', { n: count, max: s.manifest.maxTokens }),
    );
  }

  const unsubscribe = state.subscribe(update);
  update(state.get());
  return { update, destroy: () => (unsubscribe(), root.remove()) };
}
