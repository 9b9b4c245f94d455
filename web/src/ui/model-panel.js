// Which model, precision and backend (WebGPU or WebAssembly) runs, and how far its download
// has got (bytes, not files).

import { formatBytes } from '../../viz/scales.js';
import { elem } from '../explainer/view.js';

export function mount(el, { state, t, actions, lang }) {
  const doc = el.ownerDocument;
  const s0 = state.get();
  const m = s0.manifest;
  const root = elem(doc, 'div', 'txb-model');

  // the page's title names the model; build names like "(bundled)" stay in its footnote
  const title = elem(doc, 'p', 'txb-model-name');
  if (!m.trained) title.append(elem(doc, 'span', 'txb-badge', t('model_untrained')));
  else title.hidden = true;

  const pick = elem(doc, 'div', 'txb-variant');
  const label = elem(doc, 'label', '', t('variant_label'), { for: 'variant' });
  const select = elem(doc, 'select', '', '', { id: 'variant' });
  for (const name of m.variantNames) {
    const size = formatBytes(m.variants[name].bytes);
    select.append(elem(doc, 'option', '', t('variant_option', { variant: name, size }), { value: name }));
  }
  select.value = s0.variant;
  pick.append(label, select);

  // the backend: a choice only where this browser offers WebGPU
  const backends = s0.backends || ['wasm'];
  const bLabel = elem(doc, 'label', '', t('backend_label'), { for: 'backend' });
  const bSelect = elem(doc, 'select', '', '', { id: 'backend' });
  const backendName = (name) => (name === 'webgpu' ? t('backend_webgpu') : t('backend_wasm'));
  for (const name of backends) bSelect.append(elem(doc, 'option', '', backendName(name), { value: name }));
  bSelect.value = s0.backend || 'wasm';
  bSelect.disabled = backends.length < 2;
  if (backends.length < 2) bSelect.title = t('backend_no_webgpu');
  pick.append(bLabel, bSelect);

  const bar = elem(doc, 'div', 'txb-progress');
  const barLabel = elem(doc, 'label', '', '', { for: 'model-progress' });
  const progress = elem(doc, 'progress', '', '', { id: 'model-progress', max: 1 });
  bar.append(barLabel, progress);

  const status = elem(doc, 'p', 'txb-model-status', '', { role: 'status' });

  // shown once the service worker has stored this variant (and the page) for offline use
  const offline = elem(doc, 'p', 'txb-model-offline', t('model_offline'));
  offline.hidden = true;

  root.append(title, pick, bar, status, offline); // the description is the page's model note, once
  el.append(root);
  const onChange = () => actions.selectVariant(select.value);
  select.addEventListener('change', onChange);
  const onBackend = () => actions.selectBackend?.(bSelect.value);
  bSelect.addEventListener('change', onBackend);

  let shown = null;
  function update(s) {
    const stored = s.model.phase === 'ready' && s.offline === s.variant;
    offline.hidden = !stored;
    root.dataset.offline = stored ? 'yes' : 'no';
    if (s.model === shown) return;
    shown = s.model;
    const { phase, loaded, total } = s.model;
    const downloading = phase === 'download' || phase === 'init';
    bar.hidden = !downloading;
    progress.value = total > 0 ? loaded / total : 0;
    progress.dataset.loaded = loaded;
    progress.dataset.total = total;
    barLabel.textContent =
      phase === 'init'
        ? t('model_starting')
        : t('model_downloading', { loaded: formatBytes(loaded), total: formatBytes(total) });
    root.dataset.backend = s.model.backend || '';
    status.textContent =
      phase === 'ready'
        ? `${t('model_ready', { variant: s.variant, size: formatBytes(total), threads: s.model.threads })} · ${t('backend_running', { backend: backendName(s.model.backend) })}`
        : phase === 'error'
          ? t('model_error', { error: s.model.error })
          : '';
    root.dataset.phase = phase;
  }

  const unsubscribe = state.subscribe(update);
  update(s0);
  return {
    update,
    destroy() {
      unsubscribe();
      select.removeEventListener('change', onChange);
      bSelect.removeEventListener('change', onBackend);
      root.remove();
    },
  };
}
