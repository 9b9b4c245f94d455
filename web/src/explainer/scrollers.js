// Scroll boxes a keyboard can reach: a box of the page (a formula, a wide table, an article
// figure on a phone) whose content is wider than it gets tabindex=0 while it overflows, unless
// something inside it already takes the focus (axe: scrollable-region-focusable). Chromium
// makes such a box a Tab stop by itself; other browsers do not. Rechecked after the page
// changes or resizes (see mount).

const SCROLLERS = '.txb-formula, .txb-heads-grid, .txb-scroll, .txb-livefig, pre, table, .math-display, figure .viz';
const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

const SCROLLS = ['auto', 'scroll'];
function overflows(e, win) {
  const x = e.scrollWidth > e.clientWidth + 1;
  const y = e.scrollHeight > e.clientHeight + 1;
  if (!x && !y) return false;
  const s = win.getComputedStyle(e);
  return (x && SCROLLS.includes(s.overflowX)) || (y && SCROLLS.includes(s.overflowY));
}

// Boxes in `root` (a document or an element) that `keep` accepts.
/** @param {any} root a document or an element @param {(e: HTMLElement) => boolean} [keep] */
function scan(root, keep = () => true) {
  const doc = root.ownerDocument ?? root;
  for (const e of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll(SCROLLERS))) {
    if (!keep(e)) continue;
    const mine = e.dataset.txbScroll === '1' || e.dataset.txbScroll === '?';
    const over = overflows(e, doc.defaultView) && !e.querySelector(FOCUSABLE);
    if (over && (mine || !e.hasAttribute('tabindex'))) {
      e.tabIndex = 0;
      e.dataset.txbScroll = '1';
    } else if (!over && mine && e !== doc.activeElement) {
      // (the box the reader is on keeps its Tab stop: taking it away would drop the focus)
      e.removeAttribute('tabindex');
      delete e.dataset.txbScroll;
    }
  }
}

// The boxes of a chapter that is not laid out yet cannot be measured without laying the
// chapter out: each is a Tab stop ("?") until its chapter is rendered and scanned, then only
// if it overflows. A keyboard reader never meets a wide box they cannot scroll.
/** @param {Element} root */
function presume(root) {
  for (const e of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll(SCROLLERS))) {
    if (e.hasAttribute('tabindex') || e.querySelector(FOCUSABLE)) continue;
    e.tabIndex = 0;
    e.dataset.txbScroll = '?';
  }
}

// An article chapter is laid out only near the viewport (content-visibility in site.css), and
// reading a box's size in it would force that chapter's layout. So the page outside the
// chapters is scanned in the next frame; a chapter when it is rendered (the browser tells) and
// after a change inside it, in an idle task of its own: no scan lays out the article itself.
const CHAPTER = '.chapter';
// (the chapter itself is rendered; what is skipped is its content)
const skipped = (c) => c.firstElementChild?.checkVisibility?.({ contentVisibilityAuto: true }) === false;

export function mount(doc) {
  const win = doc.defaultView;
  const later = win.requestIdleCallback
    ? (fn) => win.requestIdleCallback(fn, { timeout: 1000 })
    : (fn) => win.setTimeout(fn, 0);
  let framed = false;
  const queuePage = () => {
    if (framed) return;
    framed = true;
    win.requestAnimationFrame(() => {
      framed = false;
      scan(doc, (e) => !e.closest(CHAPTER));
    });
  };
  const chapters = new Set();
  const waiting = new Set(); // changed while skipped: scanned once rendered
  const nextChapter = () => {
    const [c] = chapters;
    if (!c) return;
    chapters.delete(c);
    if (skipped(c)) {
      presume(c);
      waiting.add(c);
    } else if (c.isConnected) scan(c);
    if (chapters.size) later(nextChapter);
  };
  const queueChapter = (c) => {
    if (chapters.has(c)) return;
    chapters.add(c);
    if (chapters.size === 1) later(nextChapter);
  };
  const queueAll = () => {
    queuePage();
    doc.querySelectorAll(CHAPTER).forEach(queueChapter);
  };
  const ro = win.ResizeObserver ? new win.ResizeObserver(queueAll) : null;
  ro?.observe(doc.documentElement);
  const mo = new win.MutationObserver((records) => {
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const c = el?.closest(CHAPTER);
      if (c) queueChapter(c);
      else queuePage();
    }
  });
  mo.observe(doc.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden'] });
  const rendered = (ev) => {
    if (ev.skipped || !waiting.has(ev.target)) return;
    waiting.delete(ev.target);
    queueChapter(ev.target);
  };
  doc.addEventListener('contentvisibilityautostatechange', rendered, true);
  doc.querySelectorAll(CHAPTER).forEach(presume); // at once: no layout needed
  queueAll();
  return {
    destroy() {
      doc.removeEventListener('contentvisibilityautostatechange', rendered, true);
      ro?.disconnect();
      mo.disconnect();
    },
  };
}
