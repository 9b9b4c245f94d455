// The prompt box and the Predict button. Typing re-runs the model (debounced by the
// controller); the button runs it at once.

export function mount(el, { state, t, actions }) {
  const doc = el.ownerDocument;
  const root = doc.createElement('div');
  root.className = 'txb-input';
  const label = doc.createElement('label');
  label.htmlFor = 'prompt';
  label.className = 'txb-h';
  label.textContent = t('prompt_label');
  const box = doc.createElement('textarea');
  box.id = 'prompt';
  box.rows = 3;
  box.spellcheck = false;
  box.value = state.get().prompt;
  const button = doc.createElement('button');
  button.type = 'button';
  button.id = 'predict';
  button.textContent = t('predict_button');
  root.append(label, box, button);
  el.append(root);

  const onInput = () => actions.setPrompt(box.value);
  const onClick = () => actions.predictNow();
  box.addEventListener('input', onInput);
  button.addEventListener('click', onClick);

  // The store is the source of truth only at mount; afterwards the reader owns the box,
  // except when an example prompt is chosen (promptSync counts those).
  let sync = state.get().promptSync;
  const update = (s) => {
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
