"""`txbuild train --time-budget S`: the schedule and its warm-up fit the budget, and the card
states the run that happened (issue 20, item 5).

The run's length depends on the machine's speed, so the checks are relations between the
recorded numbers (the measured step time, the fitted schedule, the steps run, the card's
figures), never a wall-clock limit; and the fitted run is shown to be exactly the one its
card's reproduce command runs."""

from __future__ import annotations

import json
import math
import re
import shlex
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from safetensors.torch import load_file

from txbuild.article.modelfacts import REFERENCE
from txbuild.train.card import read_card_metrics
from txbuild.train.cli import train
from txbuild.train.schedule import WARMUP_SHARE, fit_to_budget, lr_at

TINY = ["--layers", "1", "--heads", "2", "--width", "32", "--context", "32", "--batch-size", "4"]
TINY += ["--eval-every", "20", "--log-every", "20", "--threads", "1", "--prev-token-windows", "0", "--seed", "5"]


def run_train(args: list[str]) -> None:
    result = CliRunner().invoke(train, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    f = tmp_path_factory.mktemp("corpus") / "plays.txt"
    f.write_text(REFERENCE.read_text(encoding="utf-8")[:30000], encoding="utf-8")
    return f


def test_fit_to_budget_fits_steps_evaluations_and_warmup():
    for seconds, per_step, eval_s, every, warmup, planned in [
        (300, 0.9, 4.0, 100, 200, None),  # the README recipe's shape: 200 warm-up steps asked
        (2.0, 0.05, 0.3, 10, 200, None),
        (60, 0.01, 0.5, 50, 20, 400),  # --steps 400 fits: kept, warm-up kept
        (60, 0.5, 0.5, 50, 20, 400),  # --steps 400 does not fit: cut
        (0.0, 0.1, 1.0, 10, 200, None),
    ]:
        steps, w = fit_to_budget(planned, warmup, seconds, per_step, eval_s, every)
        assert steps >= 1 and 1 <= w <= steps
        if steps > 1:  # at least one step always runs; beyond that, steps and evaluations fit
            assert steps * per_step + math.floor(steps / every) * eval_s <= seconds + 1e-9
        if planned is not None and planned * per_step + planned // every * eval_s <= seconds:
            assert (steps, w) == (planned, warmup)
        else:
            assert w <= max(1, round(WARMUP_SHARE * steps)), (steps, w)
            # the learning rate reaches its peak inside the schedule
            assert lr_at(w - 1, steps, 1e-3, 1e-4, w) == pytest.approx(1e-3)


BUDGET = 5  # seconds: a few dozen steps of the tiny model here, at least one on a loaded machine


def test_a_time_budget_run_and_its_card(tmp_path, corpus):
    out = tmp_path / "budget"
    run_train(["--corpus", str(corpus), *TINY, "--time-budget", str(BUDGET), "--state-file", "", "--output", str(out)])
    m = json.loads((out / "metrics.json").read_text())
    fit, c = m["schedule_fit"], m["config"]
    # the schedule fits the budget by the step time measured before training
    assert m["steps_planned"] == fit["steps"] and c["warmup"] == fit["warmup"] <= fit["steps"]
    first = fit["first_steps"]
    assert fit["asked_warmup"] == 200 and fit["warmup"] <= max(1, round(WARMUP_SHARE * first))
    if first > 1:
        spent = first * fit["per_step_s"] + first // c["eval_every"] * fit["eval_s"] + fit["eval_s"]
        assert spent <= BUDGET * 0.95 + 0.05  # the record rounds the step and evaluation times
    if "refit_at" in fit:  # timed again over the warm-up's real steps: the rest fits what was left
        assert fit["refit_at"] == fit["warmup"] and fit["steps"] >= fit["warmup"]
        rest = fit["steps"] - fit["refit_at"]
        assert rest <= 1 or rest * fit["refit_per_step_s"] <= BUDGET * 0.95 + 0.05
    assert m["steps_done"] == m["steps_planned"] or m["stopped_by_time_budget"]
    assert m["steps_planned"] < 10**9

    card = (out / "README.md").read_text()
    s = read_card_metrics(out)
    assert s["steps"] == m["steps_done"] and s["train_tokens"] == m["train_tokens"]
    assert f"| steps | {m['steps_done']:,} of a {m['steps_planned']:,}-step schedule" in card
    assert f"{c['warmup']:,} warm-up step{'' if c['warmup'] == 1 else 's'}," in card
    assert f"so {first:,} step{'' if first == 1 else 's'} with a {fit['warmup']:,}-step warm-up (of 200 asked)" in card
    assert "1 plain-text file " in card and "plain-text files" not in card
    assert f"about {m['train_tokens']:,} tokens of it" in card and "0.0 million" not in card

    # the card's reproduce command runs the same schedule: the same weights, bit for bit
    block = re.search(r"```sh\n(.*?)```", card.split("## Reproduce")[1], re.S).group(1)
    line = next(x for x in block.replace("\\\n", " ").splitlines() if x.startswith("txbuild train"))
    args = shlex.split(line)[2:]
    assert args[args.index("--steps") + 1] == str(m["steps_planned"])
    assert args[args.index("--warmup") + 1] == str(c["warmup"])
    again = tmp_path / "again"
    args[args.index("--output") + 1] = str(again)
    if m["steps_done"] < m["steps_planned"]:  # a slow machine: the budget ran out first, and the card says so
        assert "(the time budget ran out first)" in card
        args += ["--stop-after", str(m["steps_done"])]  # the same schedule, stopped where it stopped
    assert m["steps_done"] > 0, "not one step ran inside the budget"
    run_train([*args, "--threads", "1", "--state-file", ""])
    a, b = load_file(out / "model.safetensors"), load_file(again / "model.safetensors")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
