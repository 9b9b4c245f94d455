// The examples a page offers, by its language. The Korean page offers its own (manifest
// entries with lang 'ko') first, then the English ones; the English page only the English
// ones. Indices stay the manifest's: data-example, loadExample and the traces go by them.

const isKo = (ex) => ex.lang === 'ko';

export function exampleOrder(manifest, lang) {
  const all = manifest.examples.map((ex, i) => ({ ex, i }));
  const en = all.filter((x) => !isKo(x.ex)).map((x) => x.i);
  return lang === 'ko' ? [...all.filter((x) => isKo(x.ex)).map((x) => x.i), ...en] : en;
}

// The page's default prompt (the Korean one where the card names one) and the example that
// is its precomputed run (the first screen shows it before the model runs).
export function forLanguage(manifest, lang) {
  const defaultPrompt = (lang === 'ko' && manifest.defaultPromptKo) || manifest.defaultPrompt;
  const wantKo = lang === 'ko' && Boolean(manifest.defaultPromptKo);
  const found = manifest.examples.findIndex((ex) => ex.prompt === defaultPrompt && isKo(ex) === wantKo);
  return { ...manifest, defaultPrompt, defaultExample: Math.max(0, found), exampleOrder: exampleOrder(manifest, lang) };
}
