"""The model card says what the run's own metrics say: corpus, licence, reproduce command."""

from __future__ import annotations

import json
import shlex
from dataclasses import asdict
from pathlib import Path

from txbuild.train.card import NOT_REPRODUCED, render
from txbuild.train.cli import train
from txbuild.train.config import TrainConfig

REPO = Path(__file__).resolve().parents[1]


def metrics(cfg: TrainConfig, about: dict | None = None) -> dict:
    corpus = {
        "sources": [{"file": "fortunes.txt", "bytes": 10, "sha256": "0"}],
        "heldout_fraction": 0.05,
        "distinct_train_tokens": 900,
    }
    if about is not None:
        corpus["about"] = about
    return {
        "config": asdict(cfg),
        "argv": ["txbuild", "train"],
        "parameters": 1234,
        "device": "cpu",
        "torch": "2",
        "train_tokens": 4000,
        "heldout_tokens": 200,
        "corpus": corpus,
        "steps_planned": 30,
        "steps_done": 30,
        "tokens_seen": 9000,
        "epochs_seen": 2.25,
        "best_step": 30,
        "wall_time_s": 5.0,
        "tokens_per_s": 1800.0,
        "history": [{"step": 30}],
    }


def test_a_card_for_another_corpus_does_not_claim_shakespeare(tmp_path):
    cfg = TrainConfig(output=str(tmp_path / "fortunes"), corpus_args=["--corpus", "fortunes.txt"])
    card = render(metrics(cfg), tmp_path / "fortunes", train.params)
    for word in ("Shakespeare", "Milton", "shakespeare", "public domain", "cc0", "bundled default"):
        assert word not in card, word
    assert "license: other" in card and "Licence: **not recorded**" in card
    assert "1 plain-text file " in card and "plain-text files" not in card and "Files: fortunes." in card
    # a corpus under a million tokens is counted, not "0.0 million"
    assert "about 4,000 tokens of it" in card and "A corpus of 4,000 tokens" in card and "million" not in card


def test_the_corpus_describes_itself_in_the_card(tmp_path):
    about = {
        "summary": "Debian's fortune cookies",
        "licence": "BSD-3-Clause",
        "license_id": "bsd-3-clause",
        "tags": ["fortunes"],
        "style": "aphorisms",
    }
    cfg = TrainConfig(output=str(tmp_path / "f"), corpus_args=["--corpus", "fortunes.txt"])
    card = render(metrics(cfg, about), tmp_path / "f", train.params)
    assert "on Debian's fortune cookies." in card and "Licence: **BSD-3-Clause**" in card
    assert "license: bsd-3-clause" in card and "tags: [gpt2, fortunes, from-scratch, txbuild]" in card
    assert "the model writes aphorisms" in card


def test_the_bundled_card_is_its_metrics_rendered():
    folder = REPO / "models" / "gpt2-shakespeare"
    m = json.loads((folder / "metrics.json").read_text())
    assert render(m, folder, train.params) == (folder / "README.md").read_text(encoding="utf-8")


def test_the_reproduce_command_parses_back_to_the_same_config(tmp_path):
    """Every option that shapes the weights, set away from its default, survives the round trip."""
    cfg = TrainConfig(
        layers=3,
        heads=2,
        width=48,
        context=40,
        dropout=0.25,
        attn_dropout=0.0,
        position_init="sinusoidal",
        batch_size=5,
        lr=2e-3,
        min_lr=3e-5,
        warmup=7,
        weight_decay=0.05,
        decay_embeddings=False,
        grad_clip=0.5,
        eval_every=11,
        eval_max_tokens=999,
        seed=42,
        epochs=3.0,
        output=str(tmp_path / "m"),
        corpus_args=["--corpus", "a b.txt"],
    )
    card = render(metrics(cfg), tmp_path / "m", train.params)
    block = card.split("```sh\n", 1)[1].split("```", 1)[0]
    command = next(line for line in block.replace("\\\n", " ").splitlines() if line.startswith("txbuild train"))
    args = shlex.split(command)[2:]
    ctx = train.make_context("train", args)
    params = ctx.params
    assert params["corpus"] == ("a b.txt",) and params["steps"] == 30 and params["epochs"] is None
    for name, value in asdict(cfg).items():
        if name in params and name not in NOT_REPRODUCED:
            assert params[name] == value, name
