"""The learning-rate schedule and its length (train/schedule.py), computed by hand here."""

from __future__ import annotations

import math

import pytest

from txbuild.train.schedule import lr_at, planned_steps, steps_within_budget


def test_warmup_is_linear_then_a_cosine_to_min_lr():
    lr, min_lr, warmup, total = 1e-3, 1e-4, 10, 110
    assert [lr_at(s, total, lr, min_lr, warmup) for s in (0, 4, 9)] == pytest.approx([1e-4, 5e-4, 1e-3])
    assert lr_at(10, total, lr, min_lr, warmup) == pytest.approx(lr)  # the cosine starts at the peak
    assert lr_at(60, total, lr, min_lr, warmup) == pytest.approx((lr + min_lr) / 2)  # half way
    assert lr_at(35, total, lr, min_lr, warmup) == pytest.approx(
        min_lr + (lr - min_lr) * (1 + math.cos(math.pi / 4)) / 2
    )
    assert lr_at(110, total, lr, min_lr, warmup) == pytest.approx(min_lr)
    assert lr_at(500, total, lr, min_lr, warmup) == pytest.approx(min_lr)  # past the end: stays at min_lr
    rates = [lr_at(s, total, lr, min_lr, warmup) for s in range(10, 111)]
    assert all(a >= b for a, b in zip(rates, rates[1:]))


def test_the_schedule_length_comes_from_steps_or_epochs():
    assert planned_steps(40, 3.0, 1000, 100) == 40  # --steps wins
    assert planned_steps(None, 2.5, 1000, 300) == 9  # ceil(2.5 * 1000 / 300)
    assert planned_steps(None, 0.001, 1000, 300) == 1
    assert planned_steps(None, None, 1000, 300) is None  # a time budget decides


def test_a_time_budget_fits_steps_and_their_evaluations():
    # 10 ms a step, a 1 s evaluation every 100 steps: 20 ms a step in all; 10 s left -> 500 more
    assert steps_within_budget(50, 10.0, 0.01, 1.0, 100) == 550
    assert steps_within_budget(50, 0.0, 0.01, 1.0, 100) == 51  # always one more step
