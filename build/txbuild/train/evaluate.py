"""The held-out measures the loop takes at each evaluation (and quality.py takes on CPU)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def heldout_windows(ids: np.ndarray, context: int, max_tokens: int | None = None):
    """Non-overlapping windows over the held-out stream: [(x, y)], x predicting y.
    Every token after the first is a target exactly once (the last window may be short)."""
    ids = np.asarray(ids, dtype=np.int64)
    if max_tokens is not None:
        ids = ids[: max_tokens + 1]
    out = []
    for start in range(0, len(ids) - 1, context):
        chunk = ids[start : start + context + 1]
        out.append((chunk[:-1], chunk[1:]))
    return out


@torch.no_grad()
def evaluate(
    model,
    ids: np.ndarray,
    context: int,
    device: torch.device,
    max_tokens: int | None = None,
    batch: int = 32,
    autocast: bool = False,
) -> float:
    """Mean cross-entropy (nats/token) of the model on the held-out stream."""
    was_training = model.training
    model.eval()
    windows = heldout_windows(ids, context, max_tokens)
    total, count = 0.0, 0
    for i in range(0, len(windows), batch):
        group = windows[i : i + batch]
        # group windows of equal length (only the last one can be shorter)
        for length in sorted({len(x) for x, _ in group}, reverse=True):
            sel = [(x, y) for x, y in group if len(x) == length]
            x = torch.from_numpy(np.stack([s[0] for s in sel])).to(device)
            y = torch.from_numpy(np.stack([s[1] for s in sel])).to(device)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=autocast):
                logits = model(input_ids=x, use_cache=False).logits
            total += F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1), reduction="sum").item()
            count += y.numel()
    model.train(was_training)
    return total / count


@torch.no_grad()
def previous_token_scores(
    model, ids: np.ndarray, max_windows: int = 64, device: torch.device | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two (L, H) arrays over positions i >= 1 of the first `max_windows` full held-out
    windows: the mean attention weight on position i-1, and how often i-1 is the key
    with the largest weight."""
    ctx = model.config.n_positions
    windows = [x for x, _ in heldout_windows(ids, ctx) if len(x) == ctx][:max_windows]
    assert windows, "held-out text shorter than one window"
    weight, top = 0, 0
    prev = torch.arange(ctx - 1, device=device)
    for i in range(0, len(windows), 8):
        x = torch.from_numpy(np.stack(windows[i : i + 8])).to(device)
        # the transformer without its LM head: the logits (B, T, 50,257) were 2/3 of the time
        att = model.transformer(input_ids=x, output_attentions=True, use_cache=False).attentions
        # each (B, H, T, T); the sub-diagonal holds the weight on the previous token
        weight = weight + torch.stack([a.diagonal(offset=-1, dim1=-2, dim2=-1).sum(dim=(0, 2)) for a in att])  # (L, H)
        top = top + torch.stack([(a[:, :, 1:].argmax(-1) == prev).sum(dim=(0, 2)) for a in att])  # (L, H)
    n = len(windows) * (ctx - 1)
    return (weight / n).float().cpu().numpy(), (top / n).float().cpu().numpy()


@torch.no_grad()
def best_previous_token_head(model, ids: np.ndarray, windows: int, device: torch.device) -> dict:
    """The head with the most attention on the previous token over the first `windows`
    held-out windows (the quality bar's measure, on fewer windows): layer, head, score."""
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
