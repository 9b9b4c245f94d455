// On the Korean page, next to the example buttons: what this model does with Korean, from the
// build-time runs of a Korean example and the English default's (token counts, byte fragments,
// the model's own top next-token probability). Only what those numbers show is said.

import { formatProb, visibleText } from '../../viz/lib/scales.js';

const FRAGMENT = '\ufffd'; // a token that decodes to no whole character (part of a UTF-8 sequence)

export function koreanFacts(manifest) {
  const ko = manifest.examples.find((ex) => ex.lang === 'ko');
  const en = manifest.examples.find((ex) => ex.lang !== 'ko');
  if (!ko || !en || !ko.top.length || !en.top.length) return null;
  const facts = (ex) => ({
    prompt: ex.prompt,
    chars: [...ex.prompt].length,
    tokens: ex.ids.length,
    fragments: ex.tokens.filter((s) => s.includes(FRAGMENT)).length,
    top: ex.top[0].prob,
    token: ex.top[0].token,
  });
  return { ko: facts(ko), en: facts(en) };
}

export function koreanNote(manifest, t) {
  const f = koreanFacts(manifest);
  if (!f) return null;
  const { ko, en } = f;
  const counts = { prompt: ko.prompt, chars: ko.chars, tokens: ko.tokens, fragments: ko.fragments };
  const parts = [ko.fragments > 0 ? t('examples_ko_tokens', counts) : t('examples_ko_tokens_whole', counts)];
  parts.push(
    t('examples_ko_probs', {
      ko_token: visibleText(ko.token),
      ko_top: formatProb(ko.top),
      en_prompt: en.prompt,
      en_chars: en.chars,
      en_tokens: en.tokens,
      en_token: visibleText(en.token),
      en_top: formatProb(en.top),
    }),
  );
  if (ko.top < en.top) parts.push(t('examples_ko_less'));
  return parts.join(' ');
}
