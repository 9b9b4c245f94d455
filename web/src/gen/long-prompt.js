// A prompt longer than a link holds (url-state.js cuts the link's copy to its first part):
// the whole text waits in sessionStorage, so a reload of the same link gives it back. Pure but
// for the storage object the caller passes (a throwing or missing one is no storage).

import { fitPrompt } from './url-state.js';

export const isLong = (prompt) => typeof prompt === 'string' && fitPrompt(prompt) !== prompt;

export const storageKey = (pathname) => `txb:prompt:${pathname}`;

// The prompt to show: the stored text when the link's prompt is exactly its first part.
export function restorePrompt(urlPrompt, stored) {
  if (typeof urlPrompt !== 'string' || !isLong(stored)) return urlPrompt;
  return fitPrompt(stored) === urlPrompt ? stored : urlPrompt;
}

export function readStored(storage, key) {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

// Keeps a long prompt, forgets it once the prompt fits the link again.
export function remember(storage, key, prompt) {
  try {
    if (isLong(prompt)) storage?.setItem(key, prompt);
    else storage?.removeItem(key);
  } catch {
    // full or disabled storage: the link still holds the first part
  }
}
