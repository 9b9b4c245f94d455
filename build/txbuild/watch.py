"""`txbuild serve --watch`: rebuild the pages when content/ or templates/ change, reload the page.

The site is built once (the model stages come from the cache); after that only the article is
rendered again, into the served folder, from the build's own PageContext. The open page learns
of it by polling a same-origin endpoint (the site's CSP allows 'self' scripts and fetches): the
server adds one <script src="/__txbuild/livereload.js?v=N"> to every HTML page it serves, only
with --watch; the pages on disk never contain it.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from .ownership import MARKER, files_in, read_marker, write_marker

PREFIX = "/__txbuild/"
SCRIPT = """\
// txbuild serve --watch: reload when the pages are rebuilt (served only with --watch)
(() => {
  const seen = new URL(document.currentScript.src).searchParams.get('v');
  const poll = async () => {
    try {
      const r = await fetch('/__txbuild/version', { cache: 'no-store' });
      if (r.ok && (await r.text()) !== seen) return location.reload();
    } catch {}
    setTimeout(poll, 700);
  };
  setTimeout(poll, 700);
})();
"""


class LiveReload:
    """The version the pages are at, and the two endpoints the page polls."""

    def __init__(self):
        self.version = 0
        self._lock = threading.Lock()

    def bump(self) -> None:
        with self._lock:
            self.version += 1

    def tag(self) -> bytes:
        return f'<script src="{PREFIX}livereload.js?v={self.version}"></script>'.encode()

    def respond(self, handler) -> bool:
        """Answer the endpoints and HTML pages (with the script added); False: not ours."""
        path = handler.path.split("?", 1)[0].split("#", 1)[0]
        if path == PREFIX + "version":
            return self._send(handler, str(self.version).encode(), "text/plain; charset=utf-8")
        if path == PREFIX + "livereload.js":
            return self._send(handler, SCRIPT.encode(), "text/javascript; charset=utf-8")
        if not (path.endswith("/") or path.endswith(".html")):
            return False
        real = Path(handler.translate_path(handler.path))
        if real.is_dir():
            if not path.endswith("/"):
                return False  # the standard handler redirects to the slash
            real = real / "index.html"
        if not real.is_file():
            return False
        html = real.read_bytes()
        i = html.rfind(b"</body>")
        html = html[:i] + self.tag() + html[i:] if i >= 0 else html + self.tag()
        return self._send(handler, html, "text/html; charset=utf-8")

    @staticmethod
    def _send(handler, body: bytes, ctype: str) -> bool:
        handler.send_response(200)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)
        return True


def _snapshot(folders: list[Path]) -> dict[str, float]:
    out = {}
    for d in folders:
        for p in sorted(Path(d).rglob("*")) if Path(d).is_dir() else []:
            if p.is_file():
                out[str(p)] = p.stat().st_mtime_ns
    return out


class Watcher:
    """Re-renders the article of a built site when its content or templates change."""

    def __init__(self, pages, live: LiveReload, report=print):
        self.pages = pages  # the build's PageContext (BuildResult.pages)
        self.live = live
        self.report = report
        self.folders = [Path(pages.content_dir), Path(pages.templates_dir)]
        self.seen = _snapshot(self.folders)

    def check(self) -> bool:
        """One look at the files: re-render if anything changed; True when the pages were rebuilt."""
        now = _snapshot(self.folders)
        if now == self.seen:
            return False
        self.seen = now
        self.rebuild()
        return True

    def rebuild(self) -> None:
        from .article import render_pages

        out = Path(self.pages.out_dir)
        marker = read_marker(out)
        listed = None if marker is None or marker.building else set(marker.files)
        before = set(files_in(out))
        try:
            warnings = render_pages(dataclasses.replace(self.pages, strict=False))
        except Exception as e:  # a bad edit (Markdown, TOML, a template): say so, keep serving
            self.report(f"error: pages not rebuilt: {e}")
            return
        if listed is not None:  # what this build wrote stays txbuild's (with the pages' new hashes)
            new = set(files_in(out)) - before - {MARKER}
            write_marker(out, sorted(listed | new))
        for w in warnings:
            self.report(f"warning: {w}")
        self.live.bump()
        self.report(f"pages rebuilt (version {self.live.version})")
