// Groups GPT-2's byte-level tokens back into characters: a Korean syllable or an emoji is
// several UTF-8 bytes, and GPT-2 often gives it several tokens, none of which is text on its
// own. A group runs from a token whose bytes are not valid UTF-8 on their own until the bytes
// gathered so far are, so the reader sees which bytes (and tokens) make which characters.

const decoder = () => new TextDecoder('utf-8', { fatal: true });

export function utf8Text(bytes) {
  try {
    return decoder().decode(bytes);
  } catch {
    return null;
  }
}

export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0'));

// tokens: [{bytes: Uint8Array|number[]}] -> [{start, end (exclusive), text: string|null}]
// text is null for a group that never completes (the prompt was cut inside a character).
export function groupTokens(tokens) {
  const groups = [];
  let i = 0;
  while (i < tokens.length) {
    const own = utf8Text(Uint8Array.from(tokens[i].bytes ?? []));
    if (own !== null) {
      groups.push({ start: i, end: i + 1, text: own, single: true });
      i++;
      continue;
    }
    const acc = [];
    let j = i;
    let text = null;
    while (j < tokens.length) {
      acc.push(...(tokens[j].bytes ?? []));
      j++;
      text = utf8Text(Uint8Array.from(acc));
      if (text !== null) break;
    }
    groups.push({ start: i, end: j, text, single: false });
    i = j;
  }
  return groups;
}
