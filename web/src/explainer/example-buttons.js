// The example prompts of the manifest as buttons: one click shows that example's build-time
// trace at once (also on a phone that cannot run the model) and, once the model runs, a live run.
// The page's language picks which (lang-examples.js); the Korean page adds a note on Korean.

import { koreanNote } from './korean-note.js';
import './korean-note.css';

export function mount(el, { state, t, actions, lang }) {
  const doc = el.ownerDocument;
  const root = doc.createElement('div');
  root.className = 'txb-examples';
  root.setAttribute('role', 'group');
  root.setAttribute('aria-label', t('examples_label'));
  const label = doc.createElement('span');
  label.className = 'txb-examples-label';
  label.textContent = t('examples_label');
  root.append(label);
  const { manifest } = state.get();
  manifest.exampleOrder.forEach((i) => {
    const ex = manifest.examples[i];
    const b = doc.createElement('button');
    b.type = 'button';
    b.className = 'txb-example';
    b.dataset.example = i;
    b.textContent = ex.prompt;
    b.lang = ex.lang;
    b.addEventListener('click', () => actions.useExample(i));
    root.append(b);
  });
  el.append(root);
  const text = lang === 'ko' ? koreanNote(manifest, t) : null;
  const note = text ? doc.createElement('p') : null;
  if (note) {
    note.className = 'txb-examples-note';
    note.id = 'examples-ko-note';
    note.textContent = text;
    root.after(note);
  }
  return {
    update() {},
    destroy: () => {
      root.remove();
      note?.remove();
    },
  };
}
