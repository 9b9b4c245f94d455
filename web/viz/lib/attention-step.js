// The attention stage's step control: Play/Pause, previous and next, and what they walk:
// the five steps of one head (Q·Kᵀ → ÷√d → mask → softmax → ×V) or every head of the layer
// (the token-to-token lines change with the head). Pure UI: `onStep(k)` and `onHead(h)` say
// what to show. Hooks: #attn-step data-mode / data-step / data-playing.

import { elem } from '../../src/explainer/view.js';

const PLAY_MS = 1600;

export function createStepper(doc, { t, steps, heads, onStep, onHead }) {
  const root = elem(doc, 'div', 'txb-stepper', '', {
    id: 'attn-step',
    role: 'group',
    'aria-label': t('attn_step_label'),
  });
  const modeWrap = elem(doc, 'label', 'txb-stepper-mode');
  const mode = elem(doc, 'select', 'txb-select', '', { id: 'attn-step-mode' });
  mode.append(new Option(t('attn_step_mode_steps'), 'steps'), new Option(t('attn_step_mode_heads'), 'heads'));
  modeWrap.append(`${t('attn_step_walk')} `, mode);
  const prev = elem(doc, 'button', 'txb-step', `‹ ${t('attn_step_prev')}`, { type: 'button', id: 'attn-step-prev' });
  const play = elem(doc, 'button', 'txb-step txb-play', '', {
    type: 'button',
    id: 'attn-step-play',
    'aria-pressed': 'false',
  });
  const next = elem(doc, 'button', 'txb-step', `${t('attn_step_next')} ›`, { type: 'button', id: 'attn-step-next' });
  const status = elem(doc, 'span', 'txb-stepper-status', '', { id: 'attn-step-status', 'aria-live': 'polite' });
  root.append(modeWrap, prev, play, next, status);

  // k: the step shown (0 … steps.length − 1), or null: every step at once (the overview)
  let k = null;
  let head = 0;
  let timer = null;
  const n = () => (mode.value === 'steps' ? steps.length : heads());

  function render() {
    const inSteps = mode.value === 'steps';
    const i = inSteps ? k : head;
    root.dataset.mode = mode.value;
    root.dataset.step = k === null ? 'all' : String(k);
    root.dataset.playing = String(!!timer);
    play.textContent = timer ? `❚❚ ${t('attn_step_pause')}` : `▶ ${t('attn_step_play')}`;
    play.setAttribute('aria-pressed', String(!!timer));
    prev.disabled = inSteps ? k === 0 : head === 0;
    next.disabled = inSteps ? k === steps.length - 1 : head === heads() - 1;
    status.textContent = inSteps
      ? k === null
        ? t('attn_step_all')
        : t('attn_step_of', { i: k + 1, n: steps.length, name: steps[k] })
      : t('attn_step_head_of', { i: i + 1, n: n() });
  }

  function go(i) {
    const last = n() - 1;
    const to = Math.max(0, Math.min(last, i));
    if (mode.value === 'steps') {
      k = to;
      onStep(k);
    } else {
      head = to;
      onHead(head);
    }
    render();
  }
  const current = () => (mode.value === 'steps' ? (k ?? -1) : head);
  function stop() {
    clearInterval(timer);
    timer = null;
    render();
  }
  function start() {
    // from the start when at the end; one step at once, then one every PLAY_MS
    if (current() >= n() - 1) go(0);
    else go(current() + 1);
    timer = setInterval(() => (current() >= n() - 1 ? stop() : go(current() + 1)), PLAY_MS);
    render();
  }
  prev.addEventListener('click', () => (stop(), go(current() - 1)));
  next.addEventListener('click', () => (stop(), go(current() + 1)));
  play.addEventListener('click', () => (timer ? stop() : start()));
  mode.addEventListener('change', () => {
    stop();
    k = null; // every step at once again (in heads mode the lines are what changes)
    onStep(null);
    render();
  });
  render();

  return {
    el: root,
    // the layer's head changed elsewhere (the pickers): follow it
    setHead(h) {
      head = h;
      render();
    },
    destroy() {
      clearInterval(timer);
      root.remove();
    },
  };
}
