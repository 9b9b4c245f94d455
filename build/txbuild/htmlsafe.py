"""Text from a checkpoint, a config or a reader, made inert before it enters Markdown or HTML.

The article's Markdown is rendered through jinja2 and then python-markdown: a value such as a
checkpoint's `name` must stay text in both. HTML escaping alone is not enough there, since
`[x](javascript:…)` is a Markdown link: the characters Markdown (and the math extension) read
as syntax become numeric character references, which both pass through as plain text.
"""

from __future__ import annotations

from markupsafe import Markup

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


# Every page's Content-Security-Policy (a <meta> that works on any static host and from
# file://; `txbuild serve` and the service worker send it as a header too). Scripts come from
# the site only; 'wasm-unsafe-eval' lets onnxruntime-web compile its wasm. Inline styles stay
# allowed: the figures and legends colour cells with style attributes, and they run no code.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)

# The headers `txbuild serve` sends and the service worker (web/src/sw.js, through build.mjs's
# `define`) adds to what it answers: their one source. COOP/COEP make the page cross-origin
# isolated (SharedArrayBuffer, so ORT can use threads); CORP lets the isolated page load a
# response; then the CSP, nosniff and no referrer.
SECURITY_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def static_script(templates_dir, name: str, files: dict[str, bytes]) -> str:
    """Add templates/static/<name> to the site's assets under a content-hashed name; its href."""
    import hashlib
    from pathlib import Path

    data = (Path(templates_dir) / "static" / name).read_bytes()
    stem, ext = name.rsplit(".", 1)
    rel = f"assets/{stem}-{hashlib.sha256(data).hexdigest()[:10]}.{ext}"
    files[rel] = data
    return rel
