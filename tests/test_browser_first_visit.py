"""A first visit on a plain static server (no COOP/COEP, as GitHub Pages serves): what the page
fetches until the model runs and is kept offline. Counted by the server itself."""

from __future__ import annotations

import functools
import threading
from collections import Counter
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from browser import chromium

pytestmark = pytest.mark.browser

READY = '#top-tokens[data-status="ready"]'
STORED = '.txb-model[data-offline="yes"]'


@contextmanager
def counting(root):
    """A plain static server; yields (base URL, Counter of GETs per path). Every response says
    Cache-Control: no-cache, so a second fetch of a file always reaches the server (the HTTP
    cache's heuristic freshness would hide it when the site's files are old enough)."""
    fetched: Counter = Counter()
    lock = threading.Lock()

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def end_headers(self):
            self.send_header("Cache-Control", "no-cache")
            super().end_headers()

        def do_GET(self):
            with lock:
                fetched[self.path.split("?")[0]] += 1
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", fetched
    finally:
        server.shutdown()
        server.server_close()


def test_first_visit_fetches_only_the_shown_example_once(shared_site):
    site, manifest, _ = shared_site
    root = f"/model/{manifest['id']}/"
    default = manifest["default_example"]["en"]
    shown = root + manifest["examples"][default]["trace"]["path"]
    with counting(site) as (base, fetched), chromium() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}en/index.html")
        page.wait_for_selector(READY, timeout=90_000)
        page.wait_for_selector(STORED, state="visible", timeout=60_000)  # the offline copy is made
        examples = {p: n for p, n in fetched.items() if p.startswith(root + "examples/")}
        assert examples == {shown: 1}, examples
        variant = manifest["variants"][manifest["default_variant"]]
        for path in [variant["graph"], *(s["path"] for s in variant["shards"])]:
            assert fetched[root + path] == 1, (path, fetched[root + path])
        # another example, picked: fetched then, once
        other = next(i for i, e in enumerate(manifest["examples"]) if i != default and e["lang"] == "en")
        page.click(f".txb-example[data-example='{other}']")
        ids = ",".join(map(str, manifest["examples"][other]["ids"]))
        page.wait_for_selector(f"#top-tokens[data-status='ready'][data-ids='{ids}']", timeout=90_000)
        examples = {p: n for p, n in fetched.items() if p.startswith(root + "examples/")}
        # the model is ready: a picked example runs live, its trace is not needed
        assert examples == {shown: 1}, examples
