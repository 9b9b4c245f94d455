// Scroll boxes a keyboard can reach: a box of the page (a formula, a wide table, an article
// figure on a phone) whose content is wider than it gets tabindex=0 while it overflows, unless
// something inside it already takes the focus (axe: scrollable-region-focusable). Chromium
// makes such a box a Tab stop by itself; other browsers do not. Rechecked once a frame after
// the page changes or resizes.

const SCROLLERS = '.txb-formula, .txb-heads-grid, .txb-scroll, .txb-livefig, pre, table, .math-display, figure .viz';
const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

const SCROLLS = ['auto', 'scroll'];
export function overflows(e, win) {
  const x = e.scrollWidth > e.clientWidth + 1;
  const y = e.scrollHeight > e.clientHeight + 1;
  if (!x && !y) return false;
  const s = win.getComputedStyle(e);
  return (x && SCROLLS.includes(s.overflowX)) || (y && SCROLLS.includes(s.overflowY));
}

export function scan(doc) {
  const win = doc.defaultView;
  for (const e of doc.querySelectorAll(SCROLLERS)) {
    const mine = e.dataset.txbScroll === '1';
    const over = overflows(e, win) && !e.querySelector(FOCUSABLE);
    if (over && !mine && !e.hasAttribute('tabindex')) {
      e.tabIndex = 0;
      e.dataset.txbScroll = '1';
    } else if (!over && mine) {
      e.removeAttribute('tabindex');
      delete e.dataset.txbScroll;
    }
  }
}

export function mount(doc) {
  const win = doc.defaultView;
  let queued = false;
  const run = () => {
    queued = false;
    scan(doc);
  };
  const queue = () => {
    if (queued) return;
    queued = true;
    win.requestAnimationFrame(run);
  };
  const ro = win.ResizeObserver ? new win.ResizeObserver(queue) : null;
  ro?.observe(doc.documentElement);
  const mo = new win.MutationObserver(queue);
  mo.observe(doc.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden'] });
  queue();
  return {
    destroy() {
      ro?.disconnect();
      mo.disconnect();
    },
  };
}
