// The guided tour: a sheet at the bottom of the window (the page keeps room for it, so it never
// covers what it describes), one step at a time. The store's `tour` ({step} or null) is the
// truth, so ?tour=N (url-state.js) opens a step; the last step seen is remembered for
// "resume". Keys inside the sheet: ← / → step, Esc closes.

import { STEPS, TEXT, stepPatch, facts } from './steps.js';

const STORE_KEY = 'txb-tour-step';
const remembered = (win) => {
  try {
    const v = Number(win.localStorage.getItem(STORE_KEY));
    return Number.isInteger(v) && v > 0 && v < STEPS.length ? v : null;
  } catch {
    return null;
  }
};
const remember = (win, i) => {
  try {
    win.localStorage.setItem(STORE_KEY, String(i));
  } catch {
    /* private mode: no resume */
  }
};

export function mount(host, { state, actions, t, stageIds, overview }) {
  const doc = host.ownerDocument;
  const win = doc.defaultView;
  const el = (tag, cls, text) =>
    Object.assign(
      doc.createElement(tag),
      cls ? { className: cls } : {},
      text !== undefined ? { textContent: text } : {},
    );

  const start = el('button', 'ov-tour-start');
  start.type = 'button';
  start.id = 'tour-start';
  start.setAttribute('aria-controls', 'tour');
  overview.tools.append(start);

  const sheet = el('section', 'tour');
  sheet.id = 'tour';
  sheet.hidden = true;
  sheet.setAttribute('aria-labelledby', 'tour-title');
  const count = el('p', 'tour-count');
  const title = el('h3', 'tour-title');
  title.id = 'tour-title';
  title.tabIndex = -1;
  const text = el('p', 'tour-text');
  text.id = 'tour-text';
  text.setAttribute('aria-live', 'polite');
  const nav = el('div', 'tour-nav');
  const mk = (id, label) =>
    Object.assign(el('button', `tour-btn tour-${id}`, label), { type: 'button', id: `tour-${id}` });
  const prev = mk('prev', `‹ ${t('tour_prev')}`);
  const next = mk('next', `${t('tour_next')} ›`);
  const close = mk('close', t('tour_close'));
  close.setAttribute('aria-label', t('tour_close_label'));
  nav.append(prev, next, close);
  sheet.append(count, title, text, nav);
  doc.body.append(sheet);

  const go = (i) => actions.tour(i === null ? null : Math.max(0, Math.min(STEPS.length - 1, i)));
  // the start button opens the tour, and closes it while it is open
  const onStart = () => {
    if (state.get().tour) return onClose();
    go(remembered(win) ?? 0);
    title.focus();
  };
  const onClose = () => {
    go(null);
    start.focus();
  };
  const onPrev = () => go(state.get().tour.step - 1);
  // the last step's button finishes: the focus goes back to the start button (never lost)
  const onNext = () => (state.get().tour.step >= STEPS.length - 1 ? onClose() : go(state.get().tour.step + 1));
  const onKey = (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
    // ← / → from anywhere in the sheet (the focus lands on its heading when it opens)
    if (e.altKey || e.ctrlKey || e.metaKey || e.target.closest('input, textarea, select')) return;
    if (e.key === 'ArrowRight' && state.get().tour.step < STEPS.length - 1) {
      e.preventDefault();
      onNext();
    }
    if (e.key === 'ArrowLeft' && state.get().tour.step > 0) {
      e.preventDefault();
      onPrev();
    }
  };
  start.addEventListener('click', onStart);
  prev.addEventListener('click', onPrev);
  next.addEventListener('click', onNext);
  close.addEventListener('click', onClose);
  sheet.addEventListener('keydown', onKey);

  // keep room under the page for the sheet
  const room = () =>
    doc.documentElement.style.setProperty('--tour-h', sheet.hidden ? '0px' : `${sheet.offsetHeight}px`);
  const ro = win.ResizeObserver
    ? new win.ResizeObserver(() => {
        room();
        relook();
      })
    : null;
  ro?.observe(sheet);

  let shown = { step: null, want: '' };
  function update(s) {
    const r = remembered(win);
    start.textContent = s.tour ? t('tour_close_label') : r ? t('tour_resume', { i: r + 1 }) : t('tour_start');
    start.setAttribute('aria-expanded', String(!!s.tour));
    const step = s.tour ? STEPS[s.tour.step] : null;
    if (!step) {
      if (shown.step !== null) {
        sheet.hidden = true;
        doc.documentElement.classList.remove('txb-touring');
        overview.highlight(null);
        room();
      }
      shown = { step: null, want: '' };
      return;
    }
    const i = s.tour.step;
    const f = facts(s, t);
    const patch = stepPatch(step, f, s, stageIds);
    const want = JSON.stringify([i, patch.sel.stage, patch.sel.layer, patch.sel.head, patch.gen?.settings ?? null]);
    const entering = shown.step !== i;
    count.textContent = t('tour_count', { i: i + 1, n: STEPS.length });
    [title.textContent, text.textContent] = TEXT[step.id](t, f);
    // what the step sets (a step that names no layer or head leaves the reader's)
    Object.assign(sheet.dataset, {
      step: String(i),
      stage: String(patch.sel.stage),
      id: step.id,
      layer: step.layer ? String(patch.sel.layer) : '',
      head: step.head ? String(patch.sel.head) : '',
      look: step.look ?? '',
    });
    prev.disabled = i === 0;
    next.textContent = i === STEPS.length - 1 ? t('tour_done') : `${t('tour_next')} ›`;
    overview.highlight(step.hl(f));
    if (entering) {
      sheet.hidden = false;
      doc.documentElement.classList.add('txb-touring');
      room();
      remember(win, i);
    }
    // (re)apply the step's state when it is entered or when the run's numbers move its target
    if (want !== shown.want) {
      shown = { step: i, want };
      const cur = s.sel;
      const same =
        cur.stage === patch.sel.stage &&
        cur.layer === patch.sel.layer &&
        cur.head === patch.sel.head &&
        cur.pos === patch.sel.pos;
      if (!same || patch.gen) queueMicrotask(() => actions.showStep(patch));
    }
    if (entering) settling = true;
    queueMicrotask(relook);
  }

  // bring what the step talks about into the room between the sticky header and the sheet:
  // the whole of it when it fits, else its top. Asked again while the step settles (its
  // numbers arrive, the sheet grows, the stage below changes height); it scrolls only when
  // the target is not in view already.
  const target = (step) =>
    (step.look && doc.querySelector(step.look)) || doc.querySelector('.ov-part.ov-hl, .ov-block.ov-hl');
  function look(step) {
    const el = target(step);
    if (!el || sheet.hidden) return;
    const header = doc.querySelector('.site-header');
    const top =
      header && win.getComputedStyle(header).position !== 'static' ? header.getBoundingClientRect().bottom : 0;
    const bottom = win.innerHeight - sheet.offsetHeight;
    const r = el.getBoundingClientRect();
    const free = bottom - top;
    if (r.top >= top && r.bottom <= bottom) return;
    if (r.height > free && r.top >= top && r.top < bottom - 40) return;
    const want = r.height > free ? r.top - top - 8 : r.top - top - (free - r.height) / 2;
    const reduce = win.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
    win.scrollBy({ top: want, behavior: reduce ? 'auto' : 'smooth' });
  }
  // until the reader scrolls on their own: then the page is theirs
  let settling = false;
  const relook = () => {
    const s = state.get();
    if (settling && s.tour && !sheet.hidden) look(STEPS[s.tour.step]);
  };
  const mine = (e) => {
    if (!(e.type === 'keydown' && sheet.contains(e.target))) settling = false;
  };
  for (const type of ['wheel', 'touchmove', 'keydown']) win.addEventListener(type, mine, { passive: true });

  const unsubscribe = state.subscribe(update);
  update(state.get());
  return {
    update,
    destroy() {
      unsubscribe();
      ro?.disconnect();
      for (const type of ['wheel', 'touchmove', 'keydown']) win.removeEventListener(type, mine);
      start.remove();
      sheet.remove();
    },
  };
}
