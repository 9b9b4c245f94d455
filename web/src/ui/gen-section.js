// "Sampling and generation": the notice about a malformed shared URL, the generation
// controls, the sampling view, the key/value cache and the logit lens.

import { mount as mountGenerate } from './generate.js';
import { mount as mountSampling } from '../../viz/sampling.js';
import { mount as mountKv } from '../../viz/kv-cache.js';
import { mount as mountLens } from '../../viz/lens.js';
import { elem } from '../explainer/view.js';

export function mount(el, ctx) {
  const { state, t } = ctx;
  const doc = el.ownerDocument;
  const root = elem(doc, 'section', 'txb-gen-section', '', { 'aria-labelledby': 'gen-heading' });
  const h = elem(doc, 'h3', 'txb-h txb-panel-h', t('gen_heading'), { id: 'gen-heading' });
  const notice = elem(doc, 'p', 'txb-url-notice', '', { id: 'url-notice', role: 'status' });
  root.append(h, notice);
  el.append(root);
  const views = [mountGenerate, mountSampling, mountKv, mountLens].map((m) => m(root, ctx));
  // the list grows once the prompt is read (a ?pos= past its end, main.js)
  let shown = null;
  const update = (s) => {
    const bad = s.urlBad || [];
    if (bad === shown) return;
    shown = bad;
    notice.hidden = bad.length === 0;
    notice.dataset.bad = bad.join(',');
    notice.textContent = bad.length ? t('url_malformed', { keys: bad.join(', ') }) : '';
  };
  const unsubscribe = state.subscribe(update);
  update(state.get());
  return { update, destroy: () => (unsubscribe(), views.forEach((v) => v.destroy()), root.remove()) };
}
