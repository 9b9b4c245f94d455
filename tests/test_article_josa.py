"""Korean particles after templated values: chosen from the value's last sound (issue 11, §7)."""

from __future__ import annotations

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
        ("␣good", "이", "가"),
        ("URL", "을", "을"),
        ("URL", "으로", "로"),
        ("LLM", "은", "은"),
        ("token", "을", "을"),
        ("ReLU", "는", "는"),
        ("softmax", "가", "가"),
        ("Heldout", "와", "와"),
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
    assert josa("␣", "이") == "␣가"  # nothing readable: the vowel form, never a crash
    assert josa("안녕하세요.", "를") == "안녕하세요.를"


def test_a_token_chip_keeps_its_html_and_takes_the_particle_of_its_text():
    from markupsafe import Markup

    from txbuild.article.filters import token

    chip = josa(token(" 왕"), "은")
    assert isinstance(chip, Markup) and chip == Markup('<code class="tok">␣왕</code>은')
    assert josa(token(" lord"), "이고") == Markup('<code class="tok">␣lord</code>고')
