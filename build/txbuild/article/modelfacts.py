"""Facts the article needs from the model itself, not only from the default prompt's trace.

    measure(hf, tokenizer, prompts, folder) -> {"heads": ..., "neighbours": ..., "training": ...}

- heads: how every head attends over a reference text longer than one prompt (the held-out
  text the build ships, else the example prompts together). Positions 0 and 1 are left out:
  at position 1 the previous token *is* the first one, so a first-token habit would count as
  a previous-token one there.
- neighbours: the nearest tokens of a few words in the token-embedding matrix (cosine).
- training: the checkpoint's own training run (metrics.json), when it has one.
- fit: whether the model is trained, and how that is known: the card's word, else its mean
  next-token loss on the reference text against ln V, a uniform guess (`reference_loss`).
- reference: what the reference text is to this model: held out from its training, part of
  its training text, or neither that the build can tell (`reference_relation`).

The article words a claim ("head 3 of layer 2 is a previous-token head") only when these
numbers satisfy the claim's stated condition (see `conditions`); tests recompute them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from txbuild import resources

from ..numerics import top_k

REFERENCE = resources.heldout_path()  # package data (txbuild/data/heldout.txt), else the checkout's
WINDOW = 256  # tokens per reference window (at most the context length)
WINDOWS = 2
SINK_BAR = 0.5  # mean weight on the first token, more than: an attention sink
NEIGHBOUR_WORDS = (" king", " love", " night", " three")
# A model whose loss on the reference text is within this many nats of ln V (a uniform guess
# over the vocabulary) has learned next to nothing: the build treats it as untrained.
UNTRAINED_MARGIN = 0.5


def _prev_token_bar() -> float:
    from txbuild.train import PREV_TOKEN_BAR

    return float(PREV_TOKEN_BAR)


def reference_windows(tokenizer, prompts: list[str], n_ctx: int) -> tuple[list[list[int]], str]:
    """Token windows of the reference text and what it is ("heldout" or "prompts")."""
    w = min(WINDOW, n_ctx)
    if REFERENCE.exists():
        ids = tokenizer.encode(REFERENCE.read_text(encoding="utf-8")[:200_000])
        wins = [ids[i * w : (i + 1) * w] for i in range(WINDOWS) if len(ids) >= (i + 1) * w]
        if wins:
            return wins, "heldout"
    ids = tokenizer.encode("\n".join(prompts))[:w]
    return [ids], "prompts"


def reference_loss(hf, tokenizer) -> dict:
    """The model's mean next-token loss (nats) on the reference text's first windows, with ln V
    and the margin below which it counts as trained. Cheap: WINDOWS forwards of WINDOW tokens."""
    import torch
    import torch.nn.functional as F

    w = min(WINDOW, int(hf.config.n_positions))
    text = REFERENCE.read_text(encoding="utf-8")[:20_000] if REFERENCE.exists() else ""
    ids = tokenizer.encode(text)
    wins = [ids[i * w : (i + 1) * w] for i in range(WINDOWS) if len(ids) >= (i + 1) * w]
    uniform = float(np.log(hf.config.vocab_size))
    if not wins:
        return {"loss": None, "tokens": 0, "uniform": uniform, "margin": UNTRAINED_MARGIN}
    x = torch.tensor(wins)
    with torch.no_grad():
        logits = hf(input_ids=x, use_cache=False).logits.float()  # (B, T, V)
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)), x[:, 1:].reshape(-1))
    return {"loss": float(loss), "tokens": int(x[:, 1:].numel()), "uniform": uniform, "margin": UNTRAINED_MARGIN}


def judge_trained(hf, tokenizer, card: dict) -> dict:
    """Whether the model is trained: the card's `trained` when it says, else measured (a
    reference loss more than UNTRAINED_MARGIN below ln V). {"trained", "by", "loss", "uniform",
    "margin", "tokens"}; "loss" is None without a reference text."""
    m = reference_loss(hf, tokenizer)  # measured either way: the article quotes it
    if "trained" in card:
        return {"trained": bool(card["trained"]), "by": "card", **m}
    if m["loss"] is None:  # no reference text: nothing to measure with, keep the old assumption
        return {"trained": True, "by": "assumed", **m}
    return {"trained": m["loss"] < m["uniform"] - m["margin"], "by": "measured", **m}


def _sha256(path: Path) -> str | None:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def reference_relation(folder: Path | None) -> str:
    """What the reference text is to the model in `folder`, from its metrics.json:
    "heldout" (its own held-out text: never trained on), "overlap" (a training file is the
    reference text, or one of the files it was cut from), or "unknown"."""
    if folder is None or not (Path(folder) / "metrics.json").exists():
        return "unknown"
    m = json.loads((Path(folder) / "metrics.json").read_text(encoding="utf-8"))
    corpus = m.get("corpus") or {}
    ref = _sha256(REFERENCE)
    own = {s.get("sha256") for s in corpus.get("sources") or []}
    if ref and ref in own:
        return "overlap"
    held = {corpus.get("heldout_sha256"), (m.get("quality") or {}).get("heldout_sha256")}
    if ref and ref in held:
        return "heldout"
    # the files the reference text was cut from (the bundled model's corpus): training on one
    # of them whole means training on its tail, which is in the reference text
    bundled = resources.bundled_model_dir() / "metrics.json"
    if bundled.exists():
        b = json.loads(bundled.read_text(encoding="utf-8")).get("corpus") or {}
        if b.get("heldout_sha256") == ref and own & {s.get("sha256") for s in b.get("sources") or []}:
            return "overlap"
    return "unknown"


def head_scores(attn: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, int]:
    """Mean weight on the previous and on the first token, (L, H) each, over positions i >= 2
    of every window; attn is one [L, H, T, T] array per window. Also the positions counted."""
    prev, first, n = 0.0, 0.0, 0
    for a in attn:
        a = np.asarray(a, dtype=np.float64)
        T = a.shape[-1]
        if T < 3:
            continue
        i = np.arange(2, T)
        prev = prev + a[:, :, i, i - 1].sum(-1)
        first = first + a[:, :, i, 0].sum(-1)
        n += T - 2
    if n == 0:
        L, H = np.asarray(attn[0]).shape[:2]
        return np.zeros((L, H)), np.zeros((L, H)), 0
    return prev / n, first / n, n


def uniform_baseline(attn: list[np.ndarray]) -> float:
    """What a head spreading its weight evenly would give any one key, averaged the same way."""
    vals = [1.0 / (i + 1) for a in attn for i in range(2, np.asarray(a).shape[-1])]
    return float(np.mean(vals)) if vals else 0.0


def _best(m: np.ndarray) -> dict:
    layer, head = np.unravel_index(int(np.argmax(m)), m.shape)
    return {"layer": int(layer) + 1, "head": int(head) + 1, "score": float(m[layer, head])}


def summarize_heads(attn: list[np.ndarray], source: str) -> dict:
    prev, first, n = head_scores(attn)
    bar = _prev_token_bar()
    best_prev, best_first = _best(prev), _best(first)
    out = {
        "source": source,
        "positions": n,
        "tokens": int(sum(np.asarray(a).shape[-1] for a in attn)),
        "bar": bar,
        "sink_bar": SINK_BAR,
        "uniform": uniform_baseline(attn),
        "n_heads": int(prev.size),
        "best_prev": best_prev,
        "best_first": best_first,
        "prev_head": best_prev if best_prev["score"] > bar else None,
        "sink": best_first if best_first["score"] > SINK_BAR else None,
        "n_sinks": int((first > SINK_BAR).sum()),
        "n_prev": int((prev > bar).sum()),
        "mean_first": float(first.mean()),
        "prev": prev.round(4).tolist(),
        "first": first.round(4).tolist(),
    }
    # The head the article and its attention figures show: the previous-token head if there is
    # one, else the strongest sink, else the head that looks most at the previous token anyway.
    shown = out["prev_head"] or out["sink"] or best_prev
    out["shown"] = {
        **shown,
        "prev": float(prev[shown["layer"] - 1, shown["head"] - 1]),
        "first": float(first[shown["layer"] - 1, shown["head"] - 1]),
    }
    return out


def neighbours(wte: np.ndarray, tokenizer, words=NEIGHBOUR_WORDS, k: int = 5) -> list[dict]:
    """Nearest tokens by cosine similarity of token-embedding rows, for words that are one token."""
    e = np.asarray(wte, dtype=np.float64)
    e = e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)
    out = []
    for w in words:
        ids = tokenizer.encode(w)
        if len(ids) != 1:
            continue
        sims = e @ e[ids[0]]
        sims[ids[0]] = -np.inf
        top = top_k(sims, k)
        out.append(
            {
                "token": w,
                "id": ids[0],
                "near": [{"token": tokenizer.decode([int(i)]), "id": int(i), "cos": float(sims[i])} for i in top],
            }
        )
    return out


def training_run(folder: Path | None) -> dict | None:
    """The checkpoint's training run, from its metrics.json (txbuild train writes it)."""
    if folder is None or not (Path(folder) / "metrics.json").exists():
        return None
    m = json.loads((Path(folder) / "metrics.json").read_text(encoding="utf-8"))
    q = m.get("quality") or {}
    hist = [
        {
            "step": int(h["step"]),
            "heldout": float(h["heldout_loss"]),
            "train": None if h.get("train_loss") is None else float(h["train_loss"]),
        }
        for h in m.get("history", [])
        if h.get("heldout_loss") is not None
    ]
    if not hist:
        return None
    from txbuild.train.schedule import lr_at

    cfg = m.get("config") or {}
    steps = int(m.get("steps_done") or hist[-1]["step"])
    planned = int(m.get("steps_planned") or steps)
    lr, min_lr, warmup = float(cfg.get("lr") or 0), float(cfg.get("min_lr") or 0), int(cfg.get("warmup") or 0)
    corpus = m.get("corpus") or {}
    # how often the run measured its held-out loss: the commonest gap between its measurements
    gaps = [b["step"] - a["step"] for a, b in zip(hist, hist[1:])]
    return {
        "steps": steps,
        "steps_planned": planned,
        "warmup": warmup,
        "warmup_done": steps >= warmup,  # the learning rate reached its peak
        "min_lr": min_lr,
        # the rate of the last step taken (lr_at counts steps from 0)
        "lr_last": float(lr_at(max(0, steps - 1), planned, lr, min_lr, warmup)) if steps else 0.0,
        "summary": str((corpus.get("about") or {}).get("summary") or ""),
        "tokens_seen": int(m.get("tokens_seen") or 0),
        "train_tokens": int(m.get("train_tokens") or 0),
        "files": len((m.get("corpus") or {}).get("sources") or []),
        "epochs": float(m.get("epochs_seen") or 0),
        "batch": int(cfg.get("batch_size") or 0),
        "context": int(cfg.get("context") or 0),
        "lr": float(cfg.get("lr") or 0),
        "heldout_loss": float(q.get("heldout_loss", m.get("best_heldout_loss_train_eval", hist[-1]["heldout"]))),
        "heldout_tokens": int(q.get("heldout_tokens") or m.get("heldout_tokens") or 0),
        # the unigram baseline on the same held-out text as the loss above
        "unigram_loss": (lambda u: None if u is None else float(u))(
            q.get("unigram_loss") if "heldout_loss" in q else m.get("unigram_loss")
        ),
        "first_loss": hist[0]["heldout"],
        "history": hist,
        "eval_every": max(gaps, key=gaps.count) if gaps else int(cfg.get("eval_every") or 0),
        "wall_time_s": float(m.get("wall_time_s") or 0),
    }


def measure(hf, tokenizer, prompts: list[str], folder: Path | None = None) -> dict:
    """Everything above for one loaded GPT2LMHeadModel (float32, eval)."""
    import torch

    from txbuild.trace import trace_ids

    n_ctx = int(hf.config.n_positions)
    wins, source = reference_windows(tokenizer, prompts, n_ctx)
    with torch.no_grad():
        attn = [trace_ids(hf, ids)["attn_probs"] for ids in wins]
    wte = hf.transformer.wte.weight.detach().float().numpy()
    return {
        "heads": summarize_heads(attn, source),
        "neighbours": neighbours(wte, tokenizer),
        "training": training_run(folder),
        "reference": reference_relation(folder) if source == "heldout" else "none",
    }


def measure_model(lm, prompts: list[str]) -> dict:
    """measure() for a txbuild.sources.LoadedModel (the build's hook), with the load's
    judgement of whether the model is trained (sources.load: lm.card["fit"])."""
    folder = Path(lm.source.ref) if lm.source.kind in ("bundled", "folder") else None
    out = measure(lm.model, lm.tokenizer, prompts, folder)
    out["fit"] = lm.card.get("fit") or judge_trained(lm.model, lm.tokenizer, lm.card)
    return out
