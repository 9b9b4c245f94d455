"""Text from a checkpoint, a config or a reader, made inert before it enters Markdown or HTML.

The article's Markdown is rendered through jinja2 and then python-markdown: a value such as a
checkpoint's `name` must stay text in both. HTML escaping alone is not enough there, since
`[x](javascript:…)` is a Markdown link: the characters Markdown (and the math extension) read
as syntax become numeric character references, which both pass through as plain text.
"""

from __future__ import annotations

from markupsafe import Markup

from .headers import CSP, SECURITY_HEADERS  # noqa: F401  (their one source, in a plain-data module)

_MD_SYNTAX = "\\`*_[](){}#!|$~^:"
# One pass (str.translate), so the references it writes are never escaped again.
_TABLE = {
    **{ord(c): f"&#{ord(c)};" for c in _MD_SYNTAX},
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord('"'): "&quot;",
    ord("'"): "&#39;",
}


def markdown_text(value) -> Markup:
    """`value` as literal text inside Markdown; Markup (the project's own HTML) passes unchanged."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(str(value).translate(_TABLE))


def static_script(templates_dir, name: str, files: dict[str, bytes]) -> str:
    """Add templates/static/<name> to the site's assets under a content-hashed name; its href."""
    import hashlib
    from pathlib import Path

    data = (Path(templates_dir) / "static" / name).read_bytes()
    stem, ext = name.rsplit(".", 1)
    rel = f"assets/{stem}-{hashlib.sha256(data).hexdigest()[:10]}.{ext}"
    files[rel] = data
    return rel
