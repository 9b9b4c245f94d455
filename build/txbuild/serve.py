"""`txbuild serve`: a local static server for site/ with the headers the live model needs.

COOP/COEP make the page cross-origin isolated, which lets onnxruntime-web use several wasm
threads; without them it quietly runs on one. It serves the files under its root and nothing
else: every path is resolved (a symlink out of the root is a 404), no directory listings, no
dotfiles (`.git/`, the build marker), a NUL byte is a 400; a bounded number of threads and an
idle timeout keep a stray client from holding it.
"""

from __future__ import annotations

import errno
import functools
import http.server
import mimetypes
import os
import socket
import threading
import urllib.parse
from pathlib import Path

from .errors import UsageError
from .htmlsafe import SECURITY_HEADERS

TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".onnx": "application/octet-stream",
    ".data": "application/octet-stream",
    ".json": "application/json",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
}

MAX_THREADS = 32  # a local server: a browser opens ~6 connections per origin
BACKLOG = 64
IDLE_SECONDS = 30  # a connection that sends nothing for this long is closed


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    timeout = IDLE_SECONDS

    def guess_type(self, path):
        # Shards are named model.onnx.data.0, .1 …: type them by their stem.
        p = Path(str(path))
        if ".data." in p.name or p.suffix == ".data":
            return "application/octet-stream"
        return TYPES.get(p.suffix) or mimetypes.guess_type(p.name)[0] or "application/octet-stream"

    def _refused(self) -> bool:
        """Answer 400/404 for a path that is not a file under the root; True when answered."""
        raw = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0])
        if "\0" in raw or "\0" in self.path:
            self.send_error(400, "Bad request")
            return True
        parts = [p for p in raw.split("/") if p]
        if any(p.startswith(".") for p in parts):
            self.send_error(404, "File not found")
            return True
        root = os.path.realpath(self.directory)
        real = os.path.realpath(self.translate_path(self.path))
        if real != root and not real.startswith(root + os.sep):
            self.send_error(404, "File not found")
            return True
        return False

    def do_GET(self):
        if not self._refused() and not self._live():
            super().do_GET()

    def do_HEAD(self):
        if not self._refused() and not self._live():
            super().do_HEAD()

    def _live(self) -> bool:
        """`serve --watch` only (txbuild.watch): the reload endpoints, pages with the reload script."""
        live = getattr(self.server, "live", None)
        return live is not None and live.respond(self)

    def list_directory(self, path):
        self.send_error(404, "File not found")  # a folder without index.html: no listing
        return None

    def end_headers(self):
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, fmt, *args):
        if getattr(self.server, "verbose", False):
            super().log_message(fmt, *args)


class SiteServer(http.server.ThreadingHTTPServer):
    request_queue_size = BACKLOG
    daemon_threads = True

    def __init__(self, *args, **kwargs):
        self._slots = threading.BoundedSemaphore(MAX_THREADS)
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        self._slots.acquire()  # at the cap, new connections wait in the backlog
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000, verbose: bool = False, live=None):
    """The server, bound; a UsageError (one line, exit 2) when it cannot listen there."""
    handler = functools.partial(SiteHandler, directory=str(root))
    try:
        server = SiteServer((host, port), handler)
    except socket.gaierror:
        raise UsageError(f"--host {host!r} does not resolve to an address to listen on") from None
    except OverflowError:
        raise UsageError(f"--port {port} is not a port number (0-65535)") from None
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is in use; choose another with --port") from None
        if e.errno == errno.EADDRNOTAVAIL:
            raise UsageError(f"--host {host!r} is not an address of this machine") from None
        if e.errno == errno.EACCES:
            raise UsageError(f"port {port} needs privileges; choose one above 1023 with --port") from None
        raise UsageError(f"cannot listen on {host}:{port}: {e.strerror}") from None
    server.verbose = verbose
    server.live = live  # a txbuild.watch.LiveReload with --watch, else None
    return server
