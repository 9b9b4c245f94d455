"""The built site in headless Chromium: its top-10 equals ONNX Runtime in Python, per variant
(q4 included: the shared site ships it; ?variant= picks it)."""

from __future__ import annotations

import numpy as np
import pytest

from browser import chromium, onnx_run, served, watch_errors
from txbuild.sources import encode
from txbuild.verify import softmax

pytestmark = pytest.mark.browser

PROMPTS = ["The quick brown fox", "안녕하세요, 세계 🎉 <|endoftext|>"]
# Absolute tolerance on a probability shown by the page vs Python's ONNX Runtime.
PROB_ATOL = {"fp32": 1e-5, "fp16": 1e-4, "int8": 1e-3, "q4": 1e-4}


@pytest.fixture(scope="module")
def built_site(shared_site):
    # peaked next-token distribution (a clear top-10 order to compare), every variant
    return shared_site


def python_top10(site_dir, manifest, variant, ids):
    logits = onnx_run(site_dir, manifest, ids, variant, outputs=["logits"])["logits"]
    p = softmax(logits[-1].astype(np.float64))
    best = np.argsort(-p)[:10]
    return [(int(i), float(p[i])) for i in best]


@pytest.mark.parametrize("variant", ["fp32", "fp16", "int8", "q4"])
def test_page_top10_equals_onnxruntime_in_python(built_site, variant):
    site_dir, manifest, tok = built_site
    requests, problems = [], []
    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        page.on("request", lambda r: requests.append(r.url))
        watch_errors(page, problems)
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        page.goto(f"{base}en/index.html?variant={variant}")
        for prompt in PROMPTS:
            ids = encode(tok, prompt)
            page.fill("#prompt", prompt)
            page.click("#predict")
            sel = f'#top-tokens[data-status="ready"][data-ids="{",".join(map(str, ids))}"]'
            page.wait_for_selector(sel, timeout=90_000)
            assert page.get_attribute("#top-tokens", "data-variant") == variant
            rows = page.eval_on_selector_all(
                "#top-tokens li", "els => els.map(e => [Number(e.dataset.tokenId), Number(e.dataset.prob)])"
            )
            want = python_top10(site_dir, manifest, variant, ids)
            assert [r[0] for r in rows] == [w[0] for w in want], prompt
            np.testing.assert_allclose([r[1] for r in rows], [w[1] for w in want], atol=PROB_ATOL[variant])
    assert requests and all(u.startswith(base) for u in requests), [u for u in requests if not u.startswith(base)]
    assert not problems, problems


def test_page_shows_the_precomputed_example_before_the_model(built_site):
    """With the model's weights unreachable the page still shows the build-time example."""
    site_dir, manifest, _ = built_site
    # the service worker allowed: the weights bypass it, so the route sees them
    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        page.route("**/*.onnx*", lambda route: route.abort())
        page.goto(f"{base}en/index.html")
        page.wait_for_selector('#top-tokens[data-status="example"] li')
        page.wait_for_selector(".txb-model[data-phase='error']", timeout=90_000)  # unreachable indeed
        ids = page.eval_on_selector_all("#top-tokens li", "els => els.map(e => Number(e.dataset.tokenId))")
    assert ids == [t["id"] for t in manifest["examples"][0]["top"]]
