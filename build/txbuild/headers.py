"""The security headers: plain data, no imports (hatch_build.py reads this file on its own)."""

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
