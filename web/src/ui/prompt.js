// The prompt box and the Predict button. Typing re-runs the model (debounced by the
// controller); the button runs it at once.

import './prompt.css';
import { elem } from '../explainer/view.js';
import { isLong } from '../gen/long-prompt.js';

export function mount(el, { state, t, actions, lang }) {
  const doc = el.ownerDocument;
  const root = elem(doc, 'div', 'txb-input');
  const label = elem(doc, 'label', 'txb-h', t('prompt_label'), { for: 'prompt' });
  const box = elem(doc, 'textarea', '', '', { id: 'prompt', rows: 3, spellcheck: 'false' });
  box.value = state.get().prompt;
  const button = elem(doc, 'button', '', t('predict_button'), { type: 'button', id: 'predict' });
  // a prompt longer than a link holds: the box (and this tab, across a reload) keeps all of it
  const long = elem(doc, 'p', 'txb-note', t('prompt_link_part'), { id: 'prompt-link-note' });
  long.hidden = !isLong(state.get().prompt);
  root.append(label, box, button, long);
  // the Korean page opens on the English default: say why, with its Korean example one click away
  const { manifest } = state.get();
  const koExample = manifest.examples.findIndex((ex) => ex.lang === 'ko');
  const english = lang === 'ko' && manifest.examples[manifest.defaultExample]?.lang !== 'ko';
  // "the model learned English" holds for a trained model only; an untrained one learned nothing
  const note = manifest.trained ? t('prompt_lang_note') : t('prompt_lang_note_untrained');
  const why = english ? elem(doc, 'p', 'txb-prompt-lang', note, { id: 'prompt-lang-note' }) : null;
  if (why && koExample >= 0) {
    const b = elem(doc, 'button', 'txb-link-button', t('prompt_lang_example'), {
      type: 'button',
      id: 'prompt-lang-example',
    });
    b.addEventListener('click', () => actions.useExample(koExample));
    why.append(' ', b);
  }
  if (why) root.append(why);
  const showWhy = (s) => why && (why.hidden = s.prompt !== manifest.defaultPrompt);
  el.append(root);

  const onInput = () => actions.setPrompt(box.value);
  const onClick = () => actions.predictNow();
  box.addEventListener('input', onInput);
  button.addEventListener('click', onClick);

  // The store is the source of truth only at mount; afterwards the reader owns the box,
  // except when an example prompt is chosen (promptSync counts those).
  let sync = state.get().promptSync;
  const update = (s) => {
    long.hidden = !isLong(s.prompt);
    showWhy(s);
    if (s.promptSync === sync) return;
    sync = s.promptSync;
    box.value = s.prompt;
  };
  const unsubscribe = state.subscribe(update);
  return {
    update,
    destroy() {
      unsubscribe();
      box.removeEventListener('input', onInput);
      button.removeEventListener('click', onClick);
      root.remove();
    },
  };
}
