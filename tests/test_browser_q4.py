"""The q4 variant in headless Chromium: its top-10 equals ONNX Runtime in Python on the same graph."""

from __future__ import annotations

import numpy as np
import pytest

from browser import build_test_site, chromium, onnx_run, served, watch_errors
from txbuild.sources import encode
from txbuild.verify import softmax

pytestmark = pytest.mark.browser

PROMPTS = ["The quick brown fox", "안녕하세요, 세계 🎉 <|endoftext|>"]


@pytest.fixture(scope="module")
def q4_site(tmp_path_factory, cache_root):
    # a peaked next-token distribution gives its top-10 a clear order to compare
    return build_test_site(tmp_path_factory, cache_root, "q4", seed=1, embedding_scale=40, variants=("q4",))


def python_top10(site_dir, manifest, ids):
    logits = onnx_run(site_dir, manifest, ids, "q4", outputs=["logits"])["logits"]
    p = softmax(logits[-1].astype(np.float64))
    best = np.argsort(-p)[:10]
    return [(int(i), float(p[i])) for i in best]


def test_q4_page_top10_equals_onnxruntime_in_python(q4_site):
    site_dir, manifest, tok = q4_site
    assert manifest["default_variant"] == "q4"
    problems = []
    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        watch_errors(page, problems)
        page.goto(f"{base}en/index.html?variant=q4")
        for prompt in PROMPTS:
            ids = encode(tok, prompt)
            page.fill("#prompt", prompt)
            page.click("#predict")
            page.wait_for_selector(
                f'#top-tokens[data-status="ready"][data-ids="{",".join(map(str, ids))}"]', timeout=90_000
            )
            assert page.get_attribute("#top-tokens", "data-variant") == "q4"
            rows = page.eval_on_selector_all(
                "#top-tokens li", "els => els.map(e => [Number(e.dataset.tokenId), Number(e.dataset.prob)])"
            )
            want = python_top10(site_dir, manifest, ids)
            assert [r[0] for r in rows] == [w[0] for w in want], prompt
            np.testing.assert_allclose([r[1] for r in rows], [w[1] for w in want], atol=1e-4)
    assert not problems, problems
