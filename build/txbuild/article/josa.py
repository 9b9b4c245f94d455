"""Korean particles chosen from the word they follow, for values the template does not know.

    {{ facts.top1.token | token | josa("이") }}   ->  <code class="tok">␣lord</code>가   (로드)
    {{ model.n_layer | josa("개의") }} is not a particle; only the pairs in PAIRS are

Korean picks 은/는, 이/가, 을/를, 과/와, 으로/로 by whether the last syllable *as read aloud*
has a final consonant (받침); 으로/로 also takes 로 after ㄹ. How a Korean reader says the end
of a value:

- Hangul: its own last syllable.
- digits: the Korean name of the last digit (3 삼, 8.3 팔 점 삼, 10 십, 100 백).
- an acronym (GPT, URL, a single letter, ReLU's LU): the Korean name of the last letter
  (T 티, L 엘, M 엠), which is how a reader says “GPT-2는”.
- an English word: its ending as Korean writes loanwords (good 굿, token 토큰, model 모델,
  lord 로드, heart 하트, out 아웃), by the rules in `english`. Where the spelling does not
  tell (cat 캣 but boat 보트 is told; a bare symbol is not), the value takes both forms,
  “␣,”이(가), as Korean UIs write it.

HTML tags and closing punctuation at the end of the value are skipped.
"""

from __future__ import annotations

import re

from markupsafe import Markup

# particle -> (after a final consonant, after a vowel); the key may be either form
PAIRS = {
    "은": ("은", "는"),
    "는": ("은", "는"),
    "이": ("이", "가"),
    "가": ("이", "가"),
    "을": ("을", "를"),
    "를": ("을", "를"),
    "과": ("과", "와"),
    "와": ("과", "와"),
    "으로": ("으로", "로"),
    "로": ("으로", "로"),
    "이다": ("이다", "다"),
    "이고": ("이고", "고"),
    "이나": ("이나", "나"),
    "이라는": ("이라는", "라는"),
    "라는": ("이라는", "라는"),
    "이며": ("이며", "며"),
    "아": ("아", "야"),
    "야": ("아", "야"),
}
# the both-ways form of each pair, for a value whose reading cannot be known
BOTH_WAYS = {
    "은": "은(는)",
    "이": "이(가)",
    "을": "을(를)",
    "과": "과(와)",
    "으로": "(으)로",
    "이다": "(이)다",
    "이고": "(이)고",
    "이나": "(이)나",
    "이라는": "(이)라는",
    "이며": "(이)며",
    "아": "아(야)",
}

# Final consonant of a reading: None (a vowel), "ㄹ", "other", or UNKNOWN (cannot be told).
_L, _C, UNKNOWN = "ㄹ", "other", "?"
LATIN = {**{c: None for c in "abcdefghijkopqrstuvwxyz"}, "l": _L, "m": _C, "n": _C, "r": None}
DIGITS = {"0": _C, "1": _L, "2": None, "3": _C, "4": None, "5": None, "6": _C, "7": _L, "8": _L, "9": None}
SYMBOLS = {"%": None, "∞": None}  # 퍼센트, 무한대
_SKIP = re.compile(r"(<[^>]*>|[\s”“\"'’‘)\]}>»·.,;:!?…」』〉》】]|&[a-z#0-9]+;)+$")

_VOWELS = "aeiou"
# English words whose usual Korean spelling the rules below miss
WORDS = {"good": _C, "god": _C, "big": _C, "bag": _C, "eat": _C}


def english(w: str) -> str | None:
    """The final of an English word (lower case) as Korean writes it (외래어 표기법 and usage):
    m, n, ng are 받침 (모델 has ㄹ); r and a final vowel letter end in a vowel (컴퓨터, 데이터);
    p, t, k after a short vowel are 받침 (캣, 톱, 북), after a consonant or a long vowel they
    take 으 (테스트, 보트); b, d, g, s, z, x, f, v, th, sh, ch and a silent e take 으 (로드, 버그,
    토큰스, 메이크)."""
    if w in WORDS:
        return WORDS[w]
    if not any(c in _VOWELS + "y" for c in w):  # no vowel: read letter by letter (nth, ln)
        return LATIN.get(w[-1], UNKNOWN)
    if w.endswith("ng") or w[-1] in "mn":
        return _C
    if w[-1] == "l" or w.endswith("le"):
        return _L
    if w.endswith("e") and len(w) > 2 and w[-2] not in _VOWELS + "y":  # a silent e: make, come, one
        return _C if w[-2] in "mn" else None
    if w[-1] in "kpt" + "c":
        before = w[-2] if len(w) > 1 else ""
        if w.endswith("ck"):
            return _C  # back 백, pick 픽
        if before not in _VOWELS:  # a cluster: test 테스트, think 싱크, disc 디스크
            return None
        if w[-1] == "c":
            return _C  # music 뮤직, logic 로직
        pair = w[-3:-1] if len(w) > 2 else ""
        if pair == "oo" and w[-1] == "k" or pair == "ou" and w[-1] == "t":
            return _C  # book 북, out 아웃
        if pair in ("ee", "ea") and w[-1] == "p":
            return _C  # keep 킵, cheap 칩
        if len(pair) == 2 and pair[0] in _VOWELS:  # a long vowel: boat 보트, speak 스피크
            return None
        return _C  # a short vowel: cat 캣, top 톱, it 잇
    return None  # a vowel, r, or a consonant Korean writes with 으


def _latin(run: str) -> str | None:
    """The final of a run of Latin letters: an acronym by its letters' names, a word as a word."""
    if len(run) == 1 or run[-1].isupper():  # GPT, x, ReLU (its U)
        return LATIN[run[-1].lower()]
    word = re.search(r"[A-Z]?[a-z]+$", run).group(0)  # WebText: the word Text
    return english(word.lower())


def final(word: str) -> str | None:
    """None if the reading of `word` ends in a vowel, "ㄹ" or "other" for a final consonant,
    UNKNOWN if nothing in it tells."""
    s = _SKIP.sub("", str(word))
    while s:
        ch = s[-1]
        if "\uac00" <= ch <= "\ud7a3":
            jong = (ord(ch) - 0xAC00) % 28
            return None if jong == 0 else (_L if jong == 8 else _C)
        if ch.isascii() and ch.isalpha():
            return _latin(re.search(r"[A-Za-z]+$", s).group(0))
        if ch in DIGITS:
            return DIGITS[ch]
        if ch in SYMBOLS:
            return SYMBOLS[ch]
        s = _SKIP.sub("", s[:-1])  # another symbol (␣, ↵, −): look further left
    return UNKNOWN


def particle(word: str, p: str) -> str:
    after_consonant, after_vowel = PAIRS[p]
    f = final(word)
    if f == UNKNOWN:
        return BOTH_WAYS[after_consonant]
    if p in ("으로", "로"):
        return after_vowel if f in (None, _L) else after_consonant
    return after_vowel if f is None else after_consonant


def josa(word, p: str):
    """The word with its particle attached, no space between. Markup (a `token` chip) stays
    Markup, its particle chosen from the text it shows, not from its tags."""
    if isinstance(word, Markup):
        return word + particle(word.striptags(), p)
    return f"{word}{particle(str(word), p)}"


# the both-ways forms a Korean UI string may write after a value -> the particle to choose
BOTH = {
    "이(가)": "이",
    "가(이)": "이",
    "을(를)": "을",
    "를(을)": "을",
    "은(는)": "은",
    "는(은)": "은",
    "과(와)": "과",
    "와(과)": "과",
    "(으)로": "으로",
    "(이)라는": "이라는",
}
_BOTH = re.compile("|".join(re.escape(k) for k in BOTH))


def resolve_particles(text: str) -> str:
    """Every both-ways particle of a filled UI string, “{token}”을(를), resolved by the text
    just before it (web/src/josa.js does the same for the live strings)."""
    return _BOTH.sub(lambda m: particle(text[: m.start()], BOTH[m.group(0)]), text)
