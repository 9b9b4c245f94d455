"""The Korean page's own example prompts (issue 10, section 5), in headless Chromium.

A tiny random checkpoint whose card gives Korean examples: the Korean page starts from the
Korean default's build-time run, offers the Korean examples first (then the English ones),
each of which shows its own precomputed top-10; the English page offers only the English
ones; and the note on Korean states numbers equal to an independent count and to ONNX Runtime.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from browser import chromium, onnx_run, served
from test_examples_ko import CARD, korean_checkpoint
from txbuild.article.josa import resolve_particles
from txbuild.report import Reporter
from txbuild.site import BuildOptions, build_site
from txbuild.verify import softmax

pytestmark = pytest.mark.browser
READY = 60_000
N_EN = len(CARD["example_prompts"])


@pytest.fixture(scope="module")
def site(tmp_path_factory, cache_root):
    from transformers import GPT2TokenizerFast

    # the shared site's weights (browser.SHARED_SITE), so the exported graphs come from the cache
    ckpt = korean_checkpoint(tmp_path_factory.mktemp("ko-ckpt"), seed=1, embedding_scale=40)
    out = tmp_path_factory.mktemp("ko-site") / "site"
    res = build_site(
        BuildOptions(model=str(ckpt), out=out, precision="fp32", variants=("fp32",), cache_root=cache_root),
        Reporter(-1),
    )
    manifest = json.loads((out / "model" / res.model.source.id / "manifest.json").read_text())
    return out, manifest, GPT2TokenizerFast.from_pretrained(ckpt)


def offline_page(ctx, base, lang):
    """The page with the model's files unreachable: only the build-time runs can show. (The
    service worker may be allowed: the weights bypass it, so the route sees them.)"""
    page = ctx.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.route("**/*.onnx*", lambda route: route.abort())
    page.goto(f"{base}{lang}/index.html?variant=fp32")
    page.wait_for_selector("#explorer[data-trace='example']", timeout=READY)
    # the model's files are unreachable indeed (they bypass the service worker, so the route
    # sees them): its load fails, and only the build-time runs can show
    page.wait_for_selector(".txb-model[data-phase='error']", timeout=READY)
    return page


@pytest.fixture(scope="module")
def ko_page(site):
    """The Korean page offline, opened once for the tests that read it (the note is the same
    whichever example is picked)."""
    with served(site[0]) as base, chromium() as ctx:
        yield offline_page(ctx, base, "ko")


def buttons(page):
    return page.eval_on_selector_all(".txb-example", "els => els.map(e => [Number(e.dataset.example), e.textContent])")


def shown_top(page, ex):
    ids = ",".join(map(str, ex["ids"]))
    page.wait_for_selector(f"#top-tokens[data-status='example'][data-ids='{ids}']", timeout=30_000)
    return page.eval_on_selector_all(
        "#top-tokens [data-token-id]", "els => els.map(e => [Number(e.dataset.tokenId), Number(e.dataset.prob)])"
    )


def _byte_of_char() -> dict[str, int]:
    """GPT-2's byte-level alphabet: printable Latin-1 bytes stand for themselves, the other
    bytes for code points 256, 257, ... in byte order."""
    own = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    out = {chr(b): b for b in own}
    for n, b in enumerate(b for b in range(256) if b not in own):
        out[chr(256 + n)] = b
    return out


def expected_labels(tokenizer, ids) -> list[str]:
    """A token's text, or for the byte tokens of one character "<char> (k/n)"."""
    table = _byte_of_char()
    raw = [bytes(table[c] for c in tokenizer.convert_ids_to_tokens(i)) for i in ids]
    out, i = [], 0
    while i < len(raw):
        j, text = i + 1, None
        while text is None:
            try:
                text = b"".join(raw[i:j]).decode("utf-8")
            except UnicodeDecodeError:
                j += 1
        out += [visible(text)] if j == i + 1 else [f"{visible(text)} ({k + 1}/{j - i})" for k in range(j - i)]
        i = j
    return out


def test_the_korean_page_offers_korean_examples_with_their_own_top_10(site, ko_page):
    site_dir, manifest, _ = site
    ex = manifest["examples"]
    ko = [i for i, e in enumerate(ex) if e["lang"] == "ko"]
    assert [ex[i]["prompt"] for i in ko] == CARD["example_prompts_ko"]
    page = ko_page
    # the Korean default's run stands on the first screen, and in the prompt box
    default = next(e for e in ex if e["lang"] == "ko" and e["prompt"] == CARD["default_prompt_ko"])
    assert page.get_attribute("#explorer", "data-ids") == ",".join(map(str, default["ids"]))
    assert page.input_value("#prompt") == CARD["default_prompt_ko"]
    # the overview labels a Korean character's byte tokens by the character, as the chips do
    # (once the tokenizer has loaded: before, the manifest's decoded strings stand in)
    want = json.dumps(expected_labels(site[2], default["ids"]), separators=(",", ":"), ensure_ascii=False)
    page.wait_for_function(
        f"() => JSON.stringify([...document.querySelectorAll('#ov-tokens .ov-chip')]"
        f".map(e => e.textContent)) === {json.dumps(want)}",
        timeout=30_000,
    )
    # Korean first, then the English ones
    assert buttons(page) == [[i, ex[i]["prompt"]] for i in ko] + [[i, ex[i]["prompt"]] for i in range(N_EN)]
    for i in [*reversed(ko), 0]:
        page.click(f".txb-example[data-example='{i}']")
        rows = shown_top(page, ex[i])
        assert page.input_value("#prompt") == ex[i]["prompt"]
        assert len(rows) == min(10, len(ex[i]["top"])) and rows
        assert [r[0] for r in rows] == [r["id"] for r in ex[i]["top"]][: len(rows)], i
        np.testing.assert_allclose([r[1] for r in rows], [r["prob"] for r in ex[i]["top"]][: len(rows)])


def test_the_english_page_offers_only_the_english_examples(site):
    site_dir, manifest, _ = site
    ex = manifest["examples"]
    with served(site_dir) as base, chromium() as ctx:
        page = offline_page(ctx, base, "en")
        assert buttons(page) == [[i, ex[i]["prompt"]] for i in range(N_EN)]
        assert page.input_value("#prompt") == CARD["default_prompt"]
        assert page.get_attribute("#explorer", "data-ids") == ",".join(map(str, ex[0]["ids"]))
        assert page.locator("#examples-ko-note").count() == 0


def pct(p: float) -> str:
    return f"{p * 100:.3g}%"  # d3's '.3~p' (three significant digits, no trailing zeros)


def visible(token: str) -> str:
    return token.replace(" ", "\u2423").replace("\n", "\u21b5").replace("\t", "\u21e5")


def test_the_note_on_korean_states_the_model_s_own_numbers(site, ko_page):
    site_dir, manifest, tok = site
    ex = manifest["examples"]
    ko_prompt, en_prompt = CARD["example_prompts_ko"][0], CARD["example_prompts"][0]
    ko_ids, en_ids = tok.encode(ko_prompt), tok.encode(en_prompt)
    ko_entry = next(e for e in ex if e["lang"] == "ko")
    assert ko_entry["prompt"] == ko_prompt and ko_entry["ids"] == ko_ids and ex[0]["ids"] == en_ids
    fragments = sum("\ufffd" in tok.decode([i]) for i in ko_ids)
    assert fragments > 0 and len(ko_ids) > len(ko_prompt)  # Hangul: byte fragments
    # the top next-token probabilities, by ONNX Runtime on the graph the site ships
    probs = {
        name: softmax(onnx_run(site_dir, manifest, ids)["logits"][-1].astype(np.float64))
        for name, ids in (("ko", ko_ids), ("en", en_ids))
    }
    top = {name: float(p.max()) for name, p in probs.items()}
    assert [ko_entry["top"][0]["id"], ex[0]["top"][0]["id"]] == [int(probs["ko"].argmax()), int(probs["en"].argmax())]
    np.testing.assert_allclose([ko_entry["top"][0]["prob"], ex[0]["top"][0]["prob"]], [top["ko"], top["en"]], rtol=1e-4)
    strings = __import__("tomllib").loads(open("content/ko/strings.toml", encoding="utf-8").read())
    note = ko_page.inner_text("#examples-ko-note")
    want = " ".join(  # the both-ways particles (은(는)) resolved as the page does
        resolve_particles(part)
        for part in [
            strings["examples_ko_tokens"].format(
                prompt=ko_prompt, chars=len(ko_prompt), tokens=len(ko_ids), fragments=fragments
            ),
            strings["examples_ko_probs"].format(
                ko_token=visible(ko_entry["top"][0]["token"]),
                en_token=visible(ex[0]["top"][0]["token"]),
                ko_top=pct(ko_entry["top"][0]["prob"]),
                en_prompt=en_prompt,
                en_chars=len(en_prompt),
                en_tokens=len(en_ids),
                en_top=pct(ex[0]["top"][0]["prob"]),
            ),
            *([strings["examples_ko_less"]] if top["ko"] < top["en"] else []),
        ]
    )
    assert note == want
