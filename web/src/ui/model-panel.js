// Which model, precision and backend (WebGPU or WebAssembly) runs, and how far its download
// has got (bytes, not files).

import { formatBytes } from '../../viz/lib/scales.js';
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
  // after a failed download or a hash mismatch: fetch the variant again (the service worker
  // never stored the bad bytes, sw-core.js)
  const retry = elem(doc, 'button', 'txb-step txb-retry', t('model_retry'), { type: 'button', id: 'model-retry' });
  retry.hidden = true;
  // the tokenizer chunk did not load: no prompt can be read, whatever the model does
  const tokError = elem(doc, 'p', 'txb-model-status txb-fatal', '', { role: 'alert', id: 'tokenizer-error' });
  tokError.hidden = true;

  // shown once the service worker has stored this variant (and the page) for offline use
  const offline = elem(doc, 'p', 'txb-model-offline', t('model_offline'));
  offline.hidden = true;

  root.append(title, pick, bar, status, retry, tokError, offline); // the description is the page's model note, once
  el.append(root);
  const onChange = () => actions.selectVariant(select.value);
  select.addEventListener('change', onChange);
  const onBackend = () => actions.selectBackend?.(bSelect.value);
  bSelect.addEventListener('change', onBackend);
  const onRetry = () => actions.selectVariant(state.get().variant);
  retry.addEventListener('click', onRetry);

  let shown = null;
  let shownTok = null;
  // WebGPU chosen, but the worker runs on WebAssembly (it got no adapter: worker-core.js)
  const fellBack = (s) => s.backend === 'webgpu' && s.model.backend === 'wasm';
  function update(s) {
    const stored = s.model.phase === 'ready' && s.offline === s.variant;
    offline.hidden = !stored;
    root.dataset.offline = stored ? 'yes' : 'no';
    tokError.hidden = !s.tokenizerError;
    tokError.textContent = s.tokenizerError ? t('tokenizer_error', { error: s.tokenizerError }) : '';
    root.dataset.tokenizer = s.tokenizerError ? 'error' : 'ok';
    if (s.model === shown && s.tokenizerError === shownTok) return;
    shown = s.model;
    shownTok = s.tokenizerError;
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
    retry.hidden = phase !== 'error';
    status.textContent =
      s.tokenizerError && phase !== 'error'
        ? '' // tokError says what is wrong; the model running alone reads no prompt
        : phase === 'ready'
          ? `${t('model_ready', { variant: s.variant, size: formatBytes(total), threads: s.model.threads })} · ${t('backend_running', { backend: backendName(s.model.backend) })}${fellBack(s) ? ` ${t('backend_fallback')}` : ''}`
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
      retry.removeEventListener('click', onRetry);
      root.remove();
    },
  };
}
