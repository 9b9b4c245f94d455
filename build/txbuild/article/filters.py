"""jinja2 filters for the article's Markdown: numbers and tokens written the way each language writes them.

{{ model.n_params | thousands }}   124,439,808            (both languages)
{{ model.n_params | approx }}      124.4 million / 1억 2,444만
{{ p | pct }}                      12.3%
{{ tok | token }}                  <code class="tok">␣the</code>  (spaces made visible, HTML-escaped)
"""

from __future__ import annotations

import html
import math

from markupsafe import Markup


def thousands(n) -> str:
    return f"{int(round(float(n))):,}"


def approx(n, lang: str = "en") -> str:
    n = float(n)
    if lang == "ko":
        if n >= 1e8:
            eok, man = divmod(int(round(n / 1e4)), 10_000)
            return f"{eok}억 {man:,}만" if man else f"{eok}억"
        if n >= 1e4:
            return f"{n / 1e4:,.0f}만" if n >= 1e5 else f"{n / 1e4:.1f}만".replace(".0만", "만")
        return thousands(n)
    for unit, name in ((1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if n >= unit:
            v = n / unit
            return f"{v:.1f} {name}".replace(".0 ", " ") if v < 100 else f"{v:.0f} {name}"
    return thousands(n)


def pct(p, digits: int = 1) -> str:
    p = float(p) * 100
    if p != 0 and abs(p) < 10 ** (-digits):
        return f"{p:.1g}%"
    return f"{p:.{digits}f}%"


def fixed(x, digits: int = 2) -> str:
    x = float(x)
    if math.isinf(x):
        return "−∞" if x < 0 else "∞"
    return f"{x:.{digits}f}".replace("-", "−")


def visible(tok: str) -> str:
    """A token as text with its whitespace made visible (GPT-2's byte-level Ġ/Ċ also understood)."""
    if "Ġ" in tok or "Ċ" in tok:
        tok = tok.replace("Ġ", " ").replace("Ċ", "\n")
    return tok.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥")


def token(tok: str) -> Markup:
    return Markup(f'<code class="tok">{html.escape(visible(str(tok)))}</code>')


def versus(gpt2, here, lang: str = "en", unit: str = "") -> str:
    """GPT-2 small's number, then the page model's when it differs; one phrase when they are equal.

    versus(768, 256)  -> "768 in GPT-2 small, 256 in the model on this page"
    versus(50257, 50257) -> "50,257, in GPT-2 small as in the model on this page"
    """
    g = thousands(gpt2) if isinstance(gpt2, (int, float)) else str(gpt2)
    h = thousands(here) if isinstance(here, (int, float)) else str(here)
    u = f" {unit}" if unit and lang == "en" else unit
    if lang == "ko":
        if g == h:
            return f"{g}{u}(GPT-2 small과 이 페이지의 모델이 같습니다)"
        return f"GPT-2 small은 {g}{u}, 이 페이지의 모델은 {h}{u}"
    if g == h:
        return f"{g}{u}, in GPT-2 small as in the model on this page"
    return f"{g}{u} in GPT-2 small, {h}{u} in the model on this page"


# The explainer's URL state (web/src/gen/url-state.js): these keys, layer/head/stage 1-based.
TRY_KEYS = ("prompt", "layer", "head", "stage", "pos", "mode", "temp", "k", "p", "seed")
STAGE = {"tokens": 1, "embedding": 2, "blocks": 3, "qkv": 4, "attention": 5}  # web/src/explainer/shell.js STAGES


def try_it(text: str, **state) -> Markup:
    """A link that opens the explainer on this page in the given state (a relative URL).
    Markup: the article's templates escape every value that is not."""
    from urllib.parse import urlencode

    bad = set(state) - set(TRY_KEYS)
    assert not bad, f"try_it: unknown URL state key(s) {sorted(bad)}"
    if isinstance(state.get("stage"), str):
        state["stage"] = STAGE[state["stage"]]
    query = urlencode(
        [(k, f"{state[k]:g}" if isinstance(state[k], float) else str(state[k])) for k in TRY_KEYS if k in state]
    )
    return Markup(f'<a class="try-it" href="index.html?{html.escape(query)}#explainer">{html.escape(text)}</a>')


def install(env, lang: str) -> None:
    from .josa import josa

    env.globals["try_it"] = try_it
    env.filters["josa"] = josa
    env.globals["versus"] = lambda g, h, unit="": versus(g, h, lang, unit)
    env.filters["thousands"] = thousands
    env.filters["approx"] = lambda n: approx(n, lang)
    env.filters["pct"] = pct
    env.filters["fixed"] = fixed
    env.filters["token"] = token
    env.filters["visible"] = visible
