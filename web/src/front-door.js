// The explainer's first screen, below the prompt box: the overview of the whole model (which
// opens the stages) and the guided tour; plus the link from the stage views back to the
// overview (the logit attribution they show is the controller's: run/attribution.js). main.js mounts these in its list of views.

import './overview.css';
import './tour/tour.css';
import { mount as mountOverview } from '../viz/overview.js';
import { mount as mountTour } from './tour/panel.js';
import { mount as mountScrollers } from './explainer/scrollers.js';

const reduced = (win) => !!win.matchMedia?.('(prefers-reduced-motion: reduce)').matches;

// Scrolls `target` to just below the sticky header (smoothly unless motion is reduced).
function bringUp(doc, target, behavior = reduced(doc.defaultView) ? 'auto' : 'smooth') {
  const win = doc.defaultView;
  const header = doc.querySelector('.site-header')?.offsetHeight ?? 0;
  const top = target.getBoundingClientRect().top + win.scrollY - header - 8;
  win.scrollTo({ top, behavior });
}

// An article's "try it" link (index.html?stage=…#explainer) lands the browser on the top of the
// explainer, a screen above the stage it names (the stages are drawn later, by script): bring
// the stage views up, and again as the views above them grow, until the reader scrolls.
export function landOnStage(doc, store) {
  const win = doc.defaultView;
  if (win.location.hash !== '#explainer' || !new URLSearchParams(win.location.search).has('stage')) return;
  let off = null;
  const stop = () => {
    off?.();
    for (const type of ['wheel', 'touchmove', 'keydown', 'mousedown']) win.removeEventListener(type, stop);
  };
  const aim = () => {
    const explorer = doc.getElementById('explorer');
    if (explorer) bringUp(doc, explorer, 'auto');
  };
  for (const type of ['wheel', 'touchmove', 'keydown', 'mousedown'])
    win.addEventListener(type, stop, { passive: true });
  off = store.subscribe(() => win.requestAnimationFrame(aim));
  win.requestAnimationFrame(aim);
  win.setTimeout(stop, 15_000); // the page has settled by then; leave the scroll to the reader
}

export function mount(app, ctx) {
  const doc = app.ownerDocument;
  // a part of the overview opens its stage: the explorer comes up (the overview is one link
  // away), the stage panel plays its entrance, and a keyboard reader lands on the stage's tab
  const openStage = (/** @type {{ keyboard?: boolean }} */ { keyboard } = {}) => {
    const explorer = doc.getElementById('explorer');
    if (!explorer) return;
    explorer.classList.remove('ov-enter');
    void explorer.offsetWidth; // restart the entrance animation
    explorer.classList.add('ov-enter');
    bringUp(doc, explorer);
    if (keyboard) explorer.querySelector('[role="tab"][aria-selected="true"]')?.focus({ preventScroll: true });
  };
  const overview = mountOverview(app, { ...ctx, actions: { ...ctx.actions, openStage } });
  const tour = mountTour(app, { ...ctx, overview });
  const scrollers = mountScrollers(doc); // the page's scroll boxes, reachable by keyboard
  return {
    update() {},
    destroy() {
      scrollers.destroy();
      tour.destroy();
      overview.destroy();
    },
  };
}

// "Back to the overview", above the stage views.
export function mountBackLink(app, { t }) {
  const doc = app.ownerDocument;
  const a = doc.createElement('a');
  a.className = 'ov-back';
  a.href = '#overview';
  a.textContent = `↑ ${t('ov_back')}`;
  const onClick = (e) => {
    e.preventDefault();
    const ov = doc.getElementById('overview');
    bringUp(doc, ov);
    ov.querySelector('.ov-part[tabindex="0"]')?.focus({ preventScroll: true });
  };
  a.addEventListener('click', onClick);
  app.append(a);
  return { update() {}, destroy: () => a.remove() };
}
