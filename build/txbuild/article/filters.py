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


def install(env, lang: str) -> None:
    env.filters["thousands"] = thousands
    env.filters["approx"] = lambda n: approx(n, lang)
    env.filters["pct"] = pct
    env.filters["fixed"] = fixed
    env.filters["token"] = token
    env.filters["visible"] = visible
