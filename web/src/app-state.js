// Every key of the explainer's store, declared once, with what it holds. The store main.js
// creates is strict: writing a key that is not declared here throws.

import { sameIds } from './ids.js';
import { SAMPLING_DEFAULTS } from './gen/url-state.js';

// The list's status says whether its rows belong to the current input and variant. The
// build-time example stays valid for its own prompt even when the model cannot load (the
// model panel reports that failure); 'error' means the list cannot be brought up to date.
export function listStatus(s) {
  const { top } = s;
  if (top.kind === 'example' && (s.ids === null || sameIds(s.ids, top.ids))) return 'example';
  if (top.error || s.model.phase === 'error') return 'error';
  return top.kind === 'live' && sameIds(s.ids, top.ids) && top.variant === s.variant ? 'ready' : 'loading';
}

/**
 * @param {import('./lang-examples.js').PageManifest} manifest the page's (lang-examples.js)
 * @param {string} variant
 */
export function initialState(manifest, variant) {
  const ex = manifest.examples[manifest.defaultExample]; // the page's default prompt's run (lang-examples.js)
  return {
    manifest,
    variant,
    prompt: manifest.defaultPrompt,
    ids: null, // null until the tokenizer has loaded
    tokens: ex.ids.map((id, i) => ({ id, text: ex.tokens[i], bytes: false })),
    truncated: false,
    dropped: '', // the prompt's beginning past max_tokens (the model sees only the last max_tokens)
    tokenCount: null, // tokens of the whole prompt text (before the max_tokens cap)
    promptLength: null, // how many of `ids` are the prompt's (the rest are generated)
    model: { phase: 'idle', loaded: 0, total: manifest.variants[variant].bytes },
    top: {
      kind: 'example',
      ids: ex.ids,
      variant: null,
      rows: ex.top.map((r) => ({ id: r.id, prob: r.prob, text: r.token, bytes: false })),
      status: 'example',
    },
    // the run the views draw: {kind: 'example'|'live', ids, tokens, variant, tensors, example}
    trace: null,
    exampleWanted: false, // an example was chosen before the model ran: its trace may replace a live one
    promptSync: 0, // bumped when the prompt box must take the store's prompt (an example was chosen)
    // what the reader has chosen: the stage of the step-through, layer, head, token position
    sel: { stage: 0, layer: 0, head: 0, pos: null },
    // what is under the pointer or focus: {q, k} token positions, a label and a value
    hover: null,
    // the logits after the whole sequence `ids` (prompt + generated): what sampling draws from
    next: null,
    // generation: the generated ids (after the prompt's), the sampling settings, the cache and
    // the timings of the last generation; `message` says why it stopped early; `compare` the
    // last with/without-cache measurement (null until the reader asks for one)
    gen: {
      ids: [],
      settings: { ...SAMPLING_DEFAULTS },
      running: false,
      message: null,
      error: null,
      compare: null,
      timings: [],
      cache: null,
      last: null,
    },
    // the overview's direct logit attribution for the predicted token (web/src/attribution.js):
    // {kind: 'example'|'live'|'error', ids, variant, token, parts, bias, logit}
    dla: null,
    tour: null, // the guided tour's open step, {step}, or null when it is closed
    backends: ['wasm'], // the backends this browser offers (web/src/backend.js), 'webgpu' first when it has an adapter
    backend: 'wasm', // the one the model runs on
    offline: null, // the variant the service worker keeps for offline use
    urlBad: [], // the URL's malformed values, by name
    tokenizerError: null, // why the tokenizer chunk could not load (the page cannot read a prompt)
  };
}

// the declared keys (the manifest's shape does not matter for the list)
export const STATE_KEYS = Object.freeze(
  Object.keys(
    initialState(
      /** @type {any} */ ({
        defaultPrompt: '',
        defaultExample: 0,
        examples: [{ ids: [], tokens: [], top: [] }],
        variants: { v: { bytes: 0 } },
      }),
      'v',
    ),
  ),
);

/** @typedef {ReturnType<typeof initialState>} AppState */
