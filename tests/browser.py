"""Headless Chromium for the browser tests: Debian's chromium driven by Playwright."""

from __future__ import annotations

import atexit
import shutil
import threading
import tomllib
from contextlib import contextmanager
from pathlib import Path

import pytest

from txbuild import REPO_ROOT

# the site's UI strings per language, to check what the pages say
STRINGS = {
    lang: tomllib.loads((REPO_ROOT / "content" / lang / "strings.toml").read_text(encoding="utf-8"))
    for lang in ("en", "ko")
}

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The suite's shared Chromium compiles WebAssembly with V8's baseline compiler only: the test
# models are tiny, and optimising the 14 MB runtime in the background on every page load cost
# about 0.45 s of CPU per load (a fifth of the renderer's). The same wasm semantics either way;
# the benchmarks (scripts/bench_*.py) launch with ARGS alone.
SUITE_ARGS = ["--js-flags=--liftoff-only"]


def watch_errors(page, problems: list) -> None:
    """Collect the page's uncaught exceptions and console errors into `problems`."""
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))


def shown_text(page, selector: str) -> str:
    """The text a reader sees in `selector`, brought into view first: an article chapter far
    from the viewport is not rendered (content-visibility), so its innerText is empty."""
    page.locator(selector).scroll_into_view_if_needed()
    page.wait_for_function(
        "sel => document.querySelector(sel).checkVisibility({ contentVisibilityAuto: true })", arg=selector
    )
    return page.inner_text(selector)


def drop_chapters(page) -> None:
    """Take the article's chapters out of the page, for a test that checks only the explainer
    many times over with axe once the whole page has been checked. axe's colour rule measures
    the whole document at every run (forcing the lazy chapters' layout): measured on the test
    site, 200 ms of a 220 ms colour check of the tour sheet, 17 ms without the chapters."""
    page.evaluate("document.querySelectorAll('main .chapter').forEach((c) => c.remove())")


def open_live(ctx, url: str, problems: list, ids=None, size=(1280, 900)):
    """A page at `url` once the model's own run is shown (of `ids`, if given); its errors go
    into `problems`."""
    page = ctx.new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    watch_errors(page, problems)
    page.goto(url)
    want = "" if ids is None else f"[data-ids='{','.join(map(str, ids))}']"
    page.wait_for_selector(f"#explorer[data-trace='live']{want}", timeout=90_000)
    return page


@contextmanager
def served(root: Path, isolation_headers: bool = True):
    """Serve `root` on a free port and yield the base URL: with `txbuild serve`'s handler, or
    (isolation_headers=False) a plain static server without COOP/COEP, like GitHub Pages."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from txbuild.serve import make_server

    class Plain(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = (
        make_server(root, port=0)
        if isolation_headers
        else ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Plain, directory=str(root)))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


_SHARED: dict = {}  # the session's one Playwright driver and Chromium (see shared_browser)


def driver():
    """The session's one Playwright driver: the sync API allows one per thread, so every
    browser of a test session (or a script) is launched from this one."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (apt install chromium)")
    if "playwright" not in _SHARED:
        from playwright.sync_api import sync_playwright

        _SHARED["playwright"] = sync_playwright().start()
        atexit.register(close_shared_browser)  # scripts/ use chromium() too; pytest closes it earlier
    return _SHARED["playwright"]


def shared_browser():
    """The test session's one Chromium, started on first use (closed by conftest at the end).
    Every test gets its own context of it, so tests share no cookies, caches or workers."""
    browser = _SHARED.get("browser")
    if browser is not None and browser.is_connected():
        return browser
    _SHARED["browser"] = driver().chromium.launch(executable_path=CHROMIUM, args=ARGS + SUITE_ARGS)
    return _SHARED["browser"]


def close_shared_browser() -> None:
    browser, driver = _SHARED.pop("browser", None), _SHARED.pop("playwright", None)
    if browser is not None and browser.is_connected():
        browser.close()
    if driver is not None:
        driver.stop()


@contextmanager
def chromium(java_script: bool = True, service_workers: str = "allow", **options):
    """A fresh context of the shared Chromium. Pass service_workers="block" in a test that uses
    page.route(): requests the site's service worker (web/src/sw.js) makes are not routed.
    `options` go to Playwright's new_context (color_scheme, bypass_csp, ...)."""
    context = shared_browser().new_context(java_script_enabled=java_script, service_workers=service_workers, **options)
    try:
        yield context
    finally:
        context.close()


@contextmanager
def own_browser(args: list[str]):
    """A Chromium of its own, started with other flags (WebGPU's, say), from the shared
    driver: a second sync_playwright() in the same thread fails."""
    browser = driver().chromium.launch(executable_path=CHROMIUM, args=args)
    try:
        yield browser
    finally:
        browser.close()


# The site most browser tests share (conftest's `shared_site`, built once per session): a peaked
# next-token distribution (a clear top-10 order and greedy choice) and every variant; fp32 is
# the one the page loads first.
SHARED_SITE = dict(name="shared", seed=1, embedding_scale=40, variants=("fp32", "fp16", "int8", "q4"))


def build_test_site(
    tmp_path_factory,
    cache_root,
    name: str,
    seed: int,
    embedding_scale: float = 1.0,
    variants: tuple[str, ...] = ("fp32",),
):
    """Build a site from a tiny random checkpoint; return (site dir, manifest, tokenizer).
    A test that can read the shared one should take the `shared_site` fixture instead."""
    import json

    from transformers import GPT2TokenizerFast

    from conftest import make_checkpoint
    from txbuild.report import Reporter
    from txbuild.site import BuildOptions, build_site

    ckpt = make_checkpoint(tmp_path_factory.mktemp(f"{name}-ckpt"), seed=seed, embedding_scale=embedding_scale)
    out = tmp_path_factory.mktemp(f"{name}-site") / "site"
    res = build_site(
        BuildOptions(model=str(ckpt), out=out, precision=variants[0], variants=variants, cache_root=cache_root),
        Reporter(-1),
    )
    manifest = json.loads((out / "model" / res.model.source.id / "manifest.json").read_text())
    return out, manifest, GPT2TokenizerFast.from_pretrained(ckpt)


def variant_for_worker(base: str, manifest: dict, name: str) -> dict:
    """A manifest variant as web/src/manifest.js hands it to the worker (URLs resolved on the
    site, every graph and shard with the sha256 the worker checks)."""
    v = manifest["variants"][name]
    root = f"{base}model/{manifest['id']}/"
    shards = [
        {"name": s["name"], "url": root + s["path"], "bytes": s["bytes"], "sha256": s["sha256"]} for s in v["shards"]
    ]
    lens = v["lens"]
    return {
        "name": name,
        "graphUrl": root + v["graph"],
        "graphBytes": v["graph_bytes"],
        "graphSha256": v["graph_sha256"],
        "bytes": v["bytes"],
        "shards": shards,
        "lens": {
            "graphUrl": root + lens["graph"],
            "input": lens["input"],
            "output": lens["output"],
            "bytes": lens["bytes"],
            "sha256": lens["sha256"],
        },
    }


def onnx_run(site_dir: Path, manifest: dict, ids: list[int], variant: str = "fp32", outputs=None) -> dict:
    """ONNX Runtime in Python on the very graph the site ships: the browser tests' reference."""
    from txbuild.verify import run, session

    d = manifest["dims"]
    graph = site_dir / "model" / manifest["id"] / manifest["variants"][variant]["graph"]
    return run(session(graph), ids, n_layer=d["layer"], n_head=d["head"], head_dim=d["head_dim"], outputs=outputs)
