// The shareable part of the page's state in the URL's query string, and back. Pure: the
// caller passes the search string and the model's sizes; malformed values are dropped (the
// default stays) and named in `bad`, so the page can say so.
//
//   ?prompt=…&layer=2&head=5&stage=4&pos=3&mode=topp&temp=0.8&k=40&p=0.9&seed=7&gen=11,198,464&tour=5
// layer, head, stage and pos are 1-based in the URL (as on screen), 0-based in the state.

export const MODES = ['greedy', 'topk', 'topp', 'none'];
export const TEMP_MIN = 0.05;
export const TEMP_MAX = 5;
export const SAMPLING_DEFAULTS = Object.freeze({ mode: 'topk', temperature: 1, topK: 40, topP: 0.9, seed: 42 });
const KEYS = ['prompt', 'layer', 'head', 'stage', 'pos', 'mode', 'temp', 'k', 'p', 'seed', 'gen', 'tour'];
const MAX_SEED = 2 ** 32 - 1;

const intIn = (text, lo, hi) => (/^\d{1,10}$/.test(text) && +text >= lo && +text <= hi ? +text : null);
const numIn = (text, lo, hi) => {
  if (!/^\d*\.?\d+(e-?\d+)?$/i.test(text)) return null;
  const v = Number(text);
  return Number.isFinite(v) && v >= lo && v <= hi ? v : null;
};

// The longest prompt a link holds, in URL-encoded bytes: the same limit on write and on read,
// well under what `txbuild serve` (64 KiB request line) and static hosts (~8 KiB) accept.
export const MAX_PROMPT_URL_BYTES = 4000;

// A lone surrogate (half of an emoji, from a paste or a script) as U+FFFD, as TextEncoder and
// URLSearchParams write it: encodeURIComponent throws a URIError on it. The controller keeps
// prompts well-formed; fitPrompt does too, whoever calls it.
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const wellFormed = (text) =>
  typeof text.toWellFormed === 'function' ? text.toWellFormed() : text.replace(LONE, '\uFFFD');

// The longest start of `prompt` whose encoding fits the link (whole characters only).
export function fitPrompt(prompt, limit = MAX_PROMPT_URL_BYTES) {
  prompt = wellFormed(prompt);
  if (encodeURIComponent(prompt).length <= limit) return prompt;
  let n = 0;
  let out = '';
  for (const ch of prompt) {
    n += encodeURIComponent(ch).length;
    if (n > limit) break;
    out += ch;
  }
  return out;
}

// sizes: {layers, heads, stages, vocab, maxPrompt (URL bytes), maxGen (tokens), maxPos (tokens),
// variants (names)}
export function parseUrlState(search, sizes) {
  const q = new URLSearchParams(search);
  const values = {};
  const bad = [];
  const take = (key, parse, set) => {
    if (!q.has(key)) return;
    const v = parse(q.get(key));
    if (v === null || v === undefined) bad.push(key);
    else set(v);
  };
  take(
    'prompt',
    (s) => (encodeURIComponent(s).length <= (sizes.maxPrompt ?? MAX_PROMPT_URL_BYTES) ? s : null),
    (v) => (values.prompt = v),
  );
  if (sizes.variants)
    take(
      'variant',
      (s) => (sizes.variants.includes(s) ? s : null),
      (v) => (values.variant = v),
    );
  take(
    'layer',
    (s) => intIn(s, 1, sizes.layers),
    (v) => (values.layer = v - 1),
  );
  take(
    'head',
    (s) => intIn(s, 1, sizes.heads),
    (v) => (values.head = v - 1),
  );
  take(
    'stage',
    (s) => intIn(s, 1, sizes.stages ?? 1),
    (v) => (values.stage = v - 1),
  );
  take(
    'pos',
    (s) => intIn(s, 1, sizes.maxPos ?? sizes.maxGen ?? 4096),
    (v) => (values.pos = v - 1),
  );
  take(
    'mode',
    (s) => (MODES.includes(s) ? s : null),
    (v) => (values.mode = v),
  );
  take(
    'temp',
    (s) => numIn(s, TEMP_MIN, TEMP_MAX),
    (v) => (values.temperature = v),
  );
  take(
    'k',
    (s) => intIn(s, 1, sizes.vocab),
    (v) => (values.topK = v),
  );
  take(
    'p',
    (s) => numIn(s, 0, 1),
    (v) => (values.topP = v),
  );
  take(
    'seed',
    (s) => intIn(s, 0, MAX_SEED),
    (v) => (values.seed = v),
  );
  take(
    'gen',
    (s) => {
      if (s === '') return [];
      const parts = s.split(',');
      if (parts.length > (sizes.maxGen ?? 4096)) return null;
      const ids = parts.map((p) => intIn(p, 0, sizes.vocab - 1));
      return ids.every((x) => x !== null) ? ids : null;
    },
    (v) => (values.gen = v),
  );
  take(
    'tour',
    (s) => intIn(s, 1, sizes.tourSteps ?? 1),
    (v) => (values.tour = v - 1),
  ); // the guided tour's step
  return { values, bad };
}

// ?pos= is read before the tokenizer has read the prompt: once the ids are known (prompt and
// ?gen= tokens), a position past their end is dropped (the views show the last token) and
// named with the other malformed values. Returns the store patch, or null when nothing changes.
export function posPastEnd(s) {
  const { pos } = s.sel;
  if (pos === null || pos === undefined || !s.ids || pos < s.ids.length) return null;
  return { sel: { ...s.sel, pos: null }, urlBad: [...new Set([...(s.urlBad || []), 'pos'])] };
}

// Writes the state into `search` (other parameters, e.g. ?variant=, are kept); defaults are
// left out so a plain page keeps a plain URL. Returns the new search string ('' or '?…').
export function serializeUrlState(search, st, defaults) {
  const q = new URLSearchParams(search);
  for (const key of KEYS) q.delete(key);
  const put = (key, value, dflt) => {
    if (value !== undefined && value !== null && value !== dflt) q.set(key, String(value));
  };
  put('prompt', st.prompt === undefined || st.prompt === null ? st.prompt : fitPrompt(st.prompt), defaults.prompt);
  put('layer', st.layer + 1, 1);
  put('head', st.head + 1, 1);
  put('stage', st.stage + 1, 1);
  if (st.pos !== null && st.pos !== undefined) put('pos', st.pos + 1, null);
  put('mode', st.mode, SAMPLING_DEFAULTS.mode);
  put('temp', st.mode === 'greedy' ? undefined : roundTo(st.temperature), SAMPLING_DEFAULTS.temperature);
  if (st.mode === 'topk') put('k', st.topK, SAMPLING_DEFAULTS.topK);
  if (st.mode === 'topp') put('p', roundTo(st.topP), SAMPLING_DEFAULTS.topP);
  put('seed', st.seed, SAMPLING_DEFAULTS.seed);
  if (st.gen?.length) q.set('gen', st.gen.join(','));
  if (Number.isInteger(st.tour)) q.set('tour', String(st.tour + 1));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// 4 significant digits: what the sliders can set, and a URL a person can read.
export const roundTo = (v) => Number(Number(v).toPrecision(4));

// The temperature slider runs on a log scale: position 0…1000 <-> 0.05…5.
export const tempToSlider = (t) => Math.round((1000 * Math.log(t / TEMP_MIN)) / Math.log(TEMP_MAX / TEMP_MIN));
export const sliderToTemp = (x) => roundTo(TEMP_MIN * (TEMP_MAX / TEMP_MIN) ** (x / 1000));
