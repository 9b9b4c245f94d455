"""Korean particles chosen from the word they follow, for values the template does not know.

    {{ facts.top1.token | token | josa("이") }}   ->  <code class="tok">␣good</code>가   (d: 디)
    {{ model.n_layer | josa("개의") }} is not a particle; only the pairs in PAIRS are

Korean picks 은/는, 이/가, 을/를, 과/와, 으로/로 by whether the last syllable *as read aloud*
has a final consonant (받침); 으로/로 also takes 로 after ㄹ. Latin letters and digits are
read by their Korean names (d 디, l 엘, 3 삼, 7 칠), which is how a reader says “GPT-2는”.
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

# Final consonant of the Korean reading of each letter and digit: None (vowel), "ㄹ", or "other".
_L, _C = "ㄹ", "other"
LATIN = {**{c: None for c in "abcdefghijkopqrstuvwxyz"}, "l": _L, "m": _C, "n": _C, "r": None}
DIGITS = {"0": _C, "1": _L, "2": None, "3": _C, "4": None, "5": None, "6": _C, "7": _L, "8": _L, "9": None}
SYMBOLS = {"%": None, "∞": None}  # 퍼센트, 무한대
_SKIP = re.compile(r"(<[^>]*>|[\s”“\"'’‘)\]}>»·.,;:!?…]|&[a-z#0-9]+;)+$")


def final(word: str) -> str | None:
    """None if the reading of `word` ends in a vowel, "ㄹ" or "other" for a final consonant."""
    s = _SKIP.sub("", str(word))
    while s:
        ch = s[-1]
        if "\uac00" <= ch <= "\ud7a3":
            jong = (ord(ch) - 0xAC00) % 28
            return None if jong == 0 else (_L if jong == 8 else _C)
        low = ch.lower()
        if low in LATIN:
            return LATIN[low]
        if ch in DIGITS:
            return DIGITS[ch]
        if ch in SYMBOLS:
            return SYMBOLS[ch]
        s = _SKIP.sub("", s[:-1])  # another symbol (␣, ↵, −): look further left
    return None


def particle(word: str, p: str) -> str:
    after_consonant, after_vowel = PAIRS[p]
    f = final(word)
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
