"""Direct logit attribution: how much each part of the residual stream adds to one logit.

The residual stream at the last position is a sum of parts: the embedding (token + position)
and, for every block, the attention output and the MLP output. The final LayerNorm is linear
in each part once the final token's own scale sigma is held fixed:

    logit[tok] = sum_i ((c_i - mean(c_i)) / sigma * gamma) . W_U[tok]  +  beta . W_U[tok] (+ b[tok])

so each part's share, plus the bias term, sums exactly to the model's logit.

The browser holds no weights, but it has the logit-lens graph (ln_f + unembedding). For one
row c, lens(c) = (c - mean c) / sqrt(var c + eps) * gamma . W_U + lens(0), hence

    share(c) = (lens(c) - lens(0)) * sqrt(var c + eps) / sigma,   bias = lens(0)

`shares_via_lens` is that route (the one web/src/run/attribution.js computes with the lens graph);
the tests check it against `shares` and both against the model's logit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from transformers import GPT2LMHeadModel


def parts(tr: dict[str, np.ndarray], pos: int = -1) -> np.ndarray:
    """The residual stream's parts at `pos`: [embed, attn_0, mlp_0, attn_1, ...], shape (1 + 2L, C)."""
    L = tr["attn_out"].shape[0]
    rows = [tr["embed"][pos]]
    for i in range(L):
        rows += [tr["attn_out"][i, pos], tr["mlp_out"][i, pos]]
    return np.stack(rows).astype(np.float64)


def _unembed(hf: GPT2LMHeadModel, tok: int) -> tuple[np.ndarray, float]:
    w = hf.lm_head.weight[tok].detach().double().numpy()  # (C,)
    b = hf.lm_head.bias[tok].item() if getattr(hf.lm_head, "bias", None) is not None else 0.0
    return w, b


@torch.no_grad()
def shares(hf: GPT2LMHeadModel, tr: dict[str, np.ndarray], tok: int, pos: int = -1) -> dict:
    """The formula itself (float64): {"parts": (1 + 2L,), "bias": float, "sigma": float}."""
    ln = hf.transformer.ln_f
    gamma = ln.weight.detach().double().numpy()
    beta = ln.bias.detach().double().numpy()
    w, b = _unembed(hf, tok)
    p = parts(tr, pos)
    x = p.sum(axis=0)
    sigma = float(np.sqrt(x.var() + ln.eps))
    centred = p - p.mean(axis=1, keepdims=True)
    return {"parts": (centred / sigma * gamma) @ w, "bias": float(beta @ w + b), "sigma": sigma}


def shares_via_lens(lens: Callable[[np.ndarray], np.ndarray], p: np.ndarray, tok: int, eps: float = 1e-5) -> dict:
    """The same shares from a logit-lens function (rows (n, C) float32 -> logits (n, V))."""
    x = p.sum(axis=0)
    sigma = float(np.sqrt(x.var() + eps))
    rows = np.concatenate([p, np.zeros((1, p.shape[1]))]).astype(np.float32)
    out = np.asarray(lens(rows), dtype=np.float64)[:, tok]
    zero = float(out[-1])
    scale = np.sqrt(p.var(axis=1) + eps) / sigma
    return {"parts": (out[:-1] - zero) * scale, "bias": zero, "sigma": sigma}


def example_entry(hf: GPT2LMHeadModel, tr: dict[str, np.ndarray], tok: int) -> dict:
    """The manifest's attribution for an example trace: the page shows it before the model loads."""
    s = shares(hf, tr, tok)
    return {
        "token": int(tok),
        "parts": [float(v) for v in s["parts"]],
        "bias": s["bias"],
        "logit": float(tr["logits"][-1, tok]),
    }
