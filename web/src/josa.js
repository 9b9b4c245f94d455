// Korean particles chosen from the value they follow, for UI strings that template a token or
// a number: “{token}”을(를) becomes “␣lord”를 or “사람”을. The same rule as the build's
// build/txbuild/article/josa.py (tests/test_josa_js.py checks the two agree): Korean picks
// 은/는, 이/가, 을/를, 과/와, 으로/로 by whether the value's last sound, read aloud, ends in a
// consonant. Digits and acronyms are read by their Korean names (3 삼, GPT 지피티, URL 유알엘),
// English words as Korean writes them (good 굿, token 토큰, lord 로드); where nothing tells
// (a bare symbol), both forms stay: “,”이(가).

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
// the both-ways form of each pair, for a value whose reading cannot be known
const BOTH_WAYS = {
  은: '은(는)',
  이: '이(가)',
  을: '을(를)',
  과: '과(와)',
  으로: '(으)로',
  이다: '(이)다',
  이고: '(이)고',
  이나: '(이)나',
  이라는: '(이)라는',
  이며: '(이)며',
  아: '아(야)',
};

const L = 'ㄹ';
const C = 'other';
export const UNKNOWN = '?';
const LATIN = { ...Object.fromEntries([...'abcdefghijkopqrstuvwxyz'].map((c) => [c, null])), l: L, m: C, n: C };
const DIGITS = { 0: C, 1: L, 2: null, 3: C, 4: null, 5: null, 6: C, 7: L, 8: L, 9: null };
const SYMBOLS = { '%': null, '∞': null };
const SKIP = /(<[^>]*>|[\s”“"'’‘)\]}>»·.,;:!?…」』〉》】]|&[a-z#0-9]+;)+$/u;
const VOWELS = 'aeiou';
// English words whose usual Korean spelling the rules below miss
const WORDS = { good: C, god: C, big: C, bag: C, eat: C };

// The final of an English word (lower case) as Korean writes it: m, n, ng are 받침, l is ㄹ;
// r and a final vowel letter end in a vowel; p, t, k after a short vowel are 받침 (캣, 톱, 북),
// after a consonant or a long vowel they take 으 (테스트, 보트); other consonants and a silent
// e take 으 (로드, 버그, 메이크).
export function english(w) {
  if (Object.hasOwn(WORDS, w)) return WORDS[w];
  if (![...w].some((c) => (VOWELS + 'y').includes(c)))
    return Object.hasOwn(LATIN, w.at(-1)) ? LATIN[w.at(-1)] : UNKNOWN;
  const last = w.at(-1);
  if (w.endsWith('ng') || 'mn'.includes(last)) return C;
  if (last === 'l' || w.endsWith('le')) return L;
  if (last === 'e' && w.length > 2 && !(VOWELS + 'y').includes(w.at(-2))) return 'mn'.includes(w.at(-2)) ? C : null;
  if ('kptc'.includes(last)) {
    const before = w.length > 1 ? w.at(-2) : '';
    if (w.endsWith('ck')) return C;
    if (!before || !VOWELS.includes(before)) return null;
    if (last === 'c') return C;
    const pair = w.length > 2 ? w.slice(-3, -1) : '';
    if ((pair === 'oo' && last === 'k') || (pair === 'ou' && last === 't')) return C;
    if ((pair === 'ee' || pair === 'ea') && last === 'p') return C;
    if (pair.length === 2 && VOWELS.includes(pair[0])) return null;
    return C;
  }
  return null;
}

// The final of a run of Latin letters: an acronym by its letters' names, a word as a word.
function latin(run) {
  const last = run.at(-1);
  if (run.length === 1 || last !== last.toLowerCase()) return LATIN[last.toLowerCase()];
  return english(run.match(/[A-Z]?[a-z]+$/)[0].toLowerCase());
}

// null when the reading ends in a vowel, 'ㄹ' or 'other' for a final consonant, UNKNOWN when
// nothing in the value tells
export function final(word) {
  let s = String(word).replace(SKIP, '');
  while (s) {
    const ch = s.at(-1);
    const code = ch.codePointAt(0);
    if (code >= 0xac00 && code <= 0xd7a3) {
      const jong = (code - 0xac00) % 28;
      return jong === 0 ? null : jong === 8 ? L : C;
    }
    if (/[A-Za-z]/.test(ch)) return latin(s.match(/[A-Za-z]+$/)[0]);
    if (Object.hasOwn(DIGITS, ch)) return DIGITS[ch];
    if (Object.hasOwn(SYMBOLS, ch)) return SYMBOLS[ch];
    s = [...s].slice(0, -1).join('').replace(SKIP, ''); // another symbol (␣, ↵, −): look further left
  }
  return UNKNOWN;
}

export function particle(word, p) {
  const pair = PAIRS[p];
  if (!pair) return p; // not a particle this table knows: the text as written
  const f = final(word);
  if (f === UNKNOWN) return BOTH_WAYS[pair[0]];
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
