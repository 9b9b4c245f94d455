"""The article's figures become live: once the explainer has run the reader's prompt, the
probability and attention figures are redrawn from that run (equal to the explainer's list and
to ONNX Runtime in Python), their captions say so, and a button brings back the build-time SVG,
which stays in the page untouched. Before such a run nothing changes."""

from __future__ import annotations

import numpy as np
import pytest

from browser import STRINGS, chromium, onnx_run, open_live, served, shown_text
from txbuild.sources import encode

pytestmark = pytest.mark.browser

PROMPT = "The cat sat on the mat, and"  # fewer tokens than the figure's window (16)
TOL = dict(rtol=2e-4, atol=2e-5)


@pytest.fixture(scope="module")
def site(shared_site):
    return shared_site


def test_static_figures_carry_what_the_live_view_needs(site):
    site_dir, manifest, _ = site
    html = (site_dir / "en" / "index.html").read_text()
    ids = ",".join(map(str, manifest["examples"][0]["ids"]))
    assert f'data-ids="{ids}"' in html
    assert 'data-layer="' in html and 'data-head="' in html
    assert "txb-livefig" not in html  # the build-time page is unchanged: no live markup without JavaScript


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_figures_follow_the_readers_prompt(site, lang):
    site_dir, manifest, tok = site
    ids = encode(tok, PROMPT)
    ref = onnx_run(site_dir, manifest, ids)
    problems = []
    with served(site_dir) as base, chromium() as ctx:
        # the model's own run of the default prompt: the build-time figures stand
        page = open_live(ctx, f"{base}{lang}/index.html", problems)
        assert page.locator(".txb-livefig").count() == 0
        assert page.locator("figure[data-live]").count() == 0
        built = {f: page.inner_html(f"#fig-{f} > .viz") for f in ("probs", "attention")}
        captions = {f: shown_text(page, f"#fig-{f} > figcaption") for f in ("probs", "attention")}

        page.fill("#prompt", PROMPT)
        page.click("#predict")
        want = ",".join(map(str, ids))
        page.wait_for_selector(f'#top-tokens[data-status="ready"][data-ids="{want}"]', timeout=90_000)
        for f in ("probs", "attention"):
            page.wait_for_selector(f"#fig-{f}[data-live='shown'][data-live-ids='{want}']", timeout=30_000)
            assert page.is_hidden(f"#fig-{f} > .viz")  # hidden, still there
            assert page.inner_html(f"#fig-{f} > .viz") == built[f]
            note = shown_text(page, f"#fig-{f} .txb-livefig-note")
            assert PROMPT in note and manifest["examples"][0]["prompt"].split()[0] in note, note
            assert shown_text(page, f"#fig-{f} .txb-livefig-toggle") == STRINGS[lang]["live_fig_back"]

        # probability bars: the explainer's own list, row for row
        def rows(sel):
            return page.eval_on_selector_all(sel, "els => els.map(e => [e.dataset.tokenId, e.dataset.prob])")

        top = rows("#top-tokens li")
        k = int(page.get_attribute("#fig-probs", "data-k"))
        assert top and rows("#fig-probs .txb-livefig li") == top[:k]

        # attention: the figure's layer and head, equal to ONNX Runtime in Python
        layer = int(page.get_attribute("#fig-attention", "data-layer")) - 1
        head = int(page.get_attribute("#fig-attention", "data-head")) - 1
        fig = page.locator("#fig-attention .txb-livefig figure[data-name='attn_probs']")
        n = int(fig.get_attribute("data-rows"))
        assert (
            n == len(ids)
            and fig.get_attribute("data-layer") == str(layer)
            and fig.get_attribute("data-head") == str(head)
        )
        shown = np.array([float(x) for x in fig.get_attribute("data-values").split(",")]).reshape(n, n)
        np.testing.assert_allclose(shown, ref["attn_probs"][layer, head], **TOL)
        # hovering/focusing a cell reads it out (the explainer's matrix)
        fig.locator("canvas").focus()
        assert float(fig.get_attribute("data-value")) == pytest.approx(
            float(ref["attn_probs"][layer, head][n - 1, 0]), rel=2e-4, abs=2e-5
        )

        # back to the build-time figure: the same SVG, the original caption
        for f in ("probs", "attention"):
            page.click(f"#fig-{f} .txb-livefig-toggle")
            page.wait_for_selector(f"#fig-{f}[data-live='built']")
            assert page.is_visible(f"#fig-{f} > .viz svg")
            assert page.is_hidden(f"#fig-{f} .txb-livefig")
            assert page.inner_html(f"#fig-{f} > .viz") == built[f]
            cap = shown_text(page, f"#fig-{f} > figcaption")
            assert cap.replace(STRINGS[lang]["live_fig_show"], "").split() == captions[f].split()
        # and live again
        page.click("#fig-probs .txb-livefig-toggle")
        page.wait_for_selector("#fig-probs[data-live='shown']")

        # another example prompt: the figure follows it
        page.click(".txb-example[data-example='1']")
        ex = ",".join(map(str, manifest["examples"][1]["ids"]))
        page.wait_for_selector(f"#fig-probs[data-live='shown'][data-live-ids='{ex}']", timeout=90_000)
        # the default prompt again: the build-time figures come back by themselves
        page.click(".txb-example[data-example='0']")
        page.wait_for_selector("#fig-probs:not([data-live])", timeout=90_000)
        assert page.is_visible("#fig-probs > .viz svg") and page.is_hidden("#fig-probs .txb-livefig")
        assert shown_text(page, "#fig-probs > figcaption").split() == captions["probs"].split()
    assert not problems, problems
