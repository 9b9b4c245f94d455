// The generation controls: Next token, Generate N, Stop, Clear, the generated text, and the message that says why generation stopped (context, memory cap).
// Hooks: #gen-text data-ids (the generated ids), #gen-message data-reason, data-running on #gen-controls.

import { limits } from '../gen/kv-cache.js';
import { groupTokens } from '../explainer/bytes.js';
import { elem } from '../explainer/view.js';

const REASON = {
  ctx: (t, l) => t('gen_stop_ctx', { n: l.nCtx }),
  memory: (t, l) => t('gen_stop_memory', { n: l.memory }),
  explained: (t, l) => t('gen_explained_cap', { n: l.explained }),
  stopped: (t) => t('gen_stopped'),
  error: (t, l, s) => t('gen_error', { error: s.gen.error ?? '' }),
};

export function mount(el, { state, t, actions }) {
  const doc = el.ownerDocument;
  const root = elem(doc, 'div', 'txb-generate', '', { id: 'gen-controls' });
  const row = elem(doc, 'div', 'txb-gen-row');
  const btn = (id, text) => elem(doc, 'button', 'txb-step', text, { type: 'button', id });
  const next = btn('gen-next', t('gen_next'));
  const gen = btn('gen-run', t('gen_generate'));
  const stop = btn('gen-stop', t('gen_stop'));
  const clear = btn('gen-clear', t('gen_clear'));
  const nLabel = elem(doc, 'label', 'txb-gen-n');
  const n = Object.assign(doc.createElement('input'), {
    type: 'number',
    id: 'gen-n',
    min: 1,
    max: 256,
    value: 20,
    inputMode: 'numeric',
  });
  nLabel.append(t('gen_n'), ' ', n);
  row.append(next, nLabel, gen, stop, clear);
  const out = elem(doc, 'p', 'txb-gen-text', '', { id: 'gen-text', 'aria-live': 'polite' });
  const bLabel = elem(doc, 'label', 'txb-gen-boundaries');
  const bounds = Object.assign(doc.createElement('input'), { type: 'checkbox', id: 'gen-boundaries' });
  bLabel.append(bounds, ' ', t('gen_boundaries'));
  bounds.addEventListener('change', () => {
    shown = {};
    update(state.get());
  });
  const msg = elem(doc, 'p', 'txb-gen-message', '', { id: 'gen-message', role: 'status' });
  root.append(row, out, bLabel, msg);
  el.append(root);

  next.addEventListener('click', () => actions.nextToken());
  gen.addEventListener('click', () => actions.generate(Math.max(1, Math.min(256, Math.round(Number(n.value)) || 1))));
  stop.addEventListener('click', () => actions.stop());
  clear.addEventListener('click', () => actions.clearGenerated());

  const lim = limits(state.get().manifest);
  let shown = {};
  function update(s) {
    if (s.gen === shown.gen && s.model === shown.model && s.tokens === shown.tokens) return;
    const g = s.gen;
    const ready = s.model.phase === 'ready' && Array.isArray(s.ids) && s.ids.length > 0; // an empty prompt: nothing to continue
    root.dataset.running = String(g.running);
    next.disabled = gen.disabled = !ready || g.running;
    stop.disabled = !g.running;
    clear.disabled = g.running || g.ids.length === 0;
    out.dataset.ids = g.ids.join(',');
    const start = s.promptLength ?? s.tokens.length - g.ids.length;
    const genTokens = s.tokens.slice(start);
    out.replaceChildren();
    bLabel.hidden = !genTokens.length;
    if (genTokens.length) {
      const lead = doc.createElement('span');
      lead.className = 'txb-gen-lead';
      lead.textContent = `${t('gen_generated', { n: genTokens.length })} `;
      out.append(lead, generatedText(doc, genTokens, bounds.checked));
    }
    const reason = g.message;
    msg.dataset.reason = reason || '';
    msg.textContent =
      reason && REASON[reason]
        ? REASON[reason](t, lim, s)
        : t('gen_limits', { n: lim.total, ctx: lim.nCtx, mem: lim.memory });
    shown = s;
  }
  const unsubscribe = state.subscribe(update);
  // (shown is reset by the boundaries switch)
  update(state.get());
  return { update, destroy: () => (unsubscribe(), root.remove()) };
}

// The generated text as text: its bytes decoded (a character split over tokens is whole, line
// breaks break lines). With boundaries, one outlined span per token (per character group when
// a character spans several tokens).
const bytesOf = (d) => d.raw ?? [...new TextEncoder().encode(d.text)];
function generatedText(doc, tokens, boundaries) {
  const text = doc.createElement('span');
  text.className = 'txb-gen-tokens';
  text.dataset.boundaries = String(boundaries);
  const groups = groupTokens(tokens.map((d) => ({ bytes: bytesOf(d) })));
  const decode = (g) =>
    g.text ?? new TextDecoder().decode(Uint8Array.from(tokens.slice(g.start, g.end).flatMap(bytesOf)));
  if (!boundaries) {
    text.textContent = groups.map(decode).join('');
    return text;
  }
  for (const g of groups) {
    const span = doc.createElement('span');
    span.className = 'txb-gen-tok';
    span.dataset.n = String(g.end - g.start);
    span.textContent = decode(g);
    text.append(span);
  }
  return text;
}
