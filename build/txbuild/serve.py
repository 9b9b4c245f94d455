"""`txbuild serve`: a local static server for site/ with the headers the live model needs.

COOP/COEP make the page cross-origin isolated, which lets onnxruntime-web use several wasm
threads; without them it quietly runs on one. It serves the files under its root and nothing
else: every path is resolved (a symlink out of the root is a 404), no directory listings, no
dotfiles (`.git/`, the build marker), a NUL byte is a 400.

Idle and slow clients cannot starve the others: a connection gets HEADER_SECONDS in all for its
request line and headers (a client that trickles a byte at a time is cut at the deadline, not
kept alive by each byte), and a worker slot (MAX_THREADS) is taken only once a request is in,
for the time of the response; a waiting connection costs a thread that only reads, up to
MAX_CONNECTIONS of them.
"""

from __future__ import annotations

import errno
import functools
import http.server
import io
import mimetypes
import os
import socket
import threading
import time
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

MAX_THREADS = 32  # responses at once (a local server: a browser opens ~6 connections per origin)
MAX_CONNECTIONS = 1024  # open connections, most of them waiting for a request
BACKLOG = 64
IDLE_SECONDS = 30  # a connection that sends nothing for this long is closed
HEADER_SECONDS = 10  # the whole request line and headers must arrive within this


class _DeadlineReader(io.RawIOBase):
    """The socket, read with a deadline for the whole request head (not per byte)."""

    def __init__(self, sock, idle: float):
        self.sock, self.idle, self.deadline = sock, idle, None

    def readable(self):
        return True

    def readinto(self, b):
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("request head not received in time")
            self.sock.settimeout(min(left, self.idle))
        else:
            self.sock.settimeout(self.idle)
        return self.sock.recv_into(b)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    timeout = IDLE_SECONDS
    header_seconds = HEADER_SECONDS

    def setup(self):
        super().setup()
        self._raw = _DeadlineReader(self.connection, self.timeout)
        self.rfile = io.BufferedReader(self._raw)

    def handle_one_request(self):
        # the deadline covers waiting for the request line too (an idle keep-alive connection)
        self._raw.deadline = time.monotonic() + self.header_seconds
        super().handle_one_request()

    def parse_request(self):
        ok = super().parse_request()  # reads the headers
        self._raw.deadline = None
        self.connection.settimeout(self.timeout)  # for writing the response
        return ok

    def _respond(self, method):
        with self.server.slots:  # a worker slot for the response only
            if not self._refused():
                method()

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
        self._respond(lambda: self._live() or super(SiteHandler, self).do_GET())

    def do_HEAD(self):
        self._respond(lambda: self._live() or super(SiteHandler, self).do_HEAD())

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
        self.slots = threading.BoundedSemaphore(MAX_THREADS)
        self._connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        self._connections.acquire()  # at the cap, new connections wait in the backlog
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._connections.release()
            raise

    def handle_error(self, request, client_address):
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a client that went away or was too slow: nothing to report
        super().handle_error(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()


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
