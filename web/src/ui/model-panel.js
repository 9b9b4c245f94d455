// Which model and precision runs, and how far its download has got (bytes, not files).

import { formatBytes } from '../../viz/scales.js';

export function mount(el, { state, t, actions, lang }) {
  const doc = el.ownerDocument;
  const s0 = state.get();
  const m = s0.manifest;
  const root = doc.createElement('div');
  root.className = 'txb-model';

  const title = doc.createElement('p');
  title.className = 'txb-model-name';
  title.textContent = m.name;
  if (!m.trained) {
    const badge = doc.createElement('span');
    badge.className = 'txb-badge';
    badge.textContent = t('model_untrained');
    title.append(' ', badge);
  }
  const desc = doc.createElement('p');
  desc.className = 'txb-model-desc';
  desc.textContent = m.description[lang] ?? '';

  const pick = doc.createElement('div');
  pick.className = 'txb-variant';
  const label = doc.createElement('label');
  label.htmlFor = 'variant';
  label.textContent = t('variant_label');
  const select = doc.createElement('select');
  select.id = 'variant';
  for (const name of m.variantNames) {
    const opt = doc.createElement('option');
    opt.value = name;
    opt.textContent = t('variant_option', { variant: name, size: formatBytes(m.variants[name].bytes) });
    select.append(opt);
  }
  select.value = s0.variant;
  pick.append(label, select);

  const bar = doc.createElement('div');
  bar.className = 'txb-progress';
  const barLabel = doc.createElement('label');
  barLabel.htmlFor = 'model-progress';
  const progress = doc.createElement('progress');
  progress.id = 'model-progress';
  progress.max = 1;
  bar.append(barLabel, progress);

  const status = doc.createElement('p');
  status.className = 'txb-model-status';
  status.setAttribute('role', 'status');

  // shown once the service worker has stored this variant (and the page) for offline use
  const offline = doc.createElement('p');
  offline.className = 'txb-model-offline';
  offline.textContent = t('model_offline');
  offline.hidden = true;

  root.append(title, desc, pick, bar, status, offline);
  el.append(root);
  const onChange = () => actions.selectVariant(select.value);
  select.addEventListener('change', onChange);

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
    status.textContent =
      phase === 'ready'
        ? t('model_ready', { variant: s.variant, size: formatBytes(total), threads: s.model.threads })
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
      root.remove();
    },
  };
}
