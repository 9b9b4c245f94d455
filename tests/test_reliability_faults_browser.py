"""Issue 13's browser leftovers (sections 4, 5, 7): the tokenizer chunk missing, Retry after a
corrupt download, a prompt longer than a link across a reload, and a returning visitor after a
rebuild with new weights. (The empty prompt with nothing stale is checked on one page with the
rest of what an empty prompt does: test_reliability_browser.py.)"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from browser import STRINGS, chromium, onnx_run, served, watch_errors

pytestmark = pytest.mark.browser
READY = 90_000


@pytest.fixture(scope="module")
def site(shared_site):
    return shared_site


def top10(site_dir, manifest, ids):
    logits = onnx_run(site_dir, manifest, ids)["logits"][-1]
    return [int(i) for i in np.argsort(-logits, kind="stable")[:10]]


def shown_top(page):
    return page.eval_on_selector_all("#top-tokens [data-token-id]", "els => els.map(e => Number(e.dataset.tokenId))")


def tokenizer_chunk(site_dir):
    """The chunk main.js imports on demand for the tokenizer (the one that holds the BPE ranks)."""
    assets = json.loads((site_dir / "assets" / "assets.json").read_text())
    app = assets["app.js"].split("/")[-1]
    chunks = [
        p
        for p in (site_dir / "assets").glob("*.js")
        if p.name != app and "ranks" in p.read_text(errors="ignore")[:2_000_000]
    ]
    biggest = max(chunks, key=lambda p: p.stat().st_size)
    assert biggest.name in (site_dir / "assets" / app).read_text(), biggest.name  # app-*.js imports it
    return biggest.name


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_missing_tokenizer_chunk_is_an_error_not_running_in_your_browser(site, lang):
    site_dir, _, _ = site
    chunk = tokenizer_chunk(site_dir)
    with served(site_dir) as base, chromium(service_workers="block") as ctx:
        page = ctx.new_page()
        blocked = []
        page.route(f"**/{chunk}", lambda route: (blocked.append(route.request.url), route.abort()))
        page.goto(f"{base}{lang}/index.html?variant=fp32")
        page.wait_for_selector("#tokenizer-error:not([hidden])", timeout=READY)
        page.wait_for_selector(".txb-model[data-phase='ready']", timeout=READY)  # the model itself loads
        assert blocked
        said = page.text_content("#tokenizer-error")
        head = STRINGS[lang]["tokenizer_error"].split("{error}")[0].rstrip("(")
        assert head and said.startswith(head), said
        running = STRINGS[lang]["model_ready"].split(":")[0]
        assert running not in page.text_content(".txb-model"), page.text_content(".txb-model")


def test_retry_after_a_corrupt_shard_gives_a_live_prediction(site):
    site_dir, manifest, _ = site
    shard = manifest["variants"]["fp32"]["shards"][0]["path"].split("/")[-1]
    served_bad = []

    def corrupt_once(route):
        if served_bad:
            return route.continue_()
        res = route.fetch()
        body = bytearray(res.body())
        body[len(body) // 2] ^= 0x01  # same size, other bytes
        served_bad.append(route.request.url)
        route.fulfill(response=res, body=bytes(body))

    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        problems: list = []
        watch_errors(page, problems)
        page.route(f"**/{shard}*", corrupt_once)
        page.goto(f"{base}en/index.html?variant=fp32")
        page.wait_for_selector(".txb-model[data-phase='error']", timeout=READY)
        assert "sha256" in page.text_content(".txb-model-status")
        assert len(served_bad) == 1
        page.click("#model-retry")
        page.wait_for_selector("#explorer[data-trace='live']", timeout=READY)
        page.wait_for_selector("#top-tokens[data-status='ready']", timeout=READY)
        assert page.is_hidden("#model-retry")
        ids = [int(x) for x in page.get_attribute("#explorer", "data-ids").split(",")]
        assert shown_top(page) == top10(site_dir, manifest, ids)


def test_a_prompt_longer_than_a_link_stays_whole_across_a_reload(site):
    site_dir, manifest, _ = site
    long = "The cat sat on the mat, and then it slept. " * 150  # ~6.5 KB, well over the link's 4000 bytes
    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}en/index.html?variant=fp32")
        page.wait_for_selector("#explorer[data-trace='live']", timeout=READY)
        assert page.is_hidden("#prompt-link-note")
        page.fill("#prompt", long)
        page.wait_for_selector("#prompt-link-note:not([hidden])")
        assert page.text_content("#prompt-link-note") == STRINGS["en"]["prompt_link_part"]
        page.wait_for_function(
            "() => new URLSearchParams(location.search).has('prompt')"
            " && Object.keys(sessionStorage).some((k) => k.startsWith('txb:prompt:'))"
        )
        in_link = parse_qs(urlparse(page.url).query)["prompt"][0]
        assert long.startswith(in_link) and 0 < len(in_link) < len(long)
        link = page.url
        page.reload()
        page.wait_for_selector("#explorer[data-trace='live']", timeout=READY)
        assert page.input_value("#prompt") == long
        assert page.is_visible("#prompt-link-note")
        # the same link in another tab (no sessionStorage of its own) has the first part only
        other = ctx.new_page()
        other.goto(link)
        other.wait_for_selector("#explorer[data-trace='live']", timeout=READY)
        assert other.input_value("#prompt") == in_link
        # and once the prompt fits again the tab forgets the long one
        page.fill("#prompt", "The cat")
        page.wait_for_function("() => !Object.keys(sessionStorage).some((k) => k.startsWith('txb:prompt:'))")
        assert page.is_hidden("#prompt-link-note")


@pytest.mark.slow  # two site builds (one with new weights: a fresh export) and two page loads
def test_a_returning_visitor_after_a_rebuild_with_new_weights_gets_the_new_model(tmp_path_factory, cache_root):
    """Service workers allowed: the first visit stores the model for offline use; the same
    checkpoint folder then gets other weights and the same --out is rebuilt; the second visit's
    first load shows the new model's top-10."""
    from conftest import make_checkpoint
    from txbuild.report import Reporter
    from txbuild.site import BuildOptions, build_site

    ckpt = tmp_path_factory.mktemp("rebuild-ckpt") / "ckpt"
    out = tmp_path_factory.mktemp("rebuild-site") / "site"

    def build(seed):
        make_checkpoint(ckpt, seed=seed, embedding_scale=40)
        res = build_site(
            BuildOptions(model=str(ckpt), out=out, precision="fp32", variants=("fp32",), cache_root=cache_root),
            Reporter(-1),
        )
        return json.loads((out / "model" / res.model.source.id / "manifest.json").read_text())

    old = build(seed=1)  # the shared site's weights (their graphs are in the cache), then others
    with served(out) as base, chromium() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}en/index.html")
        page.wait_for_selector("#top-tokens[data-status='ready']", timeout=READY)
        page.wait_for_selector(".txb-model[data-offline='yes']", timeout=READY)  # the worker keeps it
        assert page.evaluate("() => !!navigator.serviceWorker.controller")
        ids = [int(x) for x in page.get_attribute("#explorer", "data-ids").split(",")]
        before = top10(out, old, ids)
        assert shown_top(page) == before
        page.close()

        new = build(seed=3)
        assert new["id"] == old["id"] and new["variants"]["fp32"]["shards"] != old["variants"]["fp32"]["shards"]
        want = top10(out, new, ids)
        assert want != before  # other weights, another top-10: the check below can tell them apart
        page = ctx.new_page()
        page.goto(f"{base}en/index.html")
        page.wait_for_selector("#top-tokens[data-status='ready']", timeout=READY)
        assert [int(x) for x in page.get_attribute("#explorer", "data-ids").split(",")] == ids
        assert shown_top(page) == want
