// Korean particles chosen from the value they follow, for UI strings that template a token or
// a number: “{token}”을(를) becomes “␣lord”를 or “사람”을. The same rule as the build's
// build/txbuild/article/josa.py (tests/test_josa_js.py checks the two agree): Korean picks
// 은/는, 이/가, 을/를, 과/와, 으로/로 by whether the value's last sound, read aloud, ends in a
// consonant; Latin letters and digits are read by their Korean names (l 엘, 3 삼).

const PAIRS = {
  은: ['은', '는'],
  는: ['은', '는'],
  이: ['이', '가'],
  가: ['이', '가'],
  을: ['을', '를'],
  를: ['을', '를'],
  과: ['과', '와'],
  와: ['과', '와'],
  으로: ['으로', '로'],
  로: ['으로', '로'],
  이다: ['이다', '다'],
  이고: ['이고', '고'],
  이나: ['이나', '나'],
  이라는: ['이라는', '라는'],
  라는: ['이라는', '라는'],
  이며: ['이며', '며'],
  아: ['아', '야'],
  야: ['아', '야'],
};

const L = 'ㄹ';
const C = 'other';
const LATIN = { ...Object.fromEntries([...'abcdefghijkopqrstuvwxyz'].map((c) => [c, null])), l: L, m: C, n: C };
const DIGITS = { 0: C, 1: L, 2: null, 3: C, 4: null, 5: null, 6: C, 7: L, 8: L, 9: null };
const SYMBOLS = { '%': null, '∞': null };
const SKIP = /(<[^>]*>|[\s”“"'’‘)\]}>»·.,;:!?…]|&[a-z#0-9]+;)+$/u;

// null when the reading ends in a vowel, 'ㄹ' or 'other' for a final consonant
export function final(word) {
  let s = String(word).replace(SKIP, '');
  while (s) {
    const ch = s.at(-1);
    const code = ch.codePointAt(0);
    if (code >= 0xac00 && code <= 0xd7a3) {
      const jong = (code - 0xac00) % 28;
      return jong === 0 ? null : jong === 8 ? L : C;
    }
    const low = ch.toLowerCase();
    if (Object.hasOwn(LATIN, low)) return LATIN[low];
    if (Object.hasOwn(DIGITS, ch)) return DIGITS[ch];
    if (Object.hasOwn(SYMBOLS, ch)) return SYMBOLS[ch];
    s = [...s].slice(0, -1).join('').replace(SKIP, ''); // another symbol (␣, ↵, −): look further left
  }
  return null;
}

export function particle(word, p) {
  const pair = PAIRS[p];
  if (!pair) return p; // not a particle this table knows: the text as written
  const f = final(word);
  if (p === '으로' || p === '로') return f === null || f === L ? pair[1] : pair[0];
  return f === null ? pair[1] : pair[0];
}

// the both-ways forms a Korean string may write after a value -> the particle to choose
const BOTH = {
  '이(가)': '이',
  '가(이)': '이',
  '을(를)': '을',
  '를(을)': '을',
  '은(는)': '은',
  '는(은)': '은',
  '과(와)': '과',
  '와(과)': '과',
  '(으)로': '으로',
  '(이)라는': '이라는',
};
const BOTH_RE = new RegExp(
  Object.keys(BOTH)
    .map((k) => k.replace(/[()]/g, '\\$&'))
    .join('|'),
  'g',
);

// Every both-ways particle in a filled string, resolved by the text just before it.
export function resolveParticles(text) {
  return text.replace(BOTH_RE, (m, at) => particle(text.slice(0, at), BOTH[m]));
}
