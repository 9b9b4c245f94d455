"""The explainer's front door in headless Chromium: the first screen, the overview of the whole
model (its numbers against ONNX Runtime in Python), every part opening its stage by mouse and
by keyboard, and the guided tour (each step's state, restored from ?tour=N)."""

from __future__ import annotations

from urllib.parse import quote

import numpy as np
import pytest

from browser import STRINGS, chromium, onnx_run, open_live, served
from txbuild import attribution
from txbuild.sources import encode
from txbuild.verify import session, softmax

pytestmark = pytest.mark.browser

PROMPT = "The cat sat on the mat and"
STAGES = ["tokens", "embedding", "blocks", "qkv", "attention", "attn_output", "mlp", "norm", "output"]
STAGE_OF = {
    "tokens": "tokens",
    "embed": "embedding",
    "ln1": "norm",
    "attn": "attention",
    "add1": "attn_output",
    "ln2": "norm",
    "mlp": "mlp",
    "add2": "blocks",
    "lnf": "norm",
    "logits": "output",
    "probs": "output",
}


@pytest.fixture(scope="module")
def site(shared_site):
    return shared_site


@pytest.fixture(scope="module")
def browser_ctx():
    with chromium(reduced_motion="reduce") as ctx:  # instant scrolls: what opens is tested, not how
        yield ctx


def live_page(ctx, base, lang, ids, size=(1280, 800), query=""):
    problems: list = []
    page = open_live(ctx, f"{base}{lang}/index.html?prompt={quote(PROMPT)}{query}", problems, ids=ids, size=size)
    # the attribution of the live run (the lens graph) has arrived
    page.wait_for_selector("#overview .ov-logit", timeout=30_000)
    return page, problems


def test_overview_numbers_equal_onnx_runtime(site, browser_ctx):
    site_dir, manifest, tok = site
    ids = encode(tok, PROMPT)
    ref = onnx_run(site_dir, manifest, ids)
    L = manifest["dims"]["layer"]
    with served(site_dir) as base:
        page, problems = live_page(browser_ctx, base, "en", ids)
        # the top next tokens
        p = softmax(ref["logits"][-1].astype(np.float64))
        rows = page.eval_on_selector_all(
            "#overview .ov-top li", "els => els.map(e => [+e.dataset.tokenId, +e.dataset.prob])"
        )
        assert [r[0] for r in rows] == list(np.argsort(-p)[:3])
        np.testing.assert_allclose([r[1] for r in rows], p[[r[0] for r in rows]], rtol=1e-4)
        # per layer, the last token's strongest attention link (head, key and weight)
        links = page.eval_on_selector_all("#overview .ov-link", "els => els.map(e => ({...e.dataset}))")
        assert len(links) == L
        T = len(ids)
        for l, link in enumerate(links):
            a = ref["attn_probs"][l, :, T - 1, :]  # (H, T)
            h, k = np.unravel_index(np.argmax(a), a.shape)
            assert (int(link["attnLayer"]), int(link["attnHead"]), int(link["attnKey"])) == (l, h, k)
            assert float(link["attnProb"]) == pytest.approx(float(a[h, k]), rel=1e-5)
        # direct logit attribution of the predicted token: the site's own lens graph in ORT
        lens = session(site_dir / "model" / manifest["id"] / manifest["variants"]["fp32"]["lens"]["graph"])
        tok_id = int(np.argmax(ref["logits"][-1]))
        parts = attribution.parts({k: ref[k] for k in ("embed", "attn_out", "mlp_out")})
        want = attribution.shares_via_lens(
            lambda rows: lens.run(["logits"], {"hidden": rows})[0],
            parts,
            tok_id,
            eps=manifest["config"]["layer_norm_epsilon"],
        )
        keys = ["embed"] + [f"{k}-{l}" for l in range(L) for k in ("attn", "mlp")]
        got = [float(page.get_attribute(f"#ov-{k} .ov-dla", "data-dla")) for k in keys]
        np.testing.assert_allclose(got, want["parts"], rtol=1e-3, atol=1e-4)
        assert float(page.get_attribute("#ov-lnf .ov-dla", "data-dla")) == pytest.approx(want["bias"], abs=1e-4)
        assert int(page.get_attribute("#ov-logits .ov-logit", "data-token-id")) == tok_id
        # the parts sum to the model's logit
        assert sum(got) + want["bias"] == pytest.approx(float(ref["logits"][-1, tok_id]), abs=1e-3)
        page.close()
        assert problems == []


def _expect(page, part, layer):
    stage = STAGE_OF[part]
    page.wait_for_selector(f"#explorer[data-stage='{stage}']", timeout=5_000)
    if layer is not None:
        page.wait_for_selector(f"#pick-layer[data-current='{layer}']", timeout=5_000)


def test_every_part_opens_its_stage_by_mouse_and_keyboard(site, browser_ctx):
    site_dir, manifest, tok = site
    ids = encode(tok, PROMPT)
    L = manifest["dims"]["layer"]
    with served(site_dir) as base:
        page, problems = live_page(browser_ctx, base, "ko", ids)
        parts = page.eval_on_selector_all(
            "#overview .ov-part", "els => els.map(e => [e.id, e.dataset.part, e.dataset.layer ?? null])"
        )
        assert len(parts) == 2 + 6 * L + 3
        for pid, part, layer in parts:
            # mouse: a stage away first, so the click is what changes it
            page.click("#tab-output" if STAGE_OF[part] != "output" else "#tab-tokens")
            page.click(f"#{pid}")
            _expect(page, part, layer if part != "lnf" else str(L - 1))
        # keyboard: the diagram is one Tab stop; arrows walk the parts in order, Enter opens
        page.focus("#ov-tokens")
        for i, (pid, part, layer) in enumerate(parts):
            if i:
                page.focus(f"#{parts[i - 1][0]}")  # opening a stage moved the focus to its tab
                page.keyboard.press("ArrowRight")
            assert page.evaluate("document.activeElement.id") == pid
            assert page.get_attribute(f"#{pid}", "tabindex") == "0"
            page.keyboard.press("Enter" if i % 2 == 0 else " ")
            _expect(page, part, layer if part != "lnf" else str(L - 1))
            # the stage's tab has the focus now (the reader goes on from there)
            assert page.evaluate("document.activeElement.getAttribute('role')") == "tab"
        page.close()
        assert problems == []


def _sheet(page):
    return page.eval_on_selector("#tour", "e => ({...e.dataset, hidden: e.hidden, text: e.textContent})")


def _state_matches(page, sheet):
    want = (STAGES[int(sheet["stage"])], sheet["layer"], sheet["head"])
    got = lambda: page.evaluate("""[document.getElementById('explorer').dataset.stage,
        document.getElementById('pick-layer').dataset.current, document.getElementById('pick-head').dataset.current]""")  # noqa: E731
    try:
        # a step that names no layer or head (data-layer="") leaves the reader's
        page.wait_for_function(
            """([s, l, h]) => document.getElementById('explorer').dataset.stage === s
            && (l === '' || document.getElementById('pick-layer').dataset.current === l)
            && (h === '' || document.getElementById('pick-head').dataset.current === h)""",
            arg=list(want),
            timeout=5_000,
        )
    except Exception:
        raise AssertionError(f"step {sheet['step']} ({sheet['id']}): want {want}, the explorer shows {got()}") from None


def test_tour_steps_set_their_state_and_the_url_restores_them(site, browser_ctx):
    site_dir, manifest, tok = site
    ids = encode(tok, PROMPT)
    seen = []
    with served(site_dir) as base:
        page, problems = live_page(browser_ctx, base, "en", ids)
        page.click("#tour-start")
        while True:
            sheet = _sheet(page)
            assert not sheet["hidden"]
            _state_matches(page, sheet)
            step = int(sheet["step"])
            # the words say which block and head where the step picks one
            if sheet["id"] in ("qkv", "attention"):
                assert f"block {int(sheet['layer']) + 1}" in sheet["text"]
            if sheet["id"] == "attention":
                assert f"head {int(sheet['head']) + 1}" in sheet["text"]
            if sheet["id"] == "mlp":
                assert f"block {int(sheet['layer']) + 1}" in sheet["text"]
            if sheet["id"] == "greedy":
                page.wait_for_selector("#mode-greedy:checked")
            page.wait_for_function(f"() => location.search.includes('tour={step + 1}')")
            seen.append((step, sheet["stage"], sheet["layer"], sheet["head"]))
            # the overview highlights what the step talks about
            assert page.locator("#overview .ov-hl").count() >= 1
            if (
                page.get_attribute("#tour-next", "id")
                and page.text_content("#tour-next").strip() == STRINGS["en"]["tour_done"]
            ):
                break
            page.focus("#tour-next")
            page.keyboard.press("Enter")
            page.wait_for_selector(f"#tour[data-step='{step + 1}']")
        assert 12 <= len(seen) <= 20 and [s[0] for s in seen] == list(range(len(seen)))
        # Finish closes the tour and leaves the focus on the start button (never on nothing)
        page.focus("#tour-next")
        page.keyboard.press("Enter")
        page.wait_for_selector("#tour", state="hidden")
        assert page.evaluate("document.activeElement.id") == "tour-start"
        # resumable: it opens again at the last step seen; previous and close, by keyboard
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#tour[data-step='{len(seen) - 1}']:not([hidden])")
        page.focus("#tour-prev")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#tour[data-step='{len(seen) - 2}']")
        page.keyboard.press("ArrowLeft")
        page.wait_for_selector(f"#tour[data-step='{len(seen) - 3}']")
        page.keyboard.press("Escape")
        page.wait_for_selector("#tour", state="hidden")
        assert page.evaluate("document.activeElement.id") == "tour-start"
        page.wait_for_function("() => !location.search.includes('tour=')")
        # the start button offers the last step seen (1-based)
        assert str(len(seen) - 2) in page.text_content("#tour-start")
        page.close()
        # ?tour=N restores step N's state, in both languages: three steps that pick a block (the
        # walk above checked every step's state; a restore is one code path for all of them)
        picked = [s for s in seen if s[2] != ""]
        assert len(picked) >= 3, seen
        for lang, steps in (("en", [picked[0], picked[-1]]), ("ko", [picked[len(picked) // 2]])):
            for step, stage, layer, head in steps:
                page, problems2 = live_page(browser_ctx, base, lang, ids, query=f"&tour={step + 1}")
                sheet = _sheet(page)
                assert (int(sheet["step"]), sheet["stage"], sheet["layer"], sheet["head"]) == (step, stage, layer, head)
                assert STRINGS[lang]["tour_count"].split("{")[0].strip() in sheet["text"]
                _state_matches(page, sheet)
                page.close()
                problems += problems2
        assert problems == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_first_viewport_holds_prompt_prediction_and_diagram(site, browser_ctx, lang):
    site_dir, manifest, tok = site
    ids = encode(tok, PROMPT)
    with served(site_dir) as base:
        for size in ((1280, 800), (375, 740)):
            page, problems = live_page(browser_ctx, base, lang, ids, size=size)
            page.evaluate("window.scrollTo(0, 0)")

            def box(sel, page=page):
                return page.eval_on_selector(
                    sel, "e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.left, r.right]; }"
                )

            h, w = size[1], size[0]
            for sel in ("h1", ".front-door .subtitle", "#prompt", "#ov-predict", "#ov-tokens", "#ov-embed"):
                top, bottom, left, right = box(sel)
                assert 0 <= top and bottom <= h and 0 <= left and right <= w, (size, sel, (top, bottom, left, right))
            # the prediction is the model's own, in words: its top token
            best = page.get_attribute("#overview .ov-top li", "data-token-id")
            p = softmax(onnx_run(site_dir, manifest, ids, outputs=["logits"])["logits"][-1].astype(np.float64))
            assert int(best) == int(np.argmax(p))
            assert STRINGS[lang]["ov_predict"].split("{")[0].strip() in page.text_content("#ov-predict")
            # the first block of the diagram starts in the first viewport too
            assert box("#overview .ov-block")[0] < h
            # Tab stops from the top of the page to the prompt box
            page.evaluate("document.activeElement?.blur()")
            n = 0
            while page.evaluate("document.activeElement?.id") != "prompt":
                page.keyboard.press("Tab")
                n += 1
                assert n <= 8, page.evaluate("document.activeElement?.outerHTML.slice(0, 120)")
            print(f"{lang} {size}: {n} Tab stops to the prompt box")
            page.close()
            assert problems == []


def test_page_names_the_model_and_keeps_build_details_in_the_footnote(site):
    site_dir, manifest, _ = site
    for lang in ("en", "ko"):
        html = (site_dir / lang / "index.html").read_text()
        # the shared site's model has no card: its name is its folder's, which the title does not use
        assert manifest["source"]["kind"] == "folder" and manifest["name"] == manifest["id"]
        title = STRINGS[lang]["site_title"]
        assert f"<h1>{title}</h1>" in html
        note = html.split('<aside class="model-note')[1].split("</aside>")[0]
        assert "--model" not in note and "(bundled)" not in note and manifest["name"] not in note
        about = html.split('id="about-build"')[1].split("</aside>")[0]
        assert manifest["name"] in about
        # the language chooser names the same model
        assert f"<h1>{title}</h1>" in (site_dir / "index.html").read_text()
    # the example's attribution (shown before the model loads) is of its predicted token
    ex = manifest["examples"][0]
    assert ex["dla"]["token"] == ex["top"][0]["id"]
    assert sum(ex["dla"]["parts"]) + ex["dla"]["bias"] == pytest.approx(ex["dla"]["logit"], abs=1e-4)
