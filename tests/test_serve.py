"""`txbuild serve` sends the MIME types and isolation headers the live model depends on."""

import urllib.request

from browser import served

EXPECTED = {
    "ort/x.wasm": "application/wasm",
    "ort/x.mjs": "text/javascript",
    "model/m/fp32/model.onnx": "application/octet-stream",
    "model/m/fp32/model.onnx.data.0": "application/octet-stream",
    "assets/app.js": "text/javascript",
    "index.html": "text/html",
}


def test_mime_types_and_cross_origin_isolation(tmp_path):
    for rel in EXPECTED:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    with served(tmp_path) as base:
        for rel, mime in EXPECTED.items():
            with urllib.request.urlopen(base + rel) as r:
                assert r.headers["Content-Type"].split(";")[0] == mime, rel
                assert r.headers["Cross-Origin-Opener-Policy"] == "same-origin"
                assert r.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
