// GPT-2 byte-level BPE in the browser, the same ids Hugging Face's GPT-2 tokenizer gives.
// Special tokens are plain text on both sides: the literal "<|endoftext|>" in a prompt is
// 7 ordinary tokens, never id 50256. tools/encode.mjs uses this very module so the Python
// tests check what the browser runs.

import { encode, decode } from 'gpt-tokenizer/encoding/r50k_base';
import ranks from 'gpt-tokenizer/bpeRanks/r50k_base';

export function encodeText(text) {
  return encode(text, { allowedSpecial: new Set(), disallowedSpecial: new Set() });
}

export function decodeIds(ids) {
  return decode(ids);
}

// The bytes a single token stands for. A GPT-2 token can be a fragment of a multi-byte
// character (Korean, emoji), which is why this is bytes and not text.
export function tokenBytes(id) {
  const rank = ranks[id];
  if (typeof rank === 'string') return new TextEncoder().encode(rank);
  if (rank) return Uint8Array.from(rank);
  return new TextEncoder().encode(decode([id])); // special tokens (<|endoftext|>)
}

// What to print for one token: its text when its bytes are valid UTF-8 on their own,
// otherwise its bytes in hex ("EC 95"), marked so the view can style it differently
// (and must not rewrite it as text, e.g. make spaces visible).
export function tokenLabel(id) {
  const rank = ranks[id];
  if (typeof rank === 'string') return { text: rank, bytes: false };
  if (rank) {
    // thin spaces between bytes, so a 0x20 byte (shown as "20") cannot be mistaken for a gap
    const hex = Array.from(rank, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('\u2009');
    return { text: hex, bytes: true };
  }
  return { text: decode([id]), bytes: false, special: true };
}
