// The examples a page offers, by its language. The Korean page offers its own (manifest
// entries with lang 'ko') first, then the English ones; the English page only the English
// ones. Indices stay the manifest's: data-example, loadExample and the traces go by them.

const isKo = (ex) => ex.lang === 'ko';

export function exampleOrder(manifest, lang) {
  const all = manifest.examples.map((ex, i) => ({ ex, i }));
  const en = all.filter((x) => !isKo(x.ex)).map((x) => x.i);
  return lang === 'ko' ? [...all.filter((x) => isKo(x.ex)).map((x) => x.i), ...en] : en;
}

// The page's default prompt and the example that is its precomputed run (the first screen
// shows it before the model runs): the manifest names one per language; another language
// takes the English page's.
/**
 * @param {import('./manifest.js').Manifest} manifest
 * @param {string} lang
 * @returns {PageManifest}
 */
export function forLanguage(manifest, lang) {
  const defaultExample = Object.hasOwn(manifest.defaultExamples, lang)
    ? manifest.defaultExamples[lang]
    : manifest.defaultExamples.en;
  return {
    ...manifest,
    defaultPrompt: manifest.examples[defaultExample].prompt,
    defaultExample,
    exampleOrder: exampleOrder(manifest, lang),
  };
}

/** @typedef {import('./manifest.js').Manifest & { defaultPrompt: string, defaultExample: number, exampleOrder: number[] }} PageManifest */
