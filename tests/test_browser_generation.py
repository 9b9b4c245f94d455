"""Sampling and generation in headless Chromium (issue 5).

Greedy generation with the key/value cache gives exactly the tokens of greedy re-runs without
it (ONNX Runtime in Python, the whole sequence each step); the sampling columns match the
NumPy reference; the logit lens' last row is the model's prediction; the URL round-trips and a
malformed one falls back with a notice.
"""

from __future__ import annotations

from urllib.parse import quote

import numpy as np
import pytest

from browser import chromium, served, watch_errors
from test_sampling_reference import mulberry32, reference
from txbuild.sources import encode
from txbuild.verify import run, session

pytestmark = pytest.mark.browser

PROMPT = "The quick brown fox"
READY = 90_000


@pytest.fixture(scope="module")
def site(shared_site):
    # a peaked next-token distribution gives a clear greedy choice
    out, manifest, tok = shared_site
    graph = out / "model" / manifest["id"] / manifest["variants"]["fp32"]["graph"]
    return out, manifest, tok, session(graph)


def python_logits(manifest, sess, ids):
    d = manifest["dims"]
    return run(sess, ids, n_layer=d["layer"], n_head=d["head"], head_dim=d["head_dim"], outputs=["logits"])["logits"][
        -1
    ]


def open_page(ctx, base, query=""):
    page = ctx.new_page()
    problems = []
    watch_errors(page, problems)
    page.goto(f"{base}en/index.html?variant=fp32{query}")
    page.wait_for_selector('#top-tokens[data-status="ready"]', timeout=READY)
    return page, problems


def wait_generated(page, n):
    page.wait_for_function(
        f"() => document.querySelector('#gen-controls').dataset.running === 'false' && "
        f"document.querySelector('#gen-text').dataset.ids.split(',').filter(Boolean).length === {n}",
        timeout=READY,
    )
    return [int(x) for x in page.get_attribute("#gen-text", "data-ids").split(",")]


def test_greedy_with_the_cache_equals_greedy_reruns(site):
    site_dir, manifest, tok, sess = site
    ids = encode(tok, PROMPT)
    want, seq = [], list(ids)
    for _ in range(8):  # no cache: the whole sequence again, every step
        nxt = int(np.argmax(python_logits(manifest, sess, seq)))
        want.append(nxt)
        seq.append(nxt)
    with served(site_dir) as base, chromium() as ctx:
        page, problems = open_page(ctx, base, f"&mode=greedy&prompt={quote(PROMPT)}")
        page.fill("#gen-n", "8")
        page.click("#gen-run")
        got = wait_generated(page, 8)
        assert got == want
        # every step after the prefill fed one token and took the rest from the cache
        assert page.get_attribute("#kv-view", "data-positions") == str(len(ids) + 8)
        assert "1 token(s) fed" in page.text_content("#kv-size")
        # generating times only the cached steps; the comparison waits for the button
        assert page.get_attribute("#kv-timing", "data-full-ms") == ""
        assert float(page.get_attribute("#kv-timing", "data-cached-ms")) > 0
        # afterwards the explainer shows the whole sequence (one full run)
        page.wait_for_selector(
            f'#explorer[data-ids="{",".join(map(str, ids + want))}"][data-trace="live"]', timeout=READY
        )
        page.click("#kv-measure")
        page.wait_for_function("() => document.querySelector('#kv-timing').dataset.fullMs !== ''", timeout=READY)
        timing = page.eval_on_selector("#kv-timing", "t => [Number(t.dataset.cachedMs), Number(t.dataset.fullMs)]")
        assert all(x > 0 for x in timing)
        assert page.text_content("#kv-timing tbody tr[data-kind=full] td:last-child") == "3"
        # Next token appends the next greedy token
        page.click("#gen-next")
        assert wait_generated(page, 9)[-1] == int(np.argmax(python_logits(manifest, sess, seq)))
    assert not problems, problems


SETTINGS = [
    ("topp", {"mode": "topp", "temperature": 2.0, "topP": 0.9}, "&mode=topp&temp=2&p=0.9&seed=5"),
    ("topk", {"mode": "topk", "temperature": 0.6, "topK": 7}, "&mode=topk&temp=0.6&k=7&seed=5"),
    ("none", {"mode": "none", "temperature": 3.0}, "&mode=none&temp=3&seed=5"),
]


@pytest.mark.parametrize("name,settings,query", SETTINGS, ids=[s[0] for s in SETTINGS])
def test_sampling_columns_match_the_python_reference(site, name, settings, query):
    site_dir, manifest, tok, sess = site
    ids = encode(tok, PROMPT)
    logits = python_logits(manifest, sess, ids)
    want = reference(logits.tolist(), settings, seed=5, draws=1)
    with served(site_dir) as base, chromium() as ctx:
        page, problems = open_page(ctx, base, f"{query}&prompt={quote(PROMPT)}")
        page.wait_for_selector(f'#sampling-view[data-status="ready"][data-ids="{",".join(map(str, ids))}"] tbody tr')
        rows = page.eval_on_selector_all(
            "#sampling-table tbody tr",
            """els => els.map(e => ({
            id: Number(e.dataset.tokenId), logit: Number(e.dataset.logit), scaled: Number(e.dataset.scaled),
            prob: Number(e.dataset.prob), cum: Number(e.dataset.cum), kept: e.dataset.kept === 'true'}))""",
        )
        draw = page.eval_on_selector("#sampling-draw", "d => [Number(d.dataset.u), Number(d.dataset.tokenId)]")
    n = len(rows)
    assert [r["id"] for r in rows] == want["order"][:n]
    assert [r["kept"] for r in rows] == [i < want["kept"] for i in range(n)]
    np.testing.assert_allclose([r["logit"] for r in rows], logits[want["order"][:n]], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        [r["scaled"] for r in rows], logits[want["order"][:n]] / settings["temperature"], rtol=1e-5, atol=1e-5
    )
    np.testing.assert_allclose([r["prob"] for r in rows], want["probs"][:n], atol=1e-5)
    np.testing.assert_allclose([r["cum"] for r in rows], want["cumulative"][:n], atol=1e-5)
    assert draw[0] == mulberry32(5)() == want["us"][0]  # the first number of seed 5, bit for bit
    assert draw[1] == want["ids"][0]
    assert not problems, problems


def test_logit_lens_last_row_is_the_prediction(site):
    site_dir, manifest, tok, sess = site
    with served(site_dir) as base, chromium() as ctx:
        page, problems = open_page(ctx, base, f"&prompt={quote(PROMPT)}")
        page.wait_for_selector('#lens-table[data-status="ready"]', timeout=READY)
        layers = page.eval_on_selector_all("#lens-table tbody tr", "els => els.map(e => Number(e.dataset.layer))")
        assert layers == list(range(manifest["dims"]["layer"] + 1))
        last = page.eval_on_selector_all(
            "#lens-table tbody tr:last-child td",
            "els => els.map(e => [Number(e.dataset.tokenId), Number(e.dataset.prob)])",
        )
        top = page.eval_on_selector_all(
            "#top-tokens li", "els => els.map(e => [Number(e.dataset.tokenId), Number(e.dataset.prob)])"
        )
        assert [r[0] for r in last] == [r[0] for r in top[: len(last)]]
        np.testing.assert_allclose([r[1] for r in last], [r[1] for r in top[: len(last)]], atol=1e-5)
        # another token: choose the first chip; the lens follows
        page.click('#tokens [data-pos="0"]')
        page.wait_for_selector('#lens-table[data-status="ready"][data-pos="0"]', timeout=READY)
    assert not problems, problems


def test_the_url_round_trips_and_a_malformed_one_falls_back(site):
    site_dir, manifest, tok, sess = site
    with served(site_dir) as base, chromium() as ctx:
        page, problems = open_page(ctx, base)
        page.fill("#prompt", PROMPT)
        page.check("#mode-topk")
        page.fill("#top-k", "5")
        page.press("#top-k", "Enter")
        page.fill("#seed", "77")
        page.press("#seed", "Enter")
        page.click("#tab-attention")
        page.click('#pick-layer button[data-index="1"]')
        page.click('#pick-head button[data-index="2"]')
        page.fill("#gen-n", "3")
        page.wait_for_selector(
            f'#top-tokens[data-status="ready"][data-ids="{",".join(map(str, encode(tok, PROMPT)))}"]', timeout=READY
        )
        page.click("#gen-run")
        gen = wait_generated(page, 3)
        page.wait_for_function("() => location.search.includes('gen=')")
        url = page.url
        view = lambda p: {  # noqa: E731
            "prompt": p.input_value("#prompt"),
            "gen": p.get_attribute("#gen-text", "data-ids"),
            "mode": p.eval_on_selector("[name=sampling-mode]:checked", "e => e.value"),
            "k": p.input_value("#top-k"),
            "seed": p.input_value("#seed"),
            "stage": p.get_attribute("#explorer", "data-stage"),
            "layer": p.get_attribute("#pick-layer", "data-current"),
            "head": p.get_attribute("#pick-head", "data-current"),
            "draw": p.get_attribute("#sampling-draw", "data-token-id"),
        }
        before = view(page)
        assert before["gen"] == ",".join(map(str, gen)) and before["k"] == "5" and before["seed"] == "77"
        again = ctx.new_page()
        again.goto(url)
        again.wait_for_selector(
            f'#top-tokens[data-status="ready"][data-ids="{",".join(map(str, encode(tok, PROMPT) + gen))}"]',
            timeout=READY,
        )
        again.wait_for_selector("#sampling-view[data-status=ready]")
        assert view(again) == before
        assert again.is_hidden("#url-notice")

        bad = ctx.new_page()
        bad.goto(f"{base}en/index.html?variant=fp32&layer=99&temp=hot&mode=sideways&gen=1,x&k=0")
        bad.wait_for_selector("#url-notice:not([hidden])")
        assert set(bad.get_attribute("#url-notice", "data-bad").split(",")) == {"layer", "temp", "mode", "gen", "k"}
        assert "layer" in bad.text_content("#url-notice")
        assert bad.eval_on_selector("[name=sampling-mode]:checked", "e => e.value") == "topk"  # the default
        bad.wait_for_selector('#top-tokens[data-status="ready"]', timeout=READY)
    assert not problems, problems
