"""A python-markdown extension: `$…$` and `$$…$$` become MathML at build time (latex2mathml).

The formulas are converted in a preprocessor, before any other Markdown processing, and stored
in the HTML stash, so `_`, `*` and `\\` inside them never reach the inline patterns. Code spans
and fenced code blocks are left alone; `\\$` is a literal dollar sign.

    $$ ... $$   on lines of its own (may span lines)  -> <div class="math-display"><math display="block">
    $...$       inline; no space after the opening $, none before the closing one, and the closing
                $ not followed by a digit (so "$5 and $6" stays text)
"""

from __future__ import annotations

import re

from latex2mathml.converter import convert
from markdown import Extension
from markdown.preprocessors import Preprocessor

_FENCE = re.compile(r"^\s*(```|~~~)")
_BLOCK = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(
    r"(?<![\\$])\$(?=\S)((?:[^\n]|\n(?![ \t]*\n))+?)(?<=\S)(?<!\\)\$(?![\d$])"
)  # may wrap a line, not a paragraph
_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_PERCENT = re.compile(r"(?<!\\)%")


def split_qquad(latex: str) -> list[str]:
    """A display formula's parts separated by a top-level `\\qquad` (outside braces): each
    becomes a formula of its own, so on a narrow screen they wrap instead of scrolling."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(latex):
        ch = latex[i]
        if ch == "\\" and latex.startswith("\\qquad", i) and not latex[i + 6 : i + 7].isalpha():
            if depth == 0:
                parts.append(latex[start:i])
                start = i + 6
            i += 6
            continue
        if ch == "\\":
            i += 2  # an escaped character (\{, \\) never opens or closes a group
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        i += 1
    parts.append(latex[start:])
    return [p.strip() for p in parts if p.strip()]


def to_mathml(latex: str, display: bool, errors: list[str] | None = None) -> str:
    """LaTeX -> a <math> element. A formula latex2mathml cannot read is kept as code and reported.
    A `%` is a percent sign, never a TeX comment: “≈ {{ p | pct }}” inside `$…$` keeps it."""
    latex = _PERCENT.sub(r"\\%", latex)
    try:
        mathml = convert(latex.strip(), display="block" if display else "inline")
    except Exception as e:  # latex2mathml raises assorted exception types
        if errors is not None:
            errors.append(f"formula {latex.strip()!r} could not be converted: {e}")
        return f'<code class="math-error">{_escape(latex)}</code>'
    mathml = _unary_minus(mathml)
    # Keep the TeX source as alttext, for copy/paste and for readers without MathML.
    return mathml.replace("<math ", f'<math alttext="{_escape(latex.strip())}" ', 1)


_MINUS_AFTER = re.compile(r"(</mo>|<mrow>|<mtd[^>]*>|<math[^>]*>)<mo>&#x02212;</mo>(?=<m[ni][ >])")


def _unary_minus(mathml: str) -> str:
    """latex2mathml writes ∞ as an operator and every minus as a binary one, so “−∞” and
    “= −2.7” get operator gaps. ∞ becomes an identifier; a minus that starts a row or follows
    another operator, before a number or identifier, gets no space around it."""
    mathml = mathml.replace("<mo>&#x0221E;</mo>", "<mi>&#x0221E;</mi>")
    return _MINUS_AFTER.sub(r'\1<mo form="prefix" lspace="0" rspace="0">&#x02212;</mo>', mathml)


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class MathPreprocessor(Preprocessor):
    def __init__(self, md, errors: list[str]):
        super().__init__(md)
        self.errors = errors

    def run(self, lines: list[str]) -> list[str]:
        # Split the document into fenced code (kept verbatim) and the rest.
        out: list[str] = []
        chunk: list[str] = []
        fence: str | None = None
        for line in lines:
            m = _FENCE.match(line)
            if fence is None and m:
                if chunk:
                    out.extend(self._convert("\n".join(chunk)).split("\n"))
                chunk, fence = [], m.group(1)
                out.append(line)
            elif fence is not None:
                out.append(line)
                if line.strip().startswith(fence):
                    fence = None
            else:
                chunk.append(line)
        if chunk:
            out.extend(self._convert("\n".join(chunk)).split("\n"))
        return out

    def _convert(self, text: str) -> str:
        # Protect code spans, then display math, then inline math.
        codes: list[str] = []

        def keep_code(m: re.Match) -> str:
            codes.append(m.group(0))
            return f"\x00C{len(codes) - 1}\x00"

        text = _CODE.sub(keep_code, text)

        def block(m: re.Match) -> str:
            parts = split_qquad(m.group(1))
            cls = "math-display math-split" if len(parts) > 1 else "math-display"
            html = f'<div class="{cls}">' + "".join(to_mathml(p, True, self.errors) for p in parts) + "</div>"
            # A display formula is its own paragraph (blank lines around the placeholder), indented
            # like the line it starts on, so that it stays inside a list item.
            line_start = text.rfind("\n", 0, m.start()) + 1
            indent = re.match(r"[ \t]*", text[line_start : m.start()]).group(0)
            return "\n\n" + indent + self.md.htmlStash.store(html) + "\n\n"

        def inline(m: re.Match) -> str:
            return self.md.htmlStash.store(to_mathml(m.group(1), False, self.errors))

        text = _BLOCK.sub(block, text)
        text = _INLINE.sub(inline, text)
        text = text.replace("\\$", "$")
        return re.sub(r"\x00C(\d+)\x00", lambda m: codes[int(m.group(1))], text)


class MathExtension(Extension):
    """`MathExtension(errors=list)`: conversion problems are appended to `errors`."""

    def __init__(self, errors: list[str] | None = None, **kwargs):
        self.errors = errors if errors is not None else []
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        # After whitespace normalisation (30), before the HTML block and meta preprocessors.
        md.preprocessors.register(MathPreprocessor(md, self.errors), "txb_math", 29)
