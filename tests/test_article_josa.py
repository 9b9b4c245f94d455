"""Korean particles after templated values: chosen from the value's last sound (issue 11, §7)."""

from __future__ import annotations

import re

import pytest

from txbuild.article.josa import josa, particle


@pytest.mark.parametrize(
    "word, p, want",
    [
        # Hangul: final consonant or not
        ("토큰", "은", "은"),
        ("모델", "은", "은"),
        ("헤드", "은", "는"),
        ("레이어", "이", "가"),
        ("어텐션", "을", "을"),
        ("소프트맥스", "를", "를"),
        ("층", "와", "과"),
        ("벡터", "과", "와"),
        # 으로/로: ㄹ takes 로
        ("모델", "으로", "로"),
        ("토큰", "로", "으로"),
        ("헤드", "으로", "로"),
        # Latin letters by their Korean names: d 디, l 엘, m 엠, n 엔, r 아르
        ("GPT", "은", "는"),
        ("␣good", "이", "이"),  # 굿, not the letters' 디
        ("URL", "을", "을"),
        ("URL", "으로", "로"),
        ("LLM", "은", "은"),
        ("token", "을", "을"),
        ("ReLU", "는", "는"),
        ("softmax", "가", "가"),
        ("Heldout", "와", "과"),  # 헬드아웃
        # digits: 1 일, 2 이, 3 삼, 6 육, 7 칠, 8 팔, 0 영
        ("GPT-2", "은", "는"),
        ("3", "이", "이"),
        ("256", "을", "을"),
        ("17", "로", "로"),
        ("10", "을", "을"),
        ("0.5", "가", "가"),
        ("12.3%", "는", "는"),
        ("4.07", "라는", "이라는"),
        ("4.05", "이라는", "라는"),
    ],
)
def test_particle_follows_the_last_sound(word, p, want):
    assert particle(word, p) == want


def test_markup_and_closing_punctuation_are_skipped():
    assert josa('<code class="tok">␣thou</code>', "이") == '<code class="tok">␣thou</code>가'
    assert josa("“Good morrow, my”", "는") == "“Good morrow, my”는"
    assert josa('<code class="tok">␣lord</code>', "을") == '<code class="tok">␣lord</code>를'
    assert josa("␣", "이") == "␣이(가)"  # nothing readable: both forms, never a crash
    assert josa("안녕하세요.", "를") == "안녕하세요.를"


def test_a_token_chip_keeps_its_html_and_takes_the_particle_of_its_text():
    from markupsafe import Markup

    from txbuild.article.filters import token

    chip = josa(token(" 왕"), "은")
    assert isinstance(chip, Markup) and chip == Markup('<code class="tok">␣왕</code>은')
    assert josa(token(" lord"), "이고") == Markup('<code class="tok">␣lord</code>고')


# How a Korean reader says each value, written out by hand: the particle must fit the last
# syllable of the reading (None: nothing tells, so both forms). Latin words, acronyms, digits and
# values that end in punctuation (issue 22, item 11).
READINGS = [
    # English words, as Korean writes them
    ("␣good", "굿"),
    ("Good", "굿"),
    ("␣lord", "로드"),
    ("␣the", "더"),
    ("␣question", "퀘스천"),
    ("␣king", "킹"),
    ("␣kings", "킹스"),
    ("␣love", "러브"),
    ("␣night", "나이트"),
    ("␣three", "스리"),
    ("␣thou", "다우"),
    ("␣thee", "디"),
    ("␣my", "마이"),
    ("␣is", "이즈"),
    ("␣and", "앤드"),
    ("␣heart", "하트"),
    ("␣sweet", "스위트"),
    ("␣not", "낫"),
    ("␣it", "잇"),
    ("␣that", "댓"),
    ("␣what", "왓"),
    ("␣cat", "캣"),
    ("␣top", "톱"),
    ("␣book", "북"),
    ("␣back", "백"),
    ("␣music", "뮤직"),
    ("␣keep", "킵"),
    ("␣boat", "보트"),
    ("␣speak", "스피크"),
    ("␣test", "테스트"),
    ("␣think", "싱크"),
    ("␣help", "헬프"),
    ("␣make", "메이크"),
    ("␣come", "컴"),
    ("␣time", "타임"),
    ("␣one", "원"),
    ("␣all", "올"),
    ("␣will", "윌"),
    ("␣apple", "애플"),
    ("␣table", "테이블"),
    ("␣data", "데이터"),
    ("␣computer", "컴퓨터"),
    ("␣for", "포"),
    ("␣here", "히어"),
    ("␣with", "위드"),
    ("␣out", "아웃"),
    ("␣dropout", "드롭아웃"),
    ("token", "토큰"),
    ("softmax", "소프트맥스"),
    ("WebText", "웹텍스트"),
    # acronyms and single letters, by the letters' names
    ("GPT", "지피티"),
    ("GPTs", "지피티스"),
    ("URL", "유알엘"),
    ("LLM", "엘엘엠"),
    ("MLP", "엠엘피"),
    ("ReLU", "렐루"),
    ("x", "엑스"),
    ("␣Q", "큐"),
    # digits, by their Korean names
    ("8.3", "팔 점 삼"),
    ("10", "십"),
    ("100", "백"),
    ("1,000", "천"),
    ("17", "십칠"),
    ("0.5", "영 점 오"),
    ("256", "이백오십육"),
    ("4.07", "사 점 영칠"),
    ("−0.8", "마이너스 영 점 팔"),
    ("8.3%", "팔 점 삼 퍼센트"),
    ("GPT-2", "지피티 이"),
    # punctuation at the end: the word before it is read
    ("「…참」", "참"),
    ("A language model predicts the next token.", "토큰"),
    ("“A language model predicts the next token.”", "토큰"),
    ("“Good morrow, my”", "마이"),
    ("“To be, or not to be,”", "비"),
    ("“8.3”", "삼"),
    ("(3)", "삼"),
    ("안녕하세요.", "요"),
    # nothing readable: both forms
    ("␣", None),
    (",", None),
    ("“.”", None),
    ("🙂", None),
    ("", None),
]
BOTH_WAYS = {"은": "은(는)", "이": "이(가)", "을": "을(를)", "과": "과(와)", "으로": "(으)로", "이라는": "(이)라는"}


def expected(reading: str | None, p: str) -> str:
    """The particle for a reading, from its last Hangul syllable's final consonant."""
    if reading is None:
        return BOTH_WAYS[p]
    jong = (ord(reading[-1]) - 0xAC00) % 28  # 0: no final consonant, 8: ㄹ
    after_consonant = {"은": "은", "이": "이", "을": "을", "과": "과", "으로": "으로", "이라는": "이라는"}[p]
    after_vowel = {"은": "는", "이": "가", "을": "를", "과": "와", "으로": "로", "이라는": "라는"}[p]
    if p == "으로":
        return after_vowel if jong in (0, 8) else after_consonant
    return after_vowel if jong == 0 else after_consonant


@pytest.mark.parametrize("word, reading", READINGS, ids=[w or "empty" for w, _ in READINGS])
def test_particle_fits_how_a_korean_reader_says_the_value(word, reading):
    for p in ("은", "이", "을", "과", "으로", "이라는"):
        assert particle(word, p) == expected(reading, p), (word, reading, p)


_PARTICLE = r"(은|는|이|가|을|를|과|와|로|으로|라는|이라는)(?=[\s.,;:)]|$)"


def test_no_fixed_particle_after_a_value():
    """A particle written after a templated value guesses its sound: “{{ prompt }}”는 is wrong
    after “…token.”. Values take `josa` in the article and a both-ways form in UI strings
    (resolved when filled). A percentage always ends in 퍼센트, so it may keep a fixed one."""
    from txbuild import REPO_ROOT

    ko = REPO_ROOT / "content" / "ko"
    bad = []
    for f in sorted(ko.glob("*.md")):
        text = f.read_text(encoding="utf-8")
        for m in re.finditer(r"\{\{([^{}]*)\}\}[”」’\]]*" + _PARTICLE, text, re.M):
            if "| pct" not in m.group(1):
                bad.append(f"{f.name}: {m.group(0)!r}")
    strings = (ko / "strings.toml").read_text(encoding="utf-8")
    bad += [f"strings.toml: {m.group(0)!r}" for m in re.finditer(r"\{[a-z_0-9]+\}[”」’\]]*" + _PARTICLE, strings, re.M)]
    assert not bad, bad
