// The example prompts of the manifest as buttons: one click shows that example's build-time
// trace at once (also on a phone that cannot run the model) and, once the model runs, a live run.

export function mount(el, { state, t, actions }) {
  const doc = el.ownerDocument;
  const root = doc.createElement('div');
  root.className = 'txb-examples';
  root.setAttribute('role', 'group');
  root.setAttribute('aria-label', t('examples_label'));
  const label = doc.createElement('span');
  label.className = 'txb-examples-label';
  label.textContent = t('examples_label');
  root.append(label);
  state.get().manifest.examples.forEach((ex, i) => {
    const b = doc.createElement('button');
    b.type = 'button';
    b.className = 'txb-example';
    b.dataset.example = i;
    b.textContent = ex.prompt;
    b.addEventListener('click', () => actions.useExample(i));
    root.append(b);
  });
  el.append(root);
  return { update() {}, destroy: () => root.remove() };
}
