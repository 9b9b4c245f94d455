"""Attention, really step by step (issue 10 §3), in headless Chromium.

The step control walks one head through Q·Kᵀ → ÷√d → mask → softmax → ×V; at each step the
traced cell's number is the one ONNX Runtime in Python gives for the same graph and ids (the
dot product and its scaling from ORT's q and k; the masked score, the weight and the output
from ORT's own tensors). The same control walks every head of the layer. At 64 tokens the
matrices keep readable cells and scroll with a cue, and the softmax is coloured per row.
"""

from __future__ import annotations

from urllib.parse import quote

import numpy as np
import pytest

from browser import chromium, onnx_run, open_live, served
from txbuild.sources import encode

pytestmark = pytest.mark.browser

PROMPT = "안녕 🎉 the cat sat on the mat"
STEPS = ["attn_raw", "attn_scaled", "attn_scores", "attn_probs", "head_out"]


@pytest.fixture(scope="module")
def site(shared_site):
    return shared_site


def visible_trace(page):
    return page.eval_on_selector_all("#attn-trace li", "els => els.filter(e => !e.hidden).map(e => e.dataset.step)")


def traced(page, step):
    return float(page.get_attribute(f"#attn-trace li[data-step='{step}']", "data-value"))


def test_stepping_shows_each_step_with_the_models_numbers(site):
    site_dir, manifest, tok = site
    ids = encode(tok, PROMPT)
    T = len(ids)
    ref = onnx_run(site_dir, manifest, ids)
    layer, head = 1, 2
    problems = []
    with served(site_dir) as base, chromium() as ctx:
        page = open_live(
            ctx,
            f"{base}en/index.html?prompt={quote(PROMPT)}&stage=5&layer={layer + 1}&head={head + 1}",
            problems,
            ids=ids,
        )
        page.wait_for_selector("#stage-attention:not([hidden])")
        assert page.get_attribute("#attn-step", "data-step") == "all"
        # choose a cell with the keyboard: focus starts at the last row; up one, right three
        canvas = page.locator("#stage-attention figure[data-name='attn_probs'] canvas")
        canvas.focus()
        page.keyboard.press("ArrowUp")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        i, j = T - 2, 3
        assert page.get_attribute("#attn-trace li[data-step='attn_probs']", "data-value") is not None
        canvas.blur()

        q = ref["q"][layer, head].astype(np.float64)
        k = ref["k"][layer, head].astype(np.float64)
        v = ref["v"][layer, head].astype(np.float64)
        d = q.shape[1]
        want = {
            "attn_raw": q[i] @ k[j],
            "attn_scaled": q[i] @ k[j] / np.sqrt(d),
            "attn_scores": float(ref["attn_scores"][layer, head, i, j]),
            "attn_probs": float(ref["attn_probs"][layer, head, i, j]),
            "head_out": float(ref["head_out"][layer, head, i, 0]),
        }
        for n, name in enumerate(STEPS):
            page.click("#attn-step-next")
            page.wait_for_selector(f"#attn-step[data-step='{n}']")
            # only this step's matrix is shown, and the trace up to this step
            shown = page.eval_on_selector_all(
                "#stage-attention .txb-steps > li", "els => els.filter(e => !e.hidden).map(e => e.dataset.step)"
            )
            assert shown == [name]
            assert visible_trace(page) == STEPS[: n + 1]
            assert page.get_attribute(f"#attn-trace li[data-step='{name}']", "class").endswith("is-current")
            np.testing.assert_allclose(traced(page, name), want[name], rtol=2e-4, atol=2e-5, err_msg=name)
            # the step's own matrix holds the traced cell
            fig = page.locator(f"#stage-attention figure[data-name='{name}']")
            assert (int(fig.get_attribute("data-row")), int(fig.get_attribute("data-col"))) == (
                (i, 0) if name == "head_out" else (i, j)
            )
        # ×V: this key's share of the output is its weight times its value
        share = float(page.get_attribute("#attn-trace li[data-step='head_out']", "data-share"))
        np.testing.assert_allclose(share, want["attn_probs"] * v[j, 0], rtol=2e-4, atol=2e-6)
        assert page.is_disabled("#attn-step-next")
        # the query's row, strongest keys first, equal to ORT's weights
        row = page.eval_on_selector_all(
            "#attn-row li", "els => els.map(e => [Number(e.dataset.key), Number(e.dataset.value)])"
        )
        w = ref["attn_probs"][layer, head, i]
        assert [r[0] for r in row] == list(np.argsort(-w[: i + 1], kind="stable")[: len(row)])
        np.testing.assert_allclose([r[1] for r in row], w[[r[0] for r in row]], rtol=2e-4, atol=2e-6)

        # Play from the end starts over and walks to the last step on its own
        page.click("#attn-step-play")
        page.wait_for_selector("#attn-step[data-playing='true']")
        page.wait_for_selector("#attn-step[data-step='4'][data-playing='false']", timeout=30_000)

        # the same control walks every head of the layer (the lines follow)
        page.select_option("#attn-step-mode", "heads")
        assert page.get_attribute("#attn-step", "data-step") == "all"
        page.click("#pick-head button[data-index='0']")
        page.wait_for_selector("#pick-head[data-current='0']")
        for h in range(1, manifest["dims"]["head"]):
            page.click("#attn-step-next")
            page.wait_for_selector(f"#pick-head[data-current='{h}']")
            lines = page.eval_on_selector_all(
                "#stage-attention .txb-lines-svg line",
                "els => els.map(e => [Number(e.dataset.q), Number(e.dataset.k), Number(e.dataset.value)])",
            )
            assert lines
            for qq, kk, val in lines[:20]:
                np.testing.assert_allclose(val, ref["attn_probs"][layer, h, qq, kk], rtol=2e-4, atol=2e-6)
        assert page.is_disabled("#attn-step-next")
    assert not problems, problems


def test_64_tokens_stay_legible(site):
    site_dir, manifest, tok = site
    text = " ".join(["the cat sat on the mat and looked at the dog"] * 12)
    ids = encode(tok, text)[-manifest["max_tokens"] :]  # the last max_tokens, what the model predicts from
    assert len(ids) == 64
    problems = []
    with served(site_dir) as base, chromium() as ctx:
        page = open_live(ctx, f"{base}en/index.html?stage=5", problems, ids=None)
        page.fill("#prompt", text)
        page.click("#predict")
        page.wait_for_selector(f"#explorer[data-trace='live'][data-ids='{','.join(map(str, ids))}']", timeout=90_000)
        fig = page.locator("#stage-attention figure[data-name='attn_probs']")
        left, top, cw, ch, w, h = (float(x) for x in fig.get_attribute("data-layout").split())
        assert cw >= 12 and ch >= 12  # every row and column keeps its label
        box = fig.locator("canvas").bounding_box()
        assert box["width"] == pytest.approx(w, abs=1)  # drawn at its size, not squeezed
        # the frame scrolls, and says so (the cue is read in the frame after the draw)
        page.wait_for_selector(
            "#stage-attention figure[data-name='attn_probs'] .txb-scroll-frame[data-more~='right']", timeout=10_000
        )
        # the softmax is coloured per row (a 64-wide row of 1/64s would read blank)
        assert fig.get_attribute("data-scale") == "row"
        page.select_option("#attn-scale", "abs")
        page.wait_for_selector("#stage-attention figure[data-name='attn_probs'][data-scale='abs']")
        # the query's row stays readable as a list
        assert 1 <= len(page.query_selector_all("#attn-row li")) <= 8
    assert not problems, problems
