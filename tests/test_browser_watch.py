"""`txbuild serve --watch` in Chromium: the reload script runs under the site's CSP and the
open page reloads itself when the pages are rebuilt."""

from __future__ import annotations

import threading

from browser import chromium, watch_errors
from txbuild.serve import make_server
from txbuild.watch import LiveReload

PAGE = '<!doctype html><html><head><title>t</title></head><body><p id="text">{}</p></body></html>'


def test_the_open_page_reloads_after_a_rebuild(tmp_path):
    (tmp_path / "index.html").write_text(PAGE.format("before the edit"))
    (tmp_path / "favicon.ico").write_bytes(b"")  # the browser asks for one
    live = LiveReload()
    server = make_server(tmp_path, port=0, live=live)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    problems: list[str] = []
    try:
        with chromium() as ctx:
            page = ctx.new_page()
            watch_errors(page, problems)  # a CSP violation is a console error
            page.goto(f"http://127.0.0.1:{server.server_port}/")
            assert page.text_content("#text") == "before the edit"
            # what Watcher.rebuild does after render_pages: new files, then a new version
            (tmp_path / "index.html").write_text(PAGE.format("after the edit"))
            live.bump()
            page.wait_for_selector("#text:text('after the edit')", timeout=30_000)
    finally:
        server.shutdown()
        server.server_close()
    assert problems == []
