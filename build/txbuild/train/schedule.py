"""The learning-rate schedule and the schedule's length: pure functions of numbers."""

from __future__ import annotations

import math


def lr_at(step: int, total: int, lr: float, min_lr: float, warmup: int) -> float:
    """Linear warm-up over `warmup` steps to `lr`, then a cosine down to `min_lr` at `total`."""
    if step < warmup:
        return lr * (step + 1) / warmup
    frac = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * frac))


def planned_steps(steps: int | None, epochs: float | None, train_tokens: int, tokens_per_step: int) -> int | None:
    """The schedule's length from --steps or --epochs; None when only a time budget fixes it."""
    if steps is not None:
        return steps
    if epochs is not None:
        return max(1, math.ceil(epochs * train_tokens / tokens_per_step))
    return None


def steps_within_budget(step: int, seconds_left: float, per_step_s: float, eval_s: float, eval_every: int) -> int:
    """The schedule's total length so that the remaining steps and their evaluations fit in
    `seconds_left`: s steps cost s * per_step_s + (s / eval_every) * eval_s. At least one more step."""
    fit = int(seconds_left / (per_step_s + eval_s / eval_every))
    return max(step + 1, step + fit)


WARMUP_SHARE = 0.1  # a schedule fitted to a time budget warms up over at most this share of it


def fit_to_budget(
    planned: int | None, warmup: int, seconds: float, per_step_s: float, eval_s: float, eval_every: int
) -> tuple[int, int]:
    """(steps, warmup) for a run that has `seconds` left at step 0, a step costing `per_step_s`
    and an evaluation `eval_s` every `eval_every` steps: as many steps as fit (no more than
    `planned`, when --steps or --epochs gave one), and a warm-up that ends inside them."""
    steps = steps_within_budget(0, seconds, per_step_s, eval_s, eval_every)
    if planned is not None:
        steps = min(steps, planned)
    if steps < (planned or steps + 1):  # the budget cut the schedule: the warm-up follows it
        warmup = min(warmup, max(1, round(WARMUP_SHARE * steps)))
    return steps, min(warmup, steps)
