"""Every model-conditional sentence of the article is true for the model it was built with (issue 20, item 4).

Four models: a random GPT-2-small-shaped one (in memory, as if loaded from a folder named
"g2s" with no card), a random tiny one (a folder without txbuild.json), a barely trained one
(a few steps of `txbuild train` on the reference text itself, so the reference overlaps its
corpus) and the bundled model. The article is rendered with the build's own stages (no export);
each sentence is checked against a condition this file computes again from the model, its
folder and Hugging Face's forward, not from the article's facts."""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from conftest import make_checkpoint, tokenizer_dir
from test_article import Page, fake_fonts
from txbuild import REPO_ROOT
from txbuild.article import PageContext, render_pages
from txbuild.article.modelfacts import REFERENCE, measure_model, reference_windows
from txbuild.examples import lens_tops
from txbuild.site import prompts_for
from txbuild.sources import LoadedModel, ModelSource, encode, load, resolve
from txbuild.stages import top_tokens
from txbuild.trace import trace_ids

BUNDLED = REPO_ROOT / "models" / "gpt2-shakespeare"
GPT2_SMALL = {"n_layer": 12, "n_head": 12, "n_embd": 768, "n_ctx": 1024, "vocab_size": 50257}
GPT2_SMALL_PARAMS = 124_439_808
MARGIN = 0.5  # nats below ln V that a trained model must reach (the issue: "a small margin")


# --- building the article for one LoadedModel ------------------------------------------------


def page_model(lm) -> dict:
    cfg, src, card = lm.model.config, lm.source, lm.card
    return {
        "id": src.id,
        "name": card.get("name", src.ref if src.kind == "hub" else src.id),
        "trained": bool(card["trained"]),
        "description": card.get("description", {}),
        "title": card.get("title", {}),
        "reader_name": card.get("reader_name", {}),
        "build_note": {},
        "source": src.as_dict(),
        "n_layer": cfg.n_layer,
        "n_head": cfg.n_head,
        "n_embd": cfg.n_embd,
        "head_dim": cfg.n_embd // cfg.n_head,
        "vocab_size": cfg.vocab_size,
        "n_ctx": cfg.n_positions,
        "n_params": sum(p.numel() for p in lm.model.parameters()),
    }


def render(lm, out: Path) -> dict[str, str]:
    prompts = prompts_for(lm)
    ids = encode(lm.tokenizer, prompts["default"])
    tr = trace_ids(lm.model, ids)
    example = {
        "prompt": prompts["default"],
        "ids": ids,
        "tokens": [lm.tokenizer.decode([i]) for i in ids],
        "top": top_tokens(lm.tokenizer, tr["logits"]),
    }
    ctx = PageContext(
        out_dir=out,
        model=page_model(lm),
        manifest_href=f"model/{lm.source.id}/manifest.json",
        assets={},
        example=example,
        trace=tr,
        lens=lens_tops(lm, tr),
        measured=measure_model(lm, prompts["examples"]),
    )
    ctx.fonts_dir = fake_fonts(out.parent)
    assert render_pages(ctx) == []
    return {lang: (out / lang / "index.html").read_text(encoding="utf-8") for lang in ("en", "ko")}


# --- the conditions, computed here -----------------------------------------------------------


@torch.no_grad()
def reference_run(lm) -> tuple[float, np.ndarray, float]:
    """One HF forward over the reference windows the build uses: the mean next-token loss, each
    head's mean weight on the previous token (rows i >= 2), and what even spreading gives."""
    wins, source = reference_windows(lm.tokenizer, [], lm.model.config.n_positions)
    assert source == "heldout"
    x = torch.tensor(wins)
    out = lm.model(input_ids=x, output_attentions=True)
    loss = float(torch.nn.functional.cross_entropy(out.logits[:, :-1].flatten(0, 1), x[:, 1:].flatten()))
    att = torch.stack(out.attentions).double()  # (L, B, H, T, T)
    i = torch.arange(2, x.shape[1])
    prev = att[:, :, :, i, i - 1].mean(dim=(1, 3)).numpy()  # windows are equal length: a plain mean
    uniform = float(np.mean([1 / (k + 1) for k in range(2, x.shape[1])]))
    return loss, prev, uniform


def expected_trained(loss: float, lm, card: dict) -> bool:
    if "trained" in card:
        return bool(card["trained"])
    return loss < math.log(lm.model.config.vocab_size) - MARGIN


@torch.no_grad()
def temperature_truth(lm) -> tuple[int, bool]:
    """How many tokens gain probability from T = 1 to T = 0.5 for the default prompt, and
    whether the runner-up does."""
    ids = encode(lm.tokenizer, prompts_for(lm)["default"])
    z = lm.model(input_ids=torch.tensor([ids])).logits[0, -1].double()
    p1, p05 = torch.softmax(z, -1), torch.softmax(z / 0.5, -1)
    second = int(torch.topk(z, 2).indices[1])
    return int((p05 > p1).sum()), bool(p05[second] > p1[second])


def reference_relation(folder: Path | None) -> str:
    metrics = (folder / "metrics.json") if folder else None
    if not metrics or not metrics.exists():
        return "unknown"
    m = json.loads(metrics.read_text())
    ref = hashlib.sha256(REFERENCE.read_bytes()).hexdigest()
    if ref in {s["sha256"] for s in m["corpus"]["sources"]}:
        return "overlap"
    return "heldout" if m["corpus"].get("heldout_sha256") == ref else "unknown"


def card_of(folder: Path) -> dict:
    """What the folder's txbuild.json says ({} without one)."""
    f = folder / "txbuild.json"
    return json.loads(f.read_text()) if f.exists() else {}


def spans(html: str, cls: str, attr: str) -> list[tuple[str, str]]:
    """(attribute value, inner text) of every <span class=cls attr=...>…</span>."""
    found = re.findall(rf'<span class="{cls}" {attr}="([^"]*)"[^>]*>(.*?)</span>', html, re.S)
    return [(v, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", t))) for v, t in found]


def prose(html: str) -> str:
    """The visible text, with the spaces that element boundaries add before punctuation removed."""
    return re.sub(r"\s+([:;,.)])", r"\1", Page(html).prose)


# --- the checks ------------------------------------------------------------------------------


def check_article(pages: dict[str, str], lm, folder: Path | None, card: dict, *, name_from_folder: bool = False):
    loss, prev, uniform = reference_run(lm)
    trained = expected_trained(loss, lm, card)
    measured = "trained" not in card
    model = page_model(lm)
    same = all(model[k] == v for k, v in GPT2_SMALL.items()) and model["n_params"] == GPT2_SMALL_PARAMS
    size = "same" if same else "smaller" if model["n_params"] < GPT2_SMALL_PARAMS else "larger"
    n_gain, second_rises = temperature_truth(lm)
    relation = reference_relation(folder)
    metrics = (
        json.loads((folder / "metrics.json").read_text()) if folder and (folder / "metrics.json").exists() else None
    )
    ratio = prev.max() / uniform

    for lang, html in pages.items():
        text = prose(html)
        # trained or not, on the first screen and in the article
        fit = spans(html, "claim-fit", "data-fit")
        assert {v for v, _ in fit} == ({"trained"} if trained else {"untrained"}), (lang, fit)
        note = re.search(r'<aside class="model-note([^"]*)">(.*?)</aside>', html, re.S)
        assert ("untrained" in note.group(1)) == (not trained)
        if not trained and measured:
            assert f"{loss:.2f}" in note.group(2), (lang, loss, note.group(2))
        if lang == "en":
            assert ("Every weight in the figures above was learned" in text) == trained
            assert ("Nobody told the model which words are alike" in text) == trained
            assert ("It is untrained: its weights are random" in text) == (not trained and not measured)
        # the size sentence
        assert [v for v, _ in spans(html, "claim-size", "data-size")] == [size], lang
        if lang == "en":
            assert ("The original GPT-2 small is larger" in text) == (size == "smaller")
            # a size equal to GPT-2 small's is printed once
            assert not re.search(r"\b([\d,]+) in GPT-2 small, \1 in the model on this page", text)
            assert not re.search(r"\b(\d+) here, \1 in GPT-2 small", text)
            assert not re.search(r"1,024 × 768 in GPT-2 small, 1,024 × 768 here", text)
        # temperature: the real rule, and rises/falls from the data
        ((gain, temp_text),) = spans(html, "claim-temp", "data-gain")
        assert int(gain) == n_gain, (lang, gain, n_gain)
        assert f"{n_gain:,}" in temp_text
        if lang == "en":
            assert ("rises" if second_rises else "falls") in temp_text
            assert "probability-weighted mean logit" in text and "even the runner-up" not in text
        else:
            assert ("오릅니다" if second_rises else "떨어집니다") in temp_text
        # the reference text, named for what it is, flagged when the model trained on it
        ((ref, ref_text),) = spans(html, "claim-ref", "data-ref")
        assert ref == relation, (lang, ref, relation)
        if lang == "en":
            assert "Shakespeare" in ref_text and "Milton" in ref_text
            assert ("never saw them in training" in ref_text) == (relation == "heldout")
            assert ("was trained on some of this text" in ref_text) == (relation == "overlap")
            assert "that the bundled model never saw" not in text
        # "N times what even spreading would give" only when N >= 1.5
        ratios = spans(html, "claim-ratio", "data-ratio")
        if trained and prev.max() <= 0.5:
            ((r, r_text),) = ratios
            assert float(r) == pytest.approx(ratio, abs=2e-3)
            if lang == "en":
                assert ("times what even spreading would give" in r_text) == (ratio >= 1.5)
                assert ("no more than even spreading" in r_text) == (ratio < 1)
        else:
            assert ratios == []
        if lang == "en":
            assert ("a model this small, trained this briefly" in text) == (
                trained and prev.max() <= 0.5 and metrics is not None
            )
        # the training chapter: this model's run, or no record
        record = spans(html, "claim-record", "data-record")
        assert "published checkpoint" not in text and "공개된 체크포인트" not in text  # no hub model here
        if metrics is None:
            assert [v for v, _ in record] == (["none"] if trained or measured else [])
            if lang == "en":
                assert "The model on this page was trained with AdamW" not in text
        else:
            assert record == []
            check_run(html, text, lang, metrics)
        if lang == "en":
            assert "The bundled model was trained with AdamW" not in text
    title = re.search(r"<title>(.*?)</title>", pages["en"], re.S).group(1)
    if name_from_folder:
        assert lm.source.id not in title, title


def check_run(html: str, text: str, lang: str, m: dict) -> None:
    """The training chapter against metrics.json, read here."""
    c = m["config"]
    steps, warmup, lr = m["steps_done"], c["warmup"], c["lr"]
    ((done, lr_text),) = spans(html, "claim-lr", "data-warmup-done")
    assert done == ("yes" if steps >= warmup else "no")
    if steps >= warmup:
        assert f"{lr:g}" in lr_text
        if lang == "en":
            assert f"warmed up over {warmup:,} step{'' if warmup == 1 else 's'} to {lr:g}" in lr_text
            if m["steps_done"] >= m["steps_planned"]:
                assert f"to {c['min_lr']:g}" in lr_text
    else:
        reached = lr * steps / warmup  # linear warm-up: step s (from 0) runs at lr * (s + 1) / warmup
        assert f"{reached:.2g}" in lr_text
        if lang == "en":
            assert "never reached its peak" in lr_text and "warmed up to" not in text
    files = len(m["corpus"]["sources"])
    if lang == "en":
        assert f"from {files} {'file' if files == 1 else 'files'}." in text
        assert "The model on this page was trained with AdamW" in text
    q = m.get("quality") or {}
    if q.get("unigram_loss") is not None:
        ((beats, _),) = spans(html, "claim-unigram", "data-beats")
        assert beats == ("yes" if q["unigram_loss"] > q["heldout_loss"] else "no")


# --- the four models -------------------------------------------------------------------------


def test_a_random_gpt2_small_shaped_model(tmp_path):
    """As the audit built it: GPT-2 small's config, random weights, a folder "g2s" without a card."""
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

    from txbuild.article.modelfacts import judge_trained

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config()).eval()
    model.set_attn_implementation("eager")
    tok = GPT2TokenizerFast.from_pretrained(str(tokenizer_dir()))
    fit = judge_trained(model, tok, {})
    lm = LoadedModel(ModelSource("folder", str(tmp_path / "g2s"), "g2s"), model, tok, "0", {**fit, "fit": fit})
    assert fit["by"] == "measured" and not fit["trained"]
    pages = render(lm, tmp_path / "site")
    check_article(pages, lm, None, {}, name_from_folder=True)
    assert "These are the sizes of the original GPT-2 small" in prose(pages["en"])


def test_a_random_tiny_model_without_a_card(tmp_path):
    folder = make_checkpoint(tmp_path / "tiny", n_layer=2, n_head=4, n_embd=64, n_positions=128, seed=3)
    lm = load(resolve(str(folder)))
    assert lm.card["trained"] is False and lm.card["fit"]["by"] == "measured"  # was assumed trained
    check_article(render(lm, tmp_path / "site"), lm, folder, {}, name_from_folder=True)


def test_a_tiny_model_the_card_calls_untrained(tmp_path):
    folder = make_checkpoint(tmp_path / "tiny", n_layer=2, n_head=4, n_embd=64, n_positions=128, seed=4)
    (folder / "txbuild.json").write_text(json.dumps({"trained": False}))
    lm = load(resolve(str(folder)))
    assert lm.card["fit"]["by"] == "card"
    check_article(render(lm, tmp_path / "site"), lm, folder, {"trained": False}, name_from_folder=True)


def test_a_barely_trained_model(tmp_path):
    """A few steps of `txbuild train` on the reference text itself: still near ln V, its warm-up
    unfinished, one training file, and the reference text overlapping its corpus."""
    from txbuild.train.cli import train

    folder = tmp_path / "barely"
    args = ["--corpus", str(REFERENCE), "--layers", "1", "--heads", "2", "--width", "32", "--context", "32"]
    args += ["--batch-size", "4", "--warmup", "50", "--steps", "3", "--eval-every", "10", "--threads", "1"]
    args += ["--prev-token-windows", "0", "--state-file", "", "--output", str(folder)]
    result = CliRunner().invoke(train, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lm = load(resolve(str(folder)))
    check_article(render(lm, tmp_path / "site"), lm, folder, {}, name_from_folder=True)


def test_the_bundled_model(tmp_path):
    lm = load(resolve("bundled"))
    card = json.loads((BUNDLED / "txbuild.json").read_text())
    pages = render(lm, tmp_path / "site")
    check_article(pages, lm, BUNDLED, card)
    assert "Inside a small GPT-2 trained on Shakespeare" in re.search(r"<title>(.*?)</title>", pages["en"]).group(1)
