"""Korean example prompts: the card's example_prompts_ko / default_prompt_ko are validated,
precomputed like the English ones (one list of examples, each marked with its lang) and
written to the manifest; GENERIC_PROMPTS has Korean ones too."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import make_checkpoint
from txbuild.examples import read_trace
from txbuild.report import Reporter
from txbuild.site import GENERIC_PROMPTS, BuildOptions, build_site, example_runs
from txbuild.sources import ModelError, load, resolve
from txbuild.trace import trace_ids

CARD = {
    "trained": False,
    "default_prompt": "Good morrow, my",
    "example_prompts": ["Good morrow, my", "O Romeo, Romeo, wherefore art thou"],
    "default_prompt_ko": "사느냐 죽느냐, 그것이",
    "example_prompts_ko": ["사느냐 죽느냐, 그것이", "오늘 아침 날씨가 참"],
}


def korean_checkpoint(folder, card=CARD, **kw):
    ckpt = make_checkpoint(folder, **kw)
    (ckpt / "txbuild.json").write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    return ckpt


@pytest.mark.slow  # a site build from weights no other test uses (a fresh export)
def test_korean_examples_are_traced_and_marked(tmp_path, cache_root):
    ckpt = korean_checkpoint(tmp_path / "ckpt")
    out = tmp_path / "site"
    res = build_site(
        BuildOptions(model=str(ckpt), out=out, precision="fp32", variants=("fp32",), cache_root=cache_root),
        Reporter(-1),
    )
    model_dir = out / "model" / res.model.source.id
    manifest = json.loads((model_dir / "manifest.json").read_text())
    ex = manifest["examples"]
    assert [(e["prompt"], e["lang"]) for e in ex] == (
        [(p, "en") for p in CARD["example_prompts"]] + [(p, "ko") for p in CARD["example_prompts_ko"]]
    )
    # each page's default is one of the runs, by index
    assert ex[manifest["default_example"]["en"]] == ex[0] and ex[0]["prompt"] == CARD["default_prompt"]
    default_ko = ex[manifest["default_example"]["ko"]]
    assert (default_ko["prompt"], default_ko["lang"]) == (CARD["default_prompt_ko"], "ko")
    lm = load(resolve(str(ckpt)))
    paths = [e["trace"]["path"] for e in ex]
    assert len(set(paths)) == len(paths)  # every example its own file
    for e in ex:
        ids = lm.tokenizer.encode(e["prompt"])
        assert e["ids"] == ids
        ref = trace_ids(lm.model, ids)
        tr = read_trace(model_dir / e["trace"]["path"], e["trace"]["tensors"])
        # at the precision the file keeps (examples.ENCODINGS; test_examples.py checks it exactly)
        np.testing.assert_allclose(tr["logits"], ref["logits"], rtol=0, atol=1e-2)
        np.testing.assert_array_equal(tr["attn_probs"], ref["attn_probs"])
        probs = np.exp(ref["logits"][-1].astype(np.float64) - ref["logits"][-1].max())
        probs /= probs.sum()
        want = np.argsort(-probs)[: len(e["top"])]
        assert [r["id"] for r in e["top"]] == want.tolist()
        np.testing.assert_allclose([r["prob"] for r in e["top"]], probs[want], rtol=1e-4)
        assert e["tokens"] == [lm.tokenizer.decode([i]) for i in ids]
    # Hangul takes more tokens than characters with GPT-2's byte-level BPE (what the note says)
    ko = ex[len(CARD["example_prompts"])]
    assert len(ko["ids"]) > len(ko["prompt"])


def test_default_ko_gets_its_own_run_and_generic_prompts_have_korean():
    from txbuild.site import prompts_for

    class LM:
        card = {"default_prompt": "a", "default_prompt_ko": "가나", "example_prompts_ko": ["다라"]}

    p = prompts_for(LM)
    assert p["default_ko"] == "가나" and p["examples_ko"] == ["가나", "다라"]
    assert example_runs(p) == [("a", "en"), ("가나", "ko"), ("다라", "ko")]
    assert "examples_ko" not in prompts_for(type("LM", (), {"card": {"default_prompt": "a"}}))
    assert GENERIC_PROMPTS["examples_ko"] and all(
        any("\uac00" <= c <= "\ud7a3" for c in s) for s in GENERIC_PROMPTS["examples_ko"]
    )
    assert [lang for _, lang in example_runs(GENERIC_PROMPTS)][-1] == "ko"


@pytest.mark.parametrize(
    "card, message",
    [
        ({"default_prompt": "a", "example_prompts_ko": []}, "'example_prompts_ko' is empty"),
        ({"default_prompt": "a", "example_prompts_ko": "가나"}, "'example_prompts_ko' must be a list"),
        ({"default_prompt": "a", "example_prompts_ko": ["가", " "]}, "every prompt must be a non-empty string"),
        ({"default_prompt": "a", "example_prompts_ko": ["가", 3]}, "every prompt must be a non-empty string"),
        ({"default_prompt": "a", "default_prompt_ko": 1}, "'default_prompt_ko' must be a str"),
        ({"default_prompt": "a", "default_prompt_ko": ""}, "every prompt must be a non-empty string"),
        ({"default_prompt_ko": "가나"}, "'default_prompt_ko' needs a 'default_prompt'"),
    ],
)
def test_bad_korean_fields_are_refused(tmp_path, card, message):
    (tmp_path / "txbuild.json").write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    from txbuild.sources import _read_card

    with pytest.raises(ModelError, match=message.replace("(", r"\(")):
        _read_card(tmp_path)


def test_the_bundled_card_has_korean_examples():
    from pathlib import Path

    from txbuild.sources import _read_card

    card = _read_card(Path(__file__).resolve().parents[1] / "models" / "gpt2-shakespeare")
    # Korean examples first on the Korean page; its default stays the English prompt the article
    # is written about (with a Korean default every article figure would redraw for Korean)
    assert len(card["example_prompts_ko"]) >= 2 and "default_prompt_ko" not in card


def test_the_english_default_is_the_first_run():
    """The article is written about examples[0] (and reads its trace): the card's default goes
    first wherever the card lists it, and gets a run where it lists it not at all."""
    from txbuild.site import prompts_for

    class LM:
        card = {"default_prompt": "b", "example_prompts": ["a", "b"]}

    assert prompts_for(LM)["examples"] == ["b", "a"]
    LM.card = {"default_prompt": "c", "example_prompts": ["a"]}
    assert prompts_for(LM)["examples"] == ["c", "a"]
