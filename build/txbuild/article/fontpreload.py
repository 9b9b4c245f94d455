"""The web-font files a page's first layout needs, so that the page can preload them.

Pretendard ships as 92 `unicode-range` faces. Chromium lays the first screen out before any of
them has arrived, with fallback fonts, then again as each face comes in. On the Korean page of a
GPT-2-small site that was 103-133 ms for the first layout and up to 113 ms for a relayout, on
the main thread (docs/benchmarks.md, Long tasks, round 4). Preloaded, the faces arrive with the
stylesheet and the first layout uses them: 28-62 ms, and at most one short relayout.

What the first layout lays out is read from the rendered page: its text outside the chapters
after the first (`content-visibility: auto` skips a chapter until the reader nears it; the first
one starts a screen below the explainer, near enough on a laptop), outside elements marked
`hidden`, scripts, styles, templates and `<noscript>`, plus the placeholders and values of its
form fields. A face is needed when that text holds a character of its range.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from html.parser import HTMLParser

_FACE = re.compile(r"@font-face\s*{([^}]*)}")
_URL = re.compile(r"url\(\s*['\"]?([^)'\"]+)['\"]?\s*\)")
_RANGE = re.compile(r"unicode-range\s*:\s*([^;}]+)")
# the elements whose content is never laid out, wherever they are
_NOT_LAID_OUT = {"head", "script", "style", "template", "noscript"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SHOWS_TEXT = {"text", "search", "number", "email", "url", "tel", "password"}  # input types


def _code_points(spec: str) -> list[tuple[int, int]]:
    """'U+20-22, U+a9, U+4??' -> [(0x20, 0x22), (0xa9, 0xa9), (0x400, 0x4ff)]."""
    out = []
    for part in spec.split(","):
        part = part.strip().upper().removeprefix("U+")
        if not part:
            continue
        lo, _, hi = part.partition("-")
        if "?" in lo:  # a wildcard range: U+4?? is U+400-4FF
            lo, hi = lo.replace("?", "0"), lo.replace("?", "F")
        out.append((int(lo, 16), int(hi or lo, 16)))
    return out


def faces(css: str, family: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """(url, ranges) of each @font-face of `family` in `css`, in order; a face with no
    unicode-range covers every character."""
    out = []
    for body in _FACE.findall(css):
        if family not in body:
            continue
        url, spec = _URL.search(body), _RANGE.search(body)
        if url:
            out.append((url.group(1), _code_points(spec.group(1)) if spec else [(0, 0x10FFFF)]))
    return out


class _LaidOut(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, skipped: this element or one above it)
        self.parts: list[str] = []
        self.chapters = 0

    def _skipped(self) -> bool:
        return bool(self.open) and self.open[-1][1]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        chapter = tag == "section" and "chapter" in classes
        self.chapters += chapter
        skip = self._skipped() or tag in _NOT_LAID_OUT or "hidden" in a or (chapter and self.chapters > 1)
        if not skip and (tag == "textarea" or (tag == "input" and a.get("type", "text") in _SHOWS_TEXT)):
            self.parts += [a.get("placeholder") or "", a.get("value") or ""]
        if tag not in _VOID:
            self.open.append((tag, skip))

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):  # close it and whatever was left open inside it
            if self.open[i][0] == tag:
                del self.open[i:]
                return

    def handle_data(self, data):
        if not self._skipped():
            self.parts.append(data)


def laid_out_text(html: str) -> str:
    """The text of `html` that the first layout lays out (see the module's docstring)."""
    p = _LaidOut()
    p.feed(html)
    p.close()
    return "".join(p.parts)


def needed(html: str, faces: list[tuple[str, list[tuple[int, int]]]]) -> list[str]:
    """The urls of the `faces` (faces(css, family)) that the first layout of `html` needs, in
    the stylesheet's order."""
    chars = sorted({ord(c) for c in laid_out_text(html) if not c.isspace()})

    def covers(lo: int, hi: int) -> bool:  # a character of the page in lo..hi
        i = bisect_left(chars, lo)
        return i < len(chars) and chars[i] <= hi

    return [url for url, ranges in faces if any(covers(lo, hi) for lo, hi in ranges)]
