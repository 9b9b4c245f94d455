"""The few numeric routines the build repeats: softmax, GPT-2's GELU, top-k and the top-p cut.

Written once here for every build-time user (verify, stages, the article's facts and figures,
the demo context); web/src/numerics.js is the same set for the browser. The traced model's own
torch.softmax (trace.py) is the model, not one of these.
"""

from __future__ import annotations

import math

import numpy as np


def softmax(x, temperature: float = 1.0, axis: int = -1) -> np.ndarray:
    """softmax(x / temperature) along `axis`, in float64, max-subtracted; -inf entries give 0."""
    z = np.asarray(x, dtype=np.float64) / temperature
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def gelu(x) -> np.ndarray:
    """GELU as GPT-2 computes it ("gelu_new", the tanh approximation)."""
    x = np.asarray(x, dtype=np.float64)
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def top_k(x, k: int) -> np.ndarray:
    """Indices of the k largest values along the last axis, largest first; ties keep the lower index
    first (as web/src/numerics.js' topK and sampling's rank order do)."""
    return np.argsort(-np.asarray(x, dtype=np.float64), axis=-1, kind="stable")[..., :k]


def top_p_count(probs, p: float) -> int:
    """How many tokens top-p (nucleus) sampling keeps: the smallest number of the most probable
    tokens whose probabilities add up to at least p (at least one, at most all of them)."""
    cum = np.cumsum(np.sort(np.asarray(probs, dtype=np.float64))[::-1])
    return int(min(np.searchsorted(cum, p) + 1, cum.size))
