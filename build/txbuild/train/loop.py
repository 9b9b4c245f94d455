"""Train a GPT2LMHeadModel from scratch on a token stream (nanoGPT-style loop).

Batches are random windows of the training stream, drawn by a seeded CPU generator, so a
run is deterministic for a seed on CPU (on CUDA, up to floating-point nondeterminism of the
kernels). The learning rate warms up linearly, then follows a cosine down to `min_lr`
(schedule.py). The held-out loss is measured every `eval_every` steps; the weights with the
lowest held-out loss are the ones saved (checkpoint.py: fp16 safetensors, a normal Hugging
Face folder).

With a time budget, the loop times a few steps on a copy of the model before the first real
one, then sets the schedule's length and its warm-up so both end inside the budget (the run
is then exactly the one `--steps N --warmup W` would run); N and W are recorded for the card
and its reproduce command.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import checkpoint
from .checkpoint import log
from .config import TrainConfig, TrainError
from .corpus import Corpus, unigram_cross_entropy
from .evaluate import best_previous_token_head, evaluate
from .model import count_params, make_model, param_groups, pick_device
from .schedule import fit_to_budget, lr_at, planned_steps


@dataclass
class RunState:
    """What a run carries from step to step; the resume state saves all of it."""

    step: int = 0
    total_steps: int = 10**9  # a time budget alone fixes it after calibration
    best_loss: float = math.inf
    best_step: int = -1
    best_state: dict | None = None  # the kept weights (CPU)
    history: list[dict] = field(default_factory=list)  # one entry per evaluation
    trained_s_before: float = 0.0  # training seconds of earlier sessions
    warmup: int | None = None  # the warm-up a time budget fitted (None: cfg.warmup)


@dataclass
class Session:
    """This session's clocks and pending writes."""

    start_step: int
    t0: float = field(default_factory=time.time)
    eval_total: float = 0.0  # seconds spent evaluating (not training throughput)
    last_eval: float = 0.0  # seconds the last evaluation took
    last_save: float = 0.0
    last_state: float = field(default_factory=time.time)
    dirty: bool = False  # a best not yet written
    train_loss: float | None = None  # mean training loss over the last logging interval

    def trained_s(self, st: RunState) -> float:
        return st.trained_s_before + time.time() - self.t0


class Run:
    """One training run: the model, its optimiser, its data and its RunState."""

    def __init__(self, cfg: TrainConfig, corpus: Corpus):
        self.cfg, self.corpus = cfg, corpus
        self.device = pick_device(cfg.device)
        self.autocast = self.device.type == "cuda"
        torch.manual_seed(cfg.seed)
        self.model = make_model(cfg).to(self.device)
        self.n_params = count_params(self.model)
        self.train_ids = torch.from_numpy(corpus.train_ids.astype(np.int64)).to(self.device)
        self.n_train = self.train_ids.numel()
        self.tokens_per_step = cfg.batch_size * cfg.context
        if self.n_train <= cfg.context + 1:
            raise TrainError(
                f"the training text has {self.n_train} tokens, fewer than one window of --context {cfg.context}; "
                "give more text or a smaller --context"
            )
        total = planned_steps(cfg.steps, cfg.epochs, self.n_train, self.tokens_per_step)
        assert total is not None or cfg.time_budget, "give --steps, --epochs or --time-budget"
        self.opt = torch.optim.AdamW(
            param_groups(self.model, cfg),
            lr=cfg.lr,
            betas=(0.9, cfg.beta2),
            eps=1e-8,
            **({"fused": True} if self.device.type == "cuda" else {}),
        )
        self.gen = torch.Generator().manual_seed(cfg.seed)
        self.state = RunState(**({} if total is None else {"total_steps": total}))
        self.state_path = checkpoint.resume_path(cfg)
        if cfg.resume and self.state_path and self.state_path.exists():
            saved = checkpoint.load_resume(self.state_path, self.model, self.opt, self.gen, self.device)
            self.state = RunState(**saved)
            if self.state.warmup is not None:  # a fitted schedule goes on as it was fitted
                cfg.warmup = self.state.warmup
            log(f"resumed from {self.state_path} at step {self.state.step}/{self.state.total_steps}")

    def batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        T, B = self.cfg.context, self.cfg.batch_size
        ix = torch.randint(self.n_train - T - 1, (B,), generator=self.gen)
        win = self.train_ids[(ix[:, None] + torch.arange(T + 1)[None, :]).to(self.device)]
        return win[:, :-1], win[:, 1:]

    def train_step(self, lr: float) -> torch.Tensor:
        for g in self.opt.param_groups:
            g["lr"] = lr
        x, y = self.batch()
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.autocast):
            logits = self.model(input_ids=x, use_cache=False).logits  # (B, T, V)
        loss = F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1))
        loss.backward()
        if self.cfg.grad_clip:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.grad_clip)
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)
        return loss.detach()

    def held_out(self) -> tuple[float, dict | None]:
        """Held-out loss, and the best previous-token head when asked for."""
        cfg, held = self.cfg, self.corpus.heldout_ids
        loss = evaluate(self.model, held, cfg.context, self.device, cfg.eval_max_tokens, autocast=self.autocast)
        prev = None
        if cfg.prev_token_windows and len(held) > cfg.context:
            prev = best_previous_token_head(self.model, held, cfg.prev_token_windows, self.device)
        return loss, prev

    def metrics(self, ses: Session, final: bool) -> dict:
        cfg, st, dev = self.cfg, self.state, self.device
        return {
            "config": {k: v for k, v in asdict(cfg).items() if k != "argv"},
            "argv": cfg.argv,
            "parameters": self.n_params,
            "device": str(dev) + (f" ({torch.cuda.get_device_name(dev)})" if dev.type == "cuda" else ""),
            "torch": torch.__version__,
            "train_tokens": self.n_train,
            "heldout_tokens": int(len(self.corpus.heldout_ids)),
            # the baseline the held-out loss must beat: each token at its training-text frequency
            "unigram_loss": round(unigram_cross_entropy(self.corpus.train_ids, self.corpus.heldout_ids[1:]), 4),
            "corpus": self.corpus.meta,
            "steps_planned": st.total_steps,
            "steps_done": st.step,
            "tokens_seen": st.step * self.tokens_per_step,
            "epochs_seen": round(st.step * self.tokens_per_step / self.n_train, 3),
            "best_step": st.best_step,
            "best_heldout_loss_train_eval": st.best_loss,
            "best_prev_token": next((h.get("prev_token") for h in st.history if h["step"] == st.best_step), None),
            "wall_time_s": round(ses.trained_s(st), 1),
            "tokens_per_s": round(
                (st.step - ses.start_step) * self.tokens_per_step / max(1e-9, time.time() - ses.t0 - ses.eval_total), 1
            ),
            "eval_time_s": round(ses.eval_total, 1),
            "final": final,
            "history": st.history,
        }

    def save_resume(self, ses: Session) -> None:
        if self.state_path:
            saved = {**asdict(self.state), "trained_s_before": ses.trained_s(self.state)}
            checkpoint.save_resume(self.state_path, self.model, self.opt, self.gen, self.device, saved, self.cfg)

    def evaluate_and_keep(self, ses: Session) -> None:
        """Measure the held-out loss; keep the weights if they are the best so far; write the
        checkpoint and the resume state when their intervals have passed."""
        st, cfg = self.state, self.cfg
        t0 = time.time()
        loss, prev = self.held_out()
        ses.last_eval = time.time() - t0
        ses.eval_total += ses.last_eval
        st.history.append(
            {
                "step": st.step,
                "heldout_loss": round(loss, 5),
                "train_loss": None if ses.train_loss is None else round(ses.train_loss, 5),
                "time_s": round(ses.trained_s(st), 1),
                **({"prev_token": prev} if prev else {}),
            }
        )
        if loss < st.best_loss:
            st.best_loss, st.best_step, ses.dirty = loss, st.step, True
            st.best_state = {k: v.detach().to("cpu", copy=True) for k, v in self.model.state_dict().items()}
        log(
            f"eval step {st.step}: held-out loss {loss:.4f} (best {st.best_loss:.4f} at step {st.best_step})"
            + (f"; previous-token head L{prev['layer']}H{prev['head']} {prev['score']:.3f}" if prev else "")
            + f" [{ses.last_eval:.1f}s]"
        )
        if ses.dirty and time.time() - ses.last_save >= cfg.save_min_interval:
            checkpoint.save_checkpoint(st.best_state, cfg, Path(cfg.output), self.metrics(ses, final=False))
            ses.last_save, ses.dirty = time.time(), False
        if time.time() - ses.last_state >= checkpoint.STATE_EVERY_S:
            self.save_resume(ses)
            ses.last_state = time.time()


def time_steps(run: Run, n: int = 3, within_s: float = math.inf) -> float:
    """Seconds one training step takes, timed on a copy of the model and optimiser, so the run
    itself is the one `--steps N` would run: its weights, optimiser state, batches and random
    numbers are untouched. One step first, not counted (its start-up cost, the optimiser's
    state and the thread pool, can be twice a step's), then up to `n` timed steps, fewer once
    `within_s` seconds are spent (at least one)."""
    import copy

    cfg, dev = run.cfg, run.device
    rng = torch.get_rng_state()
    cuda_rng = torch.cuda.get_rng_state(dev) if dev.type == "cuda" else None
    twin = copy.copy(run)
    twin.model = copy.deepcopy(run.model)
    twin.opt = torch.optim.AdamW(param_groups(twin.model, cfg), lr=cfg.lr, betas=(0.9, cfg.beta2))
    twin.gen = torch.Generator().manual_seed(cfg.seed + 1)
    twin.model.train()
    try:
        start = time.perf_counter()
        twin.train_step(cfg.lr)  # not timed
        if dev.type == "cuda":
            torch.cuda.synchronize()
        t0, done = time.perf_counter(), 0
        while done < n and (done == 0 or time.perf_counter() - start < within_s):
            twin.train_step(cfg.lr)
            if dev.type == "cuda":
                torch.cuda.synchronize()
            done += 1
        return (time.perf_counter() - t0) / done
    finally:
        torch.set_rng_state(rng)
        if cuda_rng is not None:
            torch.cuda.set_rng_state(cuda_rng, dev)


def fit_schedule(run: Run, ses: Session) -> dict | None:
    """With --time-budget on a fresh run: time the steps, then set the schedule's length and its
    warm-up so both end inside the budget (the first evaluation has run: its time counts too).
    The fitted numbers replace cfg.steps/cfg.warmup, so the card and its reproduce command state
    the schedule that ran. Returns what was measured and chosen, for metrics.json."""
    cfg, st = run.cfg, run.state
    if not cfg.time_budget or st.step != 0:
        return None
    per_step = time_steps(run, within_s=TIMING_SHARE * cfg.time_budget)
    planned = None if st.total_steps == 10**9 else st.total_steps
    left = cfg.time_budget * BUDGET_SHARE - ses.trained_s(st)
    total, warmup = fit_to_budget(planned, cfg.warmup, left, per_step, ses.last_eval, cfg.eval_every)
    fitted = {
        "budget_s": cfg.time_budget,
        "per_step_s": round(per_step, 4),
        "eval_s": round(ses.last_eval, 2),
        "steps": total,
        "first_steps": total,  # `steps` may change once, at the end of the warm-up
        "warmup": warmup,
        "asked_warmup": cfg.warmup,
        "asked_steps": planned,
    }
    st.total_steps, st.warmup, cfg.warmup = total, warmup, warmup
    log(
        f"time budget {cfg.time_budget:.0f}s: {per_step * 1000:.1f} ms/step, eval {ses.last_eval:.1f}s "
        f"-> {total} steps, warm-up {warmup}"
    )
    return fitted


def refit_schedule(run: Run, ses: Session, fitted: dict | None, t1: float, eval_at_1: float) -> None:
    """At the end of the fitted warm-up, before the cosine begins (so the run stays the one
    `--steps N --warmup W` runs), set N again from the real steps' time since step 1: the
    machine may have sped up or slowed down since the timing on the copy."""
    cfg, st = run.cfg, run.state
    if not fitted or st.step != cfg.warmup or st.step < 3 or st.step >= st.total_steps:
        return
    per_step = (time.time() - t1 - (ses.eval_total - eval_at_1)) / (st.step - 1)
    left = cfg.time_budget * BUDGET_SHARE - ses.trained_s(st)
    total = st.step + fit_to_budget(None, 1, left, per_step, ses.last_eval, cfg.eval_every)[0]
    if fitted["asked_steps"] is not None:
        total = min(total, fitted["asked_steps"])
    fitted.update(refit_at=st.step, refit_per_step_s=round(per_step, 4), steps=total)
    if total != st.total_steps:
        log(f"time budget: {per_step * 1000:.1f} ms/step over the warm-up -> {total} steps")
    st.total_steps = total


BUDGET_SHARE = 0.95  # of --time-budget planned for steps and evaluations (saving takes the rest)
TIMING_SHARE = 0.03  # of --time-budget the step timing may take (it always times one step)


def train(cfg: TrainConfig, corpus: Corpus) -> dict:
    """Run the training; returns the metrics dict (also written to <output>/metrics.json)."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    run = Run(cfg, corpus)
    if run.device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    st = run.state
    log(
        f"model: {cfg.layers} layers x {cfg.heads} heads x {cfg.width} wide, context {cfg.context}, "
        f"{run.n_params:,} parameters; device {run.device}" + (" (bf16 autocast)" if run.autocast else "")
    )
    log(
        f"data: {run.n_train:,} training tokens, {len(corpus.heldout_ids):,} held-out tokens; "
        f"{run.tokens_per_step:,} tokens/step = {run.n_train / run.tokens_per_step:.1f} steps/epoch"
    )

    run.model.train()
    ses = Session(start_step=st.step)
    stopped_by_budget = False
    if st.step == 0:
        run.evaluate_and_keep(ses)
    fitted = fit_schedule(run, ses)
    t1, eval_at_1 = time.time(), ses.eval_total
    t_log, tokens_since_log = time.time(), 0
    loss_sum, loss_n = torch.zeros((), device=run.device), 0
    session_end = st.step + cfg.stop_after if cfg.stop_after else math.inf
    while st.step < min(st.total_steps, session_end):  # total_steps may change once (refit_schedule)
        if cfg.time_budget and ses.trained_s(st) > cfg.time_budget:
            stopped_by_budget = True
            log(f"time budget of {cfg.time_budget:.0f}s reached at step {st.step}")
            break
        lr = lr_at(st.step, st.total_steps, cfg.lr, cfg.min_lr, cfg.warmup)
        loss_sum += run.train_step(lr)
        loss_n += 1
        st.step += 1
        tokens_since_log += run.tokens_per_step
        if st.step == 1:  # the warm-up's real step time counts from here (refit_schedule)
            t1, eval_at_1 = time.time(), ses.eval_total
        refit_schedule(run, ses, fitted, t1, eval_at_1)
        if st.step % cfg.log_every == 0 or st.step == st.total_steps:
            now = time.time()
            ses.train_loss = loss_sum.item() / loss_n
            log(
                f"step {st.step}/{st.total_steps} | epoch {st.step * run.tokens_per_step / run.n_train:.2f} | "
                f"loss {ses.train_loss:.4f} | lr {lr:.2e} | {tokens_since_log / max(1e-9, now - t_log):,.0f} tok/s | "
                f"{ses.trained_s(st):.0f}s"
            )
            loss_sum.zero_()
            loss_n, tokens_since_log, t_log = 0, 0, time.time()
        if st.step % cfg.eval_every == 0 or st.step == st.total_steps:
            run.evaluate_and_keep(ses)
            t_log = time.time()  # evaluation time is not training throughput

    if not st.history or st.history[-1]["step"] != st.step:
        run.evaluate_and_keep(ses)
    m = run.metrics(ses, final=True)
    m["stopped_by_time_budget"] = stopped_by_budget
    m["schedule_trimmed"] = bool(fitted)
    if fitted:
        m["schedule_fit"] = fitted
    checkpoint.save_checkpoint(st.best_state, cfg, Path(cfg.output), m)
    run.save_resume(ses)
    log(
        f"done: {st.step} steps in {m['wall_time_s']:.0f}s; best held-out loss {st.best_loss:.4f} "
        f"at step {st.best_step}; saved to {cfg.output}"
    )
    return m
