"""The live page's Korean particles (web/src/josa.js) agree with the build's (article/josa.py),
and a filled UI string keeps only the form that fits its value, in both languages' code."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from test_article_josa import READINGS
from txbuild.article.josa import PAIRS, particle, resolve_particles
from txbuild.article.viz.common import fill

ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "토큰",
    "모델",
    "헤드",
    "레이어",
    "층",
    "벡터",
    "밥",
    "길",
    "GPT",
    "␣good",
    "URL",
    "LLM",
    "ReLU",
    "softmax",
    "GPT-2",
    "3",
    "256",
    "17",
    "10",
    "0.5",
    "12.3%",
    "4.07",
    "+1.23",
    "−0.8",
    "“␣lord”",
    "“사” (3)",
    "“안” (1)",
    "<b>x</b>",
    "␣",
    "",
    "🙂",
    "안녕하세요.",
    "“Good morrow, my”",
    "∞",
    "e",
    "ㄱ",
    "「…참」",
    "…token.”",
    "8.3",
    ",",
    "“.”",
]
# and every value of the Python particle test, whose readings are written out by hand
WORDS += [w for w, _ in READINGS if w not in WORDS]
FILLED = [
    "“{}”을(를) 고릅니다",
    "{}이(가) 1위",
    "쿼리 {}와(과) 키",
    "{}(으)로 바뀝니다",
    "{}은(는) 정적",
    "{}(이)라는 토큰",
    "「{}」은(는) 네 글자",
]


def _node(script: str):
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_js_particles_equal_python_for_every_pair_and_word():
    js = _node(
        "import { particle } from './web/src/josa.js';"
        f"const W = {json.dumps(WORDS)}, P = {json.dumps(list(PAIRS))};"
        "console.log(JSON.stringify(W.map((w) => P.map((p) => particle(w, p)))));"
    )
    assert js == [[particle(w, p) for p in PAIRS] for w in WORDS]


def test_filled_strings_resolve_the_same_way_in_js_and_python():
    texts = [f.format(w) for f in FILLED for w in WORDS]
    js = _node(
        "import { resolveParticles } from './web/src/josa.js';"
        f"console.log(JSON.stringify({json.dumps(texts)}.map(resolveParticles)));"
    )
    assert js == [resolve_particles(t) for t in texts]
    assert resolve_particles("“␣lord”을(를) 고릅니다") == "“␣lord”를 고릅니다"
    assert resolve_particles("“사람”을(를) 고릅니다") == "“사람”을 고릅니다"
    assert resolve_particles("“사” (3)와(과) 키") == "“사” (3)과 키"
    assert resolve_particles("「…참」은(는)") == "「…참」은"
    assert resolve_particles("“,”을(를) 고릅니다") == "“,”을(를) 고릅니다"  # nothing tells: both forms


def test_fill_resolves_only_after_a_value_was_filled():
    assert fill("프롬프트 “{prompt}”을(를) 나눈 모습", prompt="사느냐") == "프롬프트 “사느냐”를 나눈 모습"
    assert fill("프롬프트 “{prompt}”을(를) 나눈 모습", prompt="밥") == "프롬프트 “밥”을 나눈 모습"
    assert fill("고정된 글 을(를)") == "고정된 글 을(를)"
