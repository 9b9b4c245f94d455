"""Train a GPT2LMHeadModel from scratch on a token stream (nanoGPT-style loop).

Batches are random windows of the training stream, drawn by a seeded CPU generator, so a
run is deterministic for a seed on CPU (on CUDA, up to floating-point nondeterminism of the
kernels). The learning rate warms up linearly, then follows a cosine down to `min_lr`.
The held-out loss is measured every `eval_every` steps; the weights with the lowest
held-out loss are the ones saved (fp16 safetensors, a normal Hugging Face folder).

With a time budget, the loop times its first steps and shortens the schedule (during the
warm-up, so the cosine it then runs is exactly the one `--steps N` would run) to end inside
the budget; `N` is recorded for the reproduce command.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .config import TrainConfig
from .corpus import EOT_ID, VOCAB_SIZE, Corpus, write_tokenizer


def log(msg: str) -> None:
    print(msg, flush=True)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda":
        assert torch.cuda.is_available(), "--device cuda, but torch sees no GPU"
    return torch.device(name)


def make_model(cfg: TrainConfig):
    from transformers import GPT2Config, GPT2LMHeadModel

    assert cfg.width % cfg.heads == 0, "width must be a multiple of heads"
    assert cfg.position_init in POSITION_INITS, f"position_init must be one of {POSITION_INITS}"
    attn_dropout = cfg.dropout if cfg.attn_dropout is None else cfg.attn_dropout
    config = GPT2Config(
        vocab_size=VOCAB_SIZE, n_positions=cfg.context, n_embd=cfg.width,
        n_layer=cfg.layers, n_head=cfg.heads, n_inner=None,
        resid_pdrop=cfg.dropout, embd_pdrop=cfg.dropout, attn_pdrop=attn_dropout,
        bos_token_id=EOT_ID, eos_token_id=EOT_ID, tie_word_embeddings=True,
    )
    model = GPT2LMHeadModel(config)
    if cfg.position_init == "sinusoidal":
        with torch.no_grad():
            model.transformer.wpe.weight.copy_(sinusoidal_positions(cfg.context, cfg.width))
    return model


POSITION_INITS = ("normal", "sinusoidal")


def sinusoidal_positions(context: int, width: int, std: float = 0.02) -> torch.Tensor:
    """(context, width) sines and cosines of geometrically spaced frequencies (Vaswani et al.,
    2017), scaled so each entry has GPT-2's initial standard deviation. The offset between two
    positions is then a rotation of each (sin, cos) pair, which attention can learn directly."""
    assert width % 2 == 0, "sinusoidal positions need an even width"
    pos = torch.arange(context, dtype=torch.float64)[:, None]
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, width, 2, dtype=torch.float64) / width)
    table = torch.zeros(context, width, dtype=torch.float64)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq)
    return (table * std * math.sqrt(2)).float()  # sin and cos have variance 1/2


def param_groups(model, cfg: TrainConfig) -> list[dict]:
    """AdamW groups: weight decay on matrices, and on the embeddings only if asked (decay
    pulls rarely-seen rows and the position table towards zero)."""
    embeddings = {id(model.transformer.wte.weight), id(model.transformer.wpe.weight)}
    decay, no_decay = [], []
    for p in model.parameters():
        skip = p.dim() < 2 or (not cfg.decay_embeddings and id(p) in embeddings)
        (no_decay if skip else decay).append(p)
    return [{"params": decay, "weight_decay": cfg.weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]


def lr_at(step: int, total: int, cfg: TrainConfig) -> float:
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    frac = min(1.0, (step - cfg.warmup) / max(1, total - cfg.warmup))
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * frac))


def heldout_windows(ids: np.ndarray, context: int, max_tokens: int | None = None):
    """Non-overlapping windows over the held-out stream: [(x, y)], x predicting y.
    Every token after the first is a target exactly once (the last window may be short)."""
    ids = np.asarray(ids, dtype=np.int64)
    if max_tokens is not None:
        ids = ids[: max_tokens + 1]
    out = []
    for start in range(0, len(ids) - 1, context):
        chunk = ids[start: start + context + 1]
        out.append((chunk[:-1], chunk[1:]))
    return out


@torch.no_grad()
def evaluate(model, ids: np.ndarray, context: int, device: torch.device,
             max_tokens: int | None = None, batch: int = 32, autocast: bool = False) -> float:
    """Mean cross-entropy (nats/token) of the model on the held-out stream."""
    was_training = model.training
    model.eval()
    windows = heldout_windows(ids, context, max_tokens)
    total, count = 0.0, 0
    for i in range(0, len(windows), batch):
        group = windows[i: i + batch]
        # group windows of equal length (only the last one can be shorter)
        for length in sorted({len(x) for x, _ in group}, reverse=True):
            sel = [(x, y) for x, y in group if len(x) == length]
            x = torch.from_numpy(np.stack([s[0] for s in sel])).to(device)
            y = torch.from_numpy(np.stack([s[1] for s in sel])).to(device)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
                logits = model(input_ids=x, use_cache=False).logits
            total += F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1),
                                     reduction="sum").item()
            count += y.numel()
    model.train(was_training)
    return total / count


@torch.no_grad()
def best_previous_token_head(model, ids: np.ndarray, windows: int,
                             device: torch.device) -> dict:
    """The head with the most attention on the previous token over the first `windows`
    held-out windows (the quality bar's measure, on fewer windows): layer, head, score."""
    from .quality import previous_token_scores

    was_training, impl = model.training, model.config._attn_implementation
    model.eval()
    model.set_attn_implementation("eager")  # the fused kernels return no weights
    try:
        scores, _ = previous_token_scores(model, ids, max_windows=windows, device=device)
    finally:
        model.set_attn_implementation(impl)
        model.train(was_training)
    layer, head = np.unravel_index(int(scores.argmax()), scores.shape)
    return {"layer": int(layer), "head": int(head), "score": round(float(scores.max()), 4)}


PROBE_IDS = [7454, 2068, 407, 616, 11, 198, 1870]  # a fixed input whose logits are recorded


@torch.no_grad()
def probe_logits(model) -> dict:
    """The last position's first 16 logits and the mean logit for PROBE_IDS (float32 CPU
    forward): a fingerprint that a reloaded checkpoint must reproduce."""
    model.eval()
    logits = model(input_ids=torch.tensor([PROBE_IDS]), use_cache=False).logits[0, -1].float()
    return {"input_ids": PROBE_IDS, "last_logits_head": [round(float(v), 5) for v in logits[:16]],
            "last_logits_mean": round(float(logits.mean()), 6)}


def save_checkpoint(state: dict, cfg: TrainConfig, out: Path, metrics: dict) -> None:
    """Write `state` (fp32, CPU) as an fp16 Hugging Face folder, atomically per file."""
    with torch.random.fork_rng(devices=[]):  # building a model draws from the global RNG
        model = make_model(cfg)
    model.load_state_dict({k: v.half().float() for k, v in state.items()})
    metrics = {**metrics, "probe": probe_logits(model)}
    model = model.half()
    if not (out / "vocab.json").exists():
        try:
            write_tokenizer(out, cfg.context)
        except Exception as e:  # the weights matter more; the tokenizer can be added later
            log(f"warning: could not write the tokenizer files: {e!r}")
    tmp = out / ".saving"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    out.mkdir(parents=True, exist_ok=True)
    for name in os.listdir(tmp):
        os.chmod(tmp / name, 0o644)
        os.replace(tmp / name, out / name)
    shutil.rmtree(tmp, ignore_errors=True)
    write_json(out / "metrics.json", metrics)


def write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(tmp, path)


def count_params(model) -> int:
    return sum(p.numel() for p in model.parameters())  # tied wte/lm_head counted once


def train(cfg: TrainConfig, corpus: Corpus) -> dict:
    """Run the training; returns the metrics dict (also written to <output>/metrics.json)."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    device = pick_device(cfg.device)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    autocast = device.type == "cuda"
    out = Path(cfg.output)
    state_path = (Path(".txbuild/train-state") / f"{out.name}.pt" if cfg.state_file is None
                  else Path(cfg.state_file) if cfg.state_file else None)

    torch.manual_seed(cfg.seed)
    model = make_model(cfg).to(device)
    n_params = count_params(model)
    train_ids = torch.from_numpy(corpus.train_ids.astype(np.int64)).to(device)
    n_train = train_ids.numel()
    T, B = cfg.context, cfg.batch_size
    assert n_train > T + 1, f"training stream ({n_train} tokens) shorter than one window"
    tokens_per_step = B * T
    if cfg.steps is not None:
        total_steps = cfg.steps
    elif cfg.epochs is not None:
        total_steps = max(1, math.ceil(cfg.epochs * n_train / tokens_per_step))
    else:
        assert cfg.time_budget, "give --steps, --epochs or --time-budget"
        total_steps = 10**9  # fixed by the calibration below

    opt = torch.optim.AdamW(
        param_groups(model, cfg),
        lr=cfg.lr, betas=(0.9, cfg.beta2), eps=1e-8,
        **({"fused": True} if device.type == "cuda" else {}),
    )
    gen = torch.Generator().manual_seed(cfg.seed)

    step, best_loss, best_step, best_state = 0, float("inf"), -1, None
    history: list[dict] = []
    trained_s_before = 0.0
    if cfg.resume and state_path and state_path.exists():
        st = torch.load(state_path, map_location="cpu", weights_only=False)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["optimizer"])
        gen.set_state(st["generator"])
        torch.set_rng_state(st["torch_rng"])
        if device.type == "cuda" and st.get("cuda_rng") is not None:
            torch.cuda.set_rng_state(st["cuda_rng"])
        step, total_steps = st["step"], st["total_steps"]
        best_loss, best_step, best_state = st["best_loss"], st["best_step"], st["best_state"]
        history, trained_s_before = st["history"], st["trained_s"]
        log(f"resumed from {state_path} at step {step}/{total_steps}")

    log(f"model: {cfg.layers} layers x {cfg.heads} heads x {cfg.width} wide, context {T}, "
        f"{n_params:,} parameters; device {device}"
        + (" (bf16 autocast)" if autocast else ""))
    log(f"data: {n_train:,} training tokens, {len(corpus.heldout_ids):,} held-out tokens; "
        f"{tokens_per_step:,} tokens/step = {n_train / tokens_per_step:.1f} steps/epoch")

    def get_batch():
        ix = torch.randint(n_train - T - 1, (B,), generator=gen)
        offs = torch.arange(T + 1)
        win = train_ids[(ix[:, None] + offs[None, :]).to(device)]
        return win[:, :-1], win[:, 1:]

    def run_eval() -> float:
        return evaluate(model, corpus.heldout_ids, T, device, cfg.eval_max_tokens,
                        autocast=autocast)

    def run_prev_token() -> dict | None:
        if not cfg.prev_token_windows or len(corpus.heldout_ids) <= T:
            return None
        return best_previous_token_head(model, corpus.heldout_ids, cfg.prev_token_windows,
                                        device)

    def metrics(final: bool) -> dict:
        return {
            "config": {k: v for k, v in asdict(cfg).items() if k not in ("argv",)},
            "argv": cfg.argv,
            "parameters": n_params,
            "device": str(device) + (f" ({torch.cuda.get_device_name(device)})"
                                     if device.type == "cuda" else ""),
            "torch": torch.__version__,
            "train_tokens": n_train,
            "heldout_tokens": int(len(corpus.heldout_ids)),
            "corpus": corpus.meta,
            "steps_planned": total_steps,
            "steps_done": step,
            "tokens_seen": step * tokens_per_step,
            "epochs_seen": round(step * tokens_per_step / n_train, 3),
            "best_step": best_step,
            "best_heldout_loss_train_eval": best_loss,
            "best_prev_token": next((h.get("prev_token") for h in history
                                     if h["step"] == best_step), None),
            "wall_time_s": round(trained_s_before + time.time() - t_loop, 1),
            "tokens_per_s": round((step - start_step) * tokens_per_step
                                  / max(1e-9, time.time() - t_loop - eval_total), 1),
            "eval_time_s": round(eval_total, 1),
            "final": final,
            "history": history,
        }

    def save_state() -> None:
        if not state_path:
            return
        state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = state_path.with_name(state_path.name + ".tmp")
        torch.save({
            "model": model.state_dict(), "optimizer": opt.state_dict(),
            "generator": gen.get_state(), "torch_rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state() if device.type == "cuda" else None,
            "step": step, "total_steps": total_steps, "best_loss": best_loss,
            "best_step": best_step, "best_state": best_state, "history": history,
            "trained_s": trained_s_before + time.time() - t_loop, "config": asdict(cfg),
        }, tmp)
        os.replace(tmp, state_path)

    model.train()
    t_loop = time.time()
    t_log, tokens_since_log, loss_sum, loss_n = t_loop, 0, torch.zeros((), device=device), 0
    train_loss, start_step = None, step
    last_save, last_state = 0.0, time.time()
    eval_time, eval_total = 0.0, 0.0
    calib_at = max(5, min(50, cfg.warmup)) if cfg.time_budget and step == 0 else -1
    calib_from = 10 if calib_at > 20 else 1  # skip the first, slow steps when timing
    t_calib, eval_at_calib = t_loop, 0.0
    stopped_by_budget = schedule_trimmed = False
    dirty = False  # a best not yet written

    def maybe_eval(force_save: bool = False) -> None:
        nonlocal best_loss, best_step, best_state, eval_time, eval_total, last_save, dirty
        nonlocal last_state
        t0 = time.time()
        loss = run_eval()
        prev = run_prev_token()
        eval_time = time.time() - t0
        eval_total += eval_time
        history.append({"step": step, "heldout_loss": round(loss, 5),
                        "train_loss": None if train_loss is None else round(train_loss, 5),
                        "time_s": round(trained_s_before + time.time() - t_loop, 1),
                        **({"prev_token": prev} if prev else {})})
        if loss < best_loss:
            best_loss, best_step, dirty = loss, step, True
            best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        log(f"eval step {step}: held-out loss {loss:.4f} (best {best_loss:.4f} at step "
            f"{best_step})"
            + (f"; previous-token head L{prev['layer']}H{prev['head']} {prev['score']:.3f}"
               if prev else "") + f" [{eval_time:.1f}s]")
        if dirty and (force_save or time.time() - last_save >= cfg.save_min_interval):
            save_checkpoint(best_state, cfg, out, metrics(final=False))
            last_save, dirty = time.time(), False
        if time.time() - last_state >= cfg.state_every:
            save_state()
            last_state = time.time()

    if step == 0:
        maybe_eval()
    session_end = step + cfg.stop_after if cfg.stop_after else total_steps
    while step < min(total_steps, session_end):
        if cfg.time_budget and trained_s_before + time.time() - t_loop > cfg.time_budget:
            stopped_by_budget = True
            log(f"time budget of {cfg.time_budget:.0f}s reached at step {step}")
            break
        lr = lr_at(step, total_steps, cfg)
        for g in opt.param_groups:
            g["lr"] = lr
        x, y = get_batch()
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
            logits = model(input_ids=x, use_cache=False).logits  # (B, T, V)
        loss = F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1))
        loss.backward()
        if cfg.grad_clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss_sum += loss.detach()
        loss_n += 1
        step += 1
        tokens_since_log += tokens_per_step

        if step == calib_from and calib_at > 0:
            if device.type == "cuda":
                torch.cuda.synchronize()
            t_calib, eval_at_calib = time.time(), eval_total
        if step == calib_at and step < total_steps:
            # Time the steps so far; fit the rest of the schedule (and its evals) in the budget.
            if device.type == "cuda":
                torch.cuda.synchronize()
            spent = trained_s_before + time.time() - t_loop
            per_step = (time.time() - t_calib - (eval_total - eval_at_calib)) / (step - calib_from)
            left = cfg.time_budget * 0.97 - spent
            # steps s.t. s*per_step + (s/eval_every)*eval_time <= left
            fit = int(left / (per_step + eval_time / cfg.eval_every))
            if step + fit < total_steps:
                total_steps = max(step + 1, step + fit)
                schedule_trimmed = True
                log(f"time budget {cfg.time_budget:.0f}s: {per_step * 1000:.1f} ms/step, "
                    f"eval {eval_time:.1f}s -> schedule set to {total_steps} steps")

        if step % cfg.log_every == 0 or step == total_steps:
            now = time.time()
            train_loss = loss_sum.item() / loss_n
            rate = tokens_since_log / max(1e-9, now - t_log)
            log(f"step {step}/{total_steps} | epoch {step * tokens_per_step / n_train:.2f} | "
                f"loss {train_loss:.4f} | lr {lr:.2e} | {rate:,.0f} tok/s | "
                f"{trained_s_before + now - t_loop:.0f}s")
            loss_sum.zero_()
            loss_n, tokens_since_log = 0, 0
            t_log = time.time()
        if step % cfg.eval_every == 0 or step == total_steps:
            maybe_eval()
            t_log = time.time()  # evaluation time is not training throughput

    if not history or history[-1]["step"] != step:
        maybe_eval()
    m = metrics(final=True)
    m["stopped_by_time_budget"] = stopped_by_budget
    m["schedule_trimmed"] = schedule_trimmed
    save_checkpoint(best_state, cfg, out, m)
    save_state()
    log(f"done: {step} steps in {m['wall_time_s']:.0f}s; best held-out loss {best_loss:.4f} "
        f"at step {best_step}; saved to {out}")
    return m
