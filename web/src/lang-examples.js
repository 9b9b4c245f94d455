// The examples a page offers, by its language. A page in another language than English (the
// Korean one) offers its own (manifest entries with its lang) first, then the English ones;
// the English page only the English ones. Indices stay the manifest's: data-example,
// loadExample and the traces go by them.

export function exampleOrder(manifest, lang) {
  const all = manifest.examples.map((ex, i) => ({ ex, i }));
  const of = (l) => all.filter((x) => x.ex.lang === l).map((x) => x.i);
  return lang === 'en' ? of('en') : [...of(lang), ...of('en')];
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
