// UI strings come from the page (<script type="application/json" id="txb-strings">), one
// language per page. A missing key shows the key itself, never a hard-coded English text,
// so a missing translation is visible instead of silently English.

import { resolveParticles } from './josa.js';

export function readStrings(doc) {
  const el = doc.getElementById('txb-strings');
  if (!el) return {};
  try {
    const parsed = JSON.parse(el.textContent);
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

// t('tokens_count', {n: 3}) fills "{n}" placeholders. A Korean string writes a particle after a
// placeholder in its both-ways form, “{token}”을(를); once filled, the form that fits the value
// is kept (josa.js): “␣lord”를, “사람”을.
export function createT(strings) {
  return (key, vars) => {
    const text = Object.hasOwn(strings, key) ? String(strings[key]) : key;
    if (!vars) return text;
    const filled = text.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : m));
    return filled === text ? filled : resolveParticles(filled);
  };
}
