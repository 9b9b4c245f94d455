"""Issue 13 in headless Chromium: the Content-Security-Policy holds through a whole session, a
checkpoint's script never runs, and the model's files are checked before use."""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import quote

import pytest

from browser import chromium, served, watch_errors

pytestmark = pytest.mark.browser
READY = 90_000

# Records every CSP violation from the first byte of the page on.
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || ''));
});
"""


@pytest.fixture(scope="module")
def site(shared_site):
    out, manifest, _ = shared_site  # read only: the tampering tests change copies of it
    return out, manifest


def stages_of(page):
    return page.eval_on_selector_all("[id^='tab-']", "els => els.map(e => e.id.slice(4))")


def test_a_whole_session_has_no_csp_violation_and_an_injected_script_has_one(site):
    site_dir, manifest = site
    with served(site_dir) as base, chromium() as ctx:
        ctx.add_init_script(WATCH_CSP)
        page = ctx.new_page()
        problems: list = []
        watch_errors(page, problems)
        page.goto(f"{base}en/index.html?variant=fp32&prompt={quote('The cat sat on the')}")
        page.wait_for_selector("#explorer[data-trace='live']", timeout=READY)
        page.wait_for_selector('#top-tokens[data-status="ready"]', timeout=READY)
        for stage in stages_of(page):
            page.click(f"#tab-{stage}")
            page.wait_for_selector(f"#stage-{stage}:not([hidden])")
        page.wait_for_selector('#lens-table[data-status="ready"]', timeout=READY)
        page.fill("#gen-n", "2")
        page.click("#gen-run")
        page.wait_for_function(
            "() => document.querySelector('#gen-text').dataset.ids.split(',').filter(Boolean).length === 2",
            timeout=READY,
        )
        page.goto(f"{base}index.html?choose")  # the language chooser's script too
        page.wait_for_selector(".chooser")
        assert page.evaluate("window.__csp") == []
        assert not problems, problems
        page.goto(f"{base}en/index.html")
        page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__ran = true'; document.body.append(s); }""")
        page.wait_for_function("() => window.__csp.length > 0")
        violations = page.evaluate("window.__csp")
        assert page.evaluate("window.__ran === undefined")
        # one violation per policy: the page's <meta> and the header `txbuild serve` sends
        assert len(violations) == 2 and all(v.startswith("script-src") for v in violations), violations


def test_the_page_from_file_keeps_its_figures_and_warning_under_the_policy(site):
    site_dir, _ = site
    with chromium() as ctx:
        ctx.add_init_script(WATCH_CSP)
        page = ctx.new_page()
        page.goto((site_dir / "en" / "index.html").as_uri())
        page.wait_for_selector(".file-warning:not([hidden])")  # the classic page script ran
        # the site's stylesheet and fonts applied (not the browser's default serif)
        assert "Pretendard" in page.evaluate("getComputedStyle(document.body).fontFamily")
        assert page.locator("figure svg").count() > 0
        assert page.evaluate("window.__csp") == []


def test_a_checkpoint_full_of_script_opens_no_dialog(hostile_site):
    site_dir = hostile_site
    with served(site_dir) as base, chromium() as ctx:
        dialogs: list = []
        ctx.add_init_script(WATCH_CSP + "window.alert = (m) => { window.__alerted = String(m); };")
        for path in ("en/index.html", "ko/index.html", "index.html?choose"):
            page = ctx.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(base + path)
            if "index.html?" not in path:
                page.wait_for_selector("#explorer[data-trace='live']", timeout=READY)
                for i in range(3):  # every example prompt, rendered by the explainer
                    sel = f".txb-example[data-example='{i}']"
                    if page.locator(sel).count():
                        page.click(sel)
                page.hover("#article")
            assert page.evaluate("window.__alerted === undefined"), path
            assert page.evaluate("window.__csp") == [], path
        for path in ("en/index.html",):  # from file:// too
            page = ctx.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto((site_dir / path).as_uri())
            page.wait_for_selector(".file-warning:not([hidden])")
            assert page.evaluate("window.__alerted === undefined")
    assert dialogs == []


def tampered_copy(site_dir, tmp_path, rel, how="flip"):
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    f = copy / rel
    if how == "delete":
        f.unlink()
    else:
        data = bytearray(f.read_bytes())
        data[len(data) // 2] ^= 0x01  # one bit: same size, different bytes
        f.write_bytes(bytes(data))
    return copy


def test_a_tampered_graph_of_the_same_size_is_refused(site, tmp_path):
    site_dir, manifest = site
    copy = tampered_copy(site_dir, tmp_path, f"model/{manifest['id']}/{manifest['variants']['fp32']['graph']}")
    with served(copy) as base, chromium() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}en/index.html?variant=fp32")
        page.wait_for_selector("[data-phase='error']", timeout=READY)
        assert "sha256" in page.text_content(".txb-model-status")
        assert page.get_attribute("#explorer", "data-trace") != "live"


@pytest.mark.parametrize("how", ["flip", "delete"])
def test_a_tampered_or_missing_lens_disables_only_the_lens(site, tmp_path, how):
    site_dir, manifest = site
    copy = tampered_copy(
        site_dir, tmp_path, f"model/{manifest['id']}/{manifest['variants']['fp32']['lens']['graph']}", how
    )
    with served(copy) as base, chromium() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}en/index.html?variant=fp32")
        page.wait_for_selector("#explorer[data-trace='live']", timeout=READY)  # the model runs
        page.wait_for_selector("#lens-table[data-status='error']", state="attached", timeout=READY)
        note = page.text_content(".txb-lens .txb-note")
        assert ("sha256" if how == "flip" else "404") in note, note


def lan_address():
    """This machine's non-loopback IPv4 address, or None."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.123", 9))  # no packet is sent: it picks the outgoing interface
            ip = s.getsockname()[0]
    except OSError:
        return None
    return None if ip.startswith("127.") else ip


@contextmanager
def served_on(root, host):
    import threading

    from txbuild.serve import make_server

    server = make_server(root, host=host, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_plain_http_on_a_lan_address_still_checks_the_hashes(site, tmp_path):
    """http://<LAN address> is not a secure context: no crypto.subtle, in the page and in its
    worker. The model still loads, and a tampered shard is still refused."""
    import shutil

    ip = lan_address()
    if ip is None:
        pytest.skip("no non-loopback address on this machine")
    site_dir, manifest = site
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    shard = copy / "model" / manifest["id"] / manifest["variants"]["fp32"]["shards"][0]["path"]
    data = bytearray(shard.read_bytes())
    data[-1] ^= 0x01
    shard.write_bytes(bytes(data))
    with served_on(site_dir, ip) as good, served_on(copy, ip) as bad, chromium(service_workers="block") as ctx:
        page = ctx.new_page()
        page.goto(f"{good}en/index.html?variant=fp32")
        page.wait_for_selector("#explorer[data-trace='live']", timeout=READY)
        assert page.evaluate("() => !window.isSecureContext && globalThis.crypto.subtle === undefined")
        page = ctx.new_page()
        page.goto(f"{bad}en/index.html?variant=fp32")
        page.wait_for_selector("[data-phase='error']", timeout=READY)
        assert "sha256" in page.text_content(".txb-model-status")


def test_a_missing_app_bundle_is_said_where_the_explainer_would_be(site, tmp_path):
    import shutil

    site_dir, _ = site
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    for f in (copy / "assets").glob("app-*.js"):
        f.unlink()
    with served(copy) as base, chromium(service_workers="block") as ctx:
        page = ctx.new_page()
        page.goto(f"{base}en/index.html")
        page.wait_for_selector("#explainer .app-missing:not([hidden])", timeout=30_000)
        assert "did not load" in page.text_content("#explainer .app-missing")
    with served(site_dir) as base, chromium(service_workers="block") as ctx:  # and not when it loads
        page = ctx.new_page()
        page.goto(f"{base}en/index.html")
        page.wait_for_selector("#explorer", timeout=READY)
        assert page.locator("#explainer .app-missing:not([hidden])").count() == 0


def test_after_a_model_failure_an_example_shows_its_own_top_10(site):
    site_dir, manifest = site
    # the service worker allowed: the weights bypass it, so the route sees them
    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        page.route("**/*.onnx*", lambda route: route.abort())
        page.goto(f"{base}en/index.html?variant=fp32")
        page.wait_for_selector("[data-phase='error']", timeout=READY)
        for i in (1, 2, 0):
            ex = manifest["examples"][i]
            page.click(f".txb-example[data-example='{i}']")
            ids = ",".join(map(str, ex["ids"]))
            page.wait_for_selector(f"#top-tokens[data-status='example'][data-ids='{ids}']", timeout=30_000)
            shown = page.eval_on_selector_all(
                "#top-tokens [data-token-id]", "els => els.map(e => Number(e.dataset.tokenId))"
            )
            assert shown == [r["id"] for r in ex["top"]][: len(shown)] and shown, (i, shown)


def test_a_corrupt_download_never_poisons_the_service_worker_cache(site, tmp_path):
    """Service workers allowed: the page is controlled, the model worker (which keeps the weights
    in the service worker's model cache) sees the corrupt shard, does not store it, and once the
    file is whole again the next load gets the model and keeps it."""
    import shutil

    site_dir, manifest = site
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    rel = manifest["variants"]["fp32"]["shards"][0]["path"]
    shard = copy / "model" / manifest["id"] / rel
    good = shard.read_bytes()
    bad = bytearray(good)
    bad[len(bad) // 3] ^= 0x10
    shard.write_bytes(bytes(bad))
    stored = """async (name) => { const out = [];
        for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys())
          if (r.url.includes(name)) out.push(r.url);
        return out; }"""
    with served(copy) as base, chromium() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}en/index.html?variant=fp32")
        page.wait_for_selector("[data-phase='error']", timeout=READY)
        page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=30_000)
        page.reload()
        page.wait_for_selector("[data-phase='error']", timeout=READY)
        assert page.evaluate("() => !!navigator.serviceWorker.controller")
        assert page.evaluate(stored, shard.name) == []
        shard.write_bytes(good)  # the host serves the right bytes again
        page.reload()
        page.wait_for_selector("#explorer[data-trace='live']", timeout=READY)
        kept = page.evaluate(stored, shard.name)
        assert all("?h=" in u for u in kept), kept


BAD_PROMPTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '" onmouseover="alert(3)',
    "javascript:alert(4)",
    "[x](javascript:alert(5))",
    "<svg><animate onbegin=alert(6) attributeName=x>",
    "{{ 7*7 }} ${7*7} <%= 7*7 %>",
    "<|endoftext|> and <|endoftext|>",
    "a\u0000b\u0000c",
    "\ud83c lone surrogate \udf89",
    "\u202etxet desrever\u202c",
    "e\u0301\u0301\u0301 combining marks",
    "line one\r\nline two\rthree\n",
    "&lt;b&gt; &amp;amp; &#60;i&#62;",
    "안녕 🎉 👩‍👩‍👧‍👦 مرحبا",
    "   ",
    "x" * 3000,
]


def test_bad_prompts_never_run_and_never_break_the_page(site):
    site_dir, _ = site
    with served(site_dir) as base, chromium() as ctx:
        ctx.add_init_script(WATCH_CSP + "window.alert = (m) => { window.__alerted = String(m); };")
        page = ctx.new_page()
        problems: list = []
        watch_errors(page, problems)
        dialogs: list = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{base}en/index.html?variant=fp32")
        page.wait_for_selector("#explorer[data-trace='live']", timeout=READY)
        n_scripts = page.locator("script").count()
        handled = []
        for prompt in BAD_PROMPTS:
            page.fill("#prompt", prompt)
            page.click("#predict")
            page.wait_for_selector('#top-tokens[data-status="ready"]', timeout=READY)
            ok = (
                page.evaluate("() => window.__alerted === undefined")
                and page.locator("script").count() == n_scripts
                and page.locator("#explainer img[src='x'], #explainer svg animate").count() == 0
            )
            handled.append(ok)
        assert all(handled), [p for p, ok in zip(BAD_PROMPTS, handled) if not ok]
        assert page.evaluate("() => window.__csp") == []
    assert dialogs == [] and not problems, (dialogs, problems)


def test_an_empty_prompt_says_type_a_prompt_and_leaves_no_stale_run(site):
    from browser import STRINGS

    site_dir, manifest = site
    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}en/index.html?variant=fp32")
        page.wait_for_selector("#explorer[data-trace='live']", timeout=READY)
        page.wait_for_selector("#gen-next:not([disabled])", timeout=READY)
        page.wait_for_function("() => document.querySelector('#sampling-draw').dataset.tokenId > ''", timeout=READY)
        assert page.locator("#sampling-draw .txb-seg").count() > 0
        page.fill("#prompt", "")
        page.click("#predict")
        page.wait_for_selector("#explorer[data-trace='none']", timeout=30_000)
        empty = STRINGS["en"]["prompt_empty"]
        assert page.locator("#top-tokens [data-token-id]").count() == 0
        assert empty in page.text_content(".txb-next .txb-caption")
        assert page.is_disabled("#gen-next") and page.is_disabled("#gen-run")
        # the explorer says so, and no earlier draw stays in the sampling view
        page.wait_for_function("() => document.querySelector('#sampling-draw').dataset.tokenId === ''", timeout=30_000)
        assert page.text_content("#explorer .txb-trace-note") == empty
        assert STRINGS["en"]["trace_none"] not in page.text_content("#explorer")
        assert page.locator("#sampling-draw .txb-seg, #sampling-draw .txb-u, #sampling-table tbody tr").count() == 0
        assert page.text_content("#sampling-draw .txb-draw-text") == empty
        assert page.text_content("#sampling-summary") == ""
        assert page.text_content("#sampling-table caption") == ""
        page.wait_for_selector("#lens-table[data-status='none']", state="attached", timeout=30_000)
        assert page.locator("#lens-table tbody tr").count() == 0
