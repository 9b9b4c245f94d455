"""The site's service worker (web/src/sw.js): offline use after one visit, and cross-origin
isolation on a host that cannot send COOP/COEP (a plain static server, like GitHub Pages)."""

from __future__ import annotations

import pytest

from browser import chromium, served

pytestmark = pytest.mark.browser

READY = '#top-tokens[data-status="ready"]'
STORED = '.txb-model[data-offline="yes"]'


@pytest.fixture(scope="module")
def site_dir(shared_site):
    return shared_site[0]


def test_second_visit_works_offline(site_dir):
    problems = []
    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        navigations = []
        page.on("framenavigated", lambda f: f == page.main_frame and navigations.append(f.url))
        page.goto(f"{base}en/index.html")
        page.wait_for_selector(READY, timeout=90_000)
        # `txbuild serve` sends COOP/COEP itself: the worker must not reload the page
        assert page.evaluate("self.crossOriginIsolated")
        page.wait_for_selector(STORED, state="visible", timeout=60_000)
        assert len(navigations) == 1, navigations
        assert page.evaluate("navigator.serviceWorker.controller !== null")
        names = page.evaluate("caches.keys()")
        assert any(n.startswith("txb-model-") for n in names) and any(n.startswith("txb-site-") for n in names)

        title = page.inner_text("h1")
        ctx.set_offline(True)
        page.reload()
        # the article reads, the page is still isolated (headers from the worker), the model runs
        assert page.inner_text("h1") == title and title.startswith("Inside")
        assert len(page.text_content("#article")) > 1000  # (off-screen chapters render when near)
        page.wait_for_selector(READY, timeout=90_000)
        before = page.get_attribute("#top-tokens", "data-ids")
        page.fill("#prompt", "Offline, the model still")
        page.click("#predict")
        page.wait_for_function(
            "b => { const e = document.querySelector('#top-tokens');"
            " return e.dataset.status === 'ready' && e.dataset.ids !== b; }",
            arg=before,
            timeout=90_000,
        )
        assert page.eval_on_selector_all("#top-tokens li", "els => els.length") == 10
        assert page.evaluate("self.crossOriginIsolated")
        page.wait_for_selector(STORED, state="visible", timeout=60_000)
        # another view of the same page (its state in the query) is served from the cache too
        page.goto(f"{base}en/index.html?prompt=Hello")
        page.wait_for_selector(READY, timeout=90_000)

        # the whole site, not only the page visited (issue 21): the Korean page and the root
        # (the language chooser), with every file they load, though only /en/ was visited
        failed = []
        page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
        page.goto(f"{base}ko/")
        assert page.evaluate("document.documentElement.lang") == "ko"
        assert len(page.text_content("#article")) > 1000  # (off-screen chapters render when near)
        page.wait_for_selector(READY, timeout=90_000)
        page.wait_for_function("document.fonts.status === 'loaded'")
        page.goto(base)  # the chooser picks a language and goes there
        page.wait_for_url(f"{base}en/index.html", timeout=30_000)
        page.wait_for_selector(READY, timeout=90_000)
        page.goto(f"{base}?choose")  # the chooser itself, as a reader who asks for it sees it
        assert page.locator(".chooser-link").count() == 2
        page.wait_for_function("document.fonts.status === 'loaded'")
        assert not failed, failed
    assert not problems, problems


CORES = "Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', {get: () => %d})"


@pytest.mark.parametrize("cores", [8, 2])
def test_plain_host_reloads_for_isolation_only_where_it_buys_threads(site_dir, cores):
    """On a host without COOP/COEP the service worker adds them, which takes one reload: worth
    it with 8 cores (ONNX Runtime gets threads), not with 2 (one thread either way). The core
    count is the page's navigator.hardwareConcurrency, set here."""
    with served(site_dir, isolation_headers=False) as base, chromium() as ctx:
        ctx.add_init_script(CORES % cores)
        page = ctx.new_page()
        navigations = []
        page.on("framenavigated", lambda f: f == page.main_frame and navigations.append(f.url))
        page.goto(f"{base}en/index.html")
        if cores > 2:
            page.wait_for_function("() => self.crossOriginIsolated === true", timeout=30_000)
        page.wait_for_selector(READY, timeout=90_000)
        assert page.evaluate("self.crossOriginIsolated") == (cores > 2)
        assert len(navigations) == (2 if cores > 2 else 1), navigations  # the first load, and one reload
        # the offline copy is kept either way (without a reload the worker does not control the page)
        page.wait_for_selector(STORED, state="visible", timeout=60_000)
        assert len(navigations) == (2 if cores > 2 else 1), navigations


def test_no_worker_from_file_url(site_dir):
    with chromium() as ctx:
        page = ctx.new_page()
        page.goto((site_dir / "en" / "index.html").as_uri())
        page.wait_for_load_state("load")
        # the inline script has run (module scripts, which register the worker, are blocked here)
        page.wait_for_selector(".file-warning", state="visible")
        assert page.evaluate("!navigator.serviceWorker || navigator.serviceWorker.controller === null")
        assert (
            page.evaluate(
                "navigator.serviceWorker ? navigator.serviceWorker.getRegistrations().then(r => r.length, () => 0) : 0"
            )
            == 0
        )
