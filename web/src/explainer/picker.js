// A row of numbered buttons (layers or heads) with previous/next, roving focus and arrow
// keys, that always says which one is on screen ("Layer 2 of 6"). aria-pressed marks the
// current one; data-current on the group is the hook the tests read.

export function createPicker(doc, { id, label, status, prev, next, onPick }) {
  const el = doc.createElement('div');
  el.className = 'txb-picker';
  el.id = id;
  el.setAttribute('role', 'group');
  el.setAttribute('aria-label', label);
  const name = doc.createElement('span');
  name.className = 'txb-picker-label';
  name.setAttribute('aria-live', 'polite');
  const back = button(doc, '‹', prev, 'txb-picker-step');
  const fwd = button(doc, '›', next, 'txb-picker-step');
  const list = doc.createElement('span');
  list.className = 'txb-picker-list';
  el.append(name, back, list, fwd);

  let n = 0;
  let cur = 0;
  const pick = (i) => onPick(Math.max(0, Math.min(n - 1, i)));
  back.addEventListener('click', () => pick(cur - 1));
  fwd.addEventListener('click', () => pick(cur + 1));
  list.addEventListener('click', (ev) => {
    const b = ev.target.closest('button');
    if (b) pick(Number(b.dataset.index));
  });
  el.addEventListener('keydown', (ev) => {
    const d = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -1, ArrowDown: 1 }[ev.key];
    const to = ev.key === 'Home' ? 0 : ev.key === 'End' ? n - 1 : d !== undefined ? cur + d : null;
    if (to === null) return;
    ev.preventDefault();
    pick(to);
    queueMicrotask(() => list.children[Math.max(0, Math.min(n - 1, to))]?.focus());
  });

  return {
    el,
    set(count, current) {
      if (count !== n) {
        n = count;
        list.replaceChildren(
          ...Array.from({ length: n }, (_, i) => {
            const b = button(doc, String(i + 1), `${label} ${i + 1}`, 'txb-picker-item');
            b.dataset.index = i;
            return b;
          }),
        );
      }
      cur = current;
      el.dataset.current = current;
      el.dataset.count = count;
      name.textContent = status(current, count);
      [...list.children].forEach((b, i) => {
        b.setAttribute('aria-pressed', String(i === current));
        b.tabIndex = i === current ? 0 : -1;
      });
      back.disabled = current <= 0;
      fwd.disabled = current >= n - 1;
    },
  };
}

function button(doc, text, aria, cls) {
  const b = doc.createElement('button');
  b.type = 'button';
  b.className = cls;
  b.textContent = text;
  b.setAttribute('aria-label', aria);
  return b;
}
