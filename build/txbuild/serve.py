"""`txbuild serve`: a local static server for site/ with the headers the live model needs.

COOP/COEP make the page cross-origin isolated, which lets onnxruntime-web use several wasm
threads; without them it quietly runs on one.
"""

from __future__ import annotations

import functools
import http.server
import mimetypes
from pathlib import Path

TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".onnx": "application/octet-stream", ".data": "application/octet-stream",
         ".json": "application/json", ".woff2": "font/woff2", ".svg": "image/svg+xml"}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def guess_type(self, path):
        # Shards are named model.onnx.data.0, .1 …: type them by their stem.
        p = Path(str(path))
        if ".data." in p.name or p.suffix == ".data":
            return "application/octet-stream"
        return TYPES.get(p.suffix) or mimetypes.guess_type(p.name)[0] or "application/octet-stream"

    def end_headers(self):
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt, *args):
        if getattr(self.server, "verbose", False):
            super().log_message(fmt, *args)


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000, verbose: bool = False):
    handler = functools.partial(SiteHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.verbose = verbose
    return server
