"""Checking the pages before they are written: internal links, anchors, duplicate ids.

`pages` maps a path relative to the site root ("en/index.html") to its HTML. A relative link
must reach one of those pages (and the anchor an id on it), or a file that `exists()` says is
there (assets written by this stage or already in site/).
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import unquote, urlsplit


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[tuple[str, str]] = []  # (attribute, url)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a and a["id"] is not None:
            self.ids.append(a["id"])
        if tag in ("a", "link", "area") and a.get("href") is not None:
            self.links.append(("href", a["href"]))
        if tag in ("script", "img", "source", "iframe") and a.get("src") is not None:
            self.links.append(("src", a["src"]))


def scan(html: str) -> _Scan:
    s = _Scan()
    s.feed(html)
    s.close()
    return s


def check(pages: dict[str, str], exists: Callable[[str], bool]) -> list[str]:
    warnings: list[str] = []
    scans = {path: scan(html) for path, html in pages.items()}
    for path, s in scans.items():
        seen = set()
        for i in s.ids:
            if i in seen:
                warnings.append(f"{path}: duplicate id {i!r}")
            seen.add(i)
    for path, s in scans.items():
        base = posixpath.dirname(path)
        for _attr, url in s.links:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                if parts.scheme not in ("http", "https", "mailto", "data"):
                    warnings.append(f"{path}: link {url!r} uses scheme {parts.scheme!r}")
                continue
            if url.startswith("/"):
                warnings.append(f"{path}: link {url!r} is root-relative (breaks under /<repo>/ and file://)")
                continue
            rel = unquote(parts.path)
            if rel.endswith("/") or rel in (".", ".."):
                rel = rel.rstrip("/") + "/index.html"
            target = path if not rel else posixpath.normpath(posixpath.join(base, rel))
            if target.startswith(".."):
                warnings.append(f"{path}: link {url!r} leaves the site")
                continue
            if target in scans:
                if parts.fragment and unquote(parts.fragment) not in set(scans[target].ids):
                    warnings.append(f"{path}: link {url!r}: no id {parts.fragment!r} on {target}")
            elif not exists(target):
                warnings.append(f"{path}: link {url!r}: {target} does not exist")
    return warnings
