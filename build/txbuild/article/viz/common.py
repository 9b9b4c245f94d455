"""What every build-time figure shares: its input, its output, colour scales, legends, SVG helpers.

Colour scales are colour-blind safe: viridis for magnitudes (probabilities, norms) and a
blue-white-orange diverging scale for signed values (embeddings, activations). Every scale is
drawn with a legend. Text uses `currentColor`, so figures follow the page's light/dark theme.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..bpe import token_labels
from ..josa import resolve_particles


@dataclass
class VizData:
    model: dict
    example: dict
    trace: dict[str, Any]
    facts: dict
    lang: str
    t: dict[str, str]  # UI strings of this language (fig_* keys label the figures)
    lens: list[list[dict]] | None = None  # PageContext.lens

    def s(self, key: str, **kw) -> str:
        """A UI string with {placeholders} filled."""
        return fill(self.t.get(key, key), **kw)

    @property
    def tokens(self) -> list[str]:
        """The prompt's tokens as readers see them (whitespace visible, split characters as bytes)."""
        return token_labels(self.example)


@dataclass
class Drawing:
    width: float
    height: float
    body: str  # SVG content; "__FID__" stands for the figure's id (prefix of ids inside the SVG)
    alt: str  # the text alternative: what the figure shows, in words
    note: str | None = None  # a short line for the caption (which layer/head/token is drawn)
    wide: bool = False  # spans the page column instead of the text column
    # data-* attributes for the <figure>: what the browser needs to redraw it live (which
    # layer/head, the ids of the prompt drawn); attributes the author wrote take precedence
    attrs: dict[str, str] | None = None

    def svg(self, fid: str) -> str:
        w, h = fmt(self.width), fmt(self.height)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            f'role="img" aria-labelledby="{fid}-title" class="viz-svg" style="--w: {w}">'
            f'<title id="{fid}-title">{esc(self.alt)}</title>{self.body.replace("__FID__", fid)}</svg>'
        )


def fill(template: str, **kw) -> str:
    """{name} placeholders filled; a Korean both-ways particle after one, “{prompt}”을(를),
    then takes the form that fits the value."""
    out = template
    for k, v in kw.items():
        out = out.replace("{" + k + "}", str(v))
    return resolve_particles(out) if out != template else out


def esc(s: Any) -> str:
    return html.escape(str(s), quote=True)


def fmt(x: float) -> str:
    """Short numbers for SVG coordinates."""
    s = f"{float(x):.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def num(x: float, digits: int = 2) -> str:
    """A value as readers see it: a proper minus sign."""
    if np.isneginf(x):
        return "−∞"
    return f"{float(x):.{digits}f}".replace("-", "−")


# --- colour scales ---------------------------------------------------------------------------

# viridis in ten stops; the live figures use the same (web/viz/lib/palette.js, tests/test_palette.py).
VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"]
# Blue - white - orange (ColorBrewer PuOr/RdBu family; distinguishable with deuteranopia and protanopia).
DIVERGING = ["#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fee0b6", "#fdb863", "#e08214", "#b35806"]


def _hex(c: str) -> np.ndarray:
    return np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _interp(stops: list[str], x: float) -> str:
    x = min(max(float(x), 0.0), 1.0) * (len(stops) - 1)
    i = min(int(x), len(stops) - 2)
    f = x - i
    c = _hex(stops[i]) * (1 - f) + _hex(stops[i + 1]) * f
    return "#" + "".join(f"{int(round(v)):02x}" for v in c)


def sequential(x: float, lo: float = 0.0, hi: float = 1.0) -> str:
    return _interp(VIRIDIS, 0.0 if hi == lo else (x - lo) / (hi - lo))


def diverging(x: float, limit: float) -> str:
    return _interp(DIVERGING, 0.5 if limit == 0 else 0.5 + 0.5 * x / limit)


def ink_on(fill_hex: str) -> str:
    """Black or white text, whichever reads on this fill."""
    r, g, b = _hex(fill_hex) / 255
    return "#000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "#fff"


def robust_limit(a: np.ndarray) -> float:
    """A symmetric colour limit that outliers do not wash out (99th percentile of |a|)."""
    a = np.abs(np.asarray(a, dtype=float))
    a = a[np.isfinite(a)]
    return float(np.percentile(a, 99)) if a.size else 1.0


# --- SVG pieces -------------------------------------------------------------------------------


def text(x, y, s, size=12, anchor="start", cls="", extra="") -> str:
    c = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{fmt(x)}" y="{fmt(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="currentColor"{c}{extra}>{esc(s)}</text>'
    )


def rect(x, y, w, h, fill, extra="") -> str:
    return f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(w)}" height="{fmt(h)}" fill="{fill}"{extra}/>'


def legend(x, y, width, scale: Callable[[float], str], lo: float, hi: float, label: str, digits=2) -> tuple[str, float]:
    """A horizontal colour bar with its end values and a label. Returns (svg, height)."""
    n = 40
    parts = [text(x, y + 10, label, 11)]
    for i in range(n):
        v = lo + (hi - lo) * (i + 0.5) / n
        parts.append(rect(x + width * i / n, y + 16, width / n + 0.3, 10, scale(v)))
    parts.append(text(x, y + 40, num(lo, digits), 11))
    parts.append(text(x + width, y + 40, num(hi, digits), 11, "end"))
    if lo < 0 < hi:
        parts.append(text(x + width * (0 - lo) / (hi - lo), y + 40, "0", 11, "middle"))
    return "".join(parts), 44


MASK_PATTERN = (
    '<defs><pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="currentColor" fill-opacity="0.06"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="currentColor" stroke-opacity="0.25" stroke-width="1.5"/></pattern></defs>'
)


def trunc(s: str, n: int = 10) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
