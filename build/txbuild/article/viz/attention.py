"""Attention figures for one layer and head of the default prompt.

    attention        the attention weights as a heatmap (query rows x key columns), values in the cells
    attention-steps  scaled scores QK^T/sqrt(d) -> causal mask -> softmax, side by side
    heads            every head of one layer as a thumbnail

Figure attributes `data-layer` / `data-head` are 1-based, as in the prose; without them the
head the article talks about is drawn (facts["heads"]["shown"]: a previous-token head if the
model has one, else its strongest first-token sink, else the head that looks most at the
previous token).
"""

from __future__ import annotations

import numpy as np

from ..facts import ATTENTION_WINDOW, prev_token_head
from .common import (
    MASK_PATTERN,
    Drawing,
    VizData,
    diverging,
    esc,
    fmt,
    ink_on,
    legend,
    rect,
    robust_limit,
    sequential,
    text,
    trunc,
)

MAX_T = ATTENTION_WINDOW  # more tokens than this: draw the last MAX_T


def pick(d: VizData, params: dict) -> tuple[int, int]:
    """(layer, head), 0-based."""
    L, H = d.model["n_layer"], d.model["n_head"]
    shown = (d.facts.get("heads") or {}).get("shown")
    pl, ph = (shown["layer"] - 1, shown["head"] - 1) if shown else prev_token_head(d.trace)[:2]
    layer = int(params["layer"]) - 1 if "layer" in params else pl
    head = int(params["head"]) - 1 if "head" in params else ph
    return min(max(layer, 0), L - 1), min(max(head, 0), H - 1)


def window(d: VizData) -> tuple[list[str], int]:
    toks = d.tokens
    start = max(0, len(toks) - MAX_T)
    return [trunc(t, 9) for t in toks[start:]], start


def matrix(x0, y0, m: np.ndarray, cell: float, colour, pid: str, values: bool = False, digits: int = 2) -> str:
    """A T x T matrix; -inf cells (the causal mask) are hatched."""
    parts = []
    T = m.shape[0]
    for i in range(T):
        for j in range(T):
            x, y = x0 + j * cell, y0 + i * cell
            v = m[i, j]
            if not np.isfinite(v):
                parts.append(rect(x, y, cell, cell, f"url(#{pid})"))
                continue
            fill = colour(v)
            parts.append(rect(x, y, cell, cell, fill))
            if values:
                s = f"{v:.{digits}f}".lstrip("0") if 0 <= v < 1 else f"{v:.{digits - 1}f}"
                parts.append(
                    f'<text x="{fmt(x + cell / 2)}" y="{fmt(y + cell * 0.62)}" font-size="{fmt(cell * 0.34)}" '
                    f'text-anchor="middle" fill="{ink_on(fill)}" class="num">{esc(s)}</text>'
                )
    parts.append(
        f'<rect x="{fmt(x0)}" y="{fmt(y0)}" width="{fmt(T * cell)}" height="{fmt(T * cell)}" class="cell-frame"/>'
    )
    return "".join(parts)


def labels(x0, y0, toks: list[str], cell: float, size: float, rows=True, cols=True) -> str:
    parts = []
    for i, t in enumerate(toks):
        if rows:
            parts.append(text(x0 - 6, y0 + i * cell + cell * 0.64, t, size, "end", "tok-label"))
        if cols:
            x = x0 + i * cell + cell * 0.62
            parts.append(
                f'<text x="{fmt(x)}" y="{fmt(y0 - 6)}" font-size="{fmt(size)}" fill="currentColor" class="tok-label" '
                f'transform="rotate(-55 {fmt(x)} {fmt(y0 - 6)})">{esc(t)}</text>'
            )
    return "".join(parts)


def draw(d: VizData, params: dict) -> Drawing:
    layer, head = pick(d, params)
    toks, start = window(d)
    T = len(toks)
    a = np.asarray(d.trace["attn_probs"][layer, head], dtype=np.float64)[start:, start:]
    a = np.where(np.triu(np.ones_like(a, dtype=bool), 1), -np.inf, a)
    cell = min(34.0, 420.0 / max(T, 1))
    left, top = 92.0, 80.0
    pid = "__FID__-mask"
    body = [MASK_PATTERN.format(pid=pid)]
    body.append(labels(left, top, toks, cell, 12))
    body.append(matrix(left, top, a, cell, lambda v: sequential(v), pid, values=T <= 12))
    body.append(text(left + T * cell / 2, top + T * cell + 20, d.s("fig_attn_keys"), 12, "middle", "muted"))
    body.append(
        f'<text x="16" y="{fmt(top + T * cell / 2)}" font-size="12" text-anchor="middle" fill="currentColor" '
        f'class="muted" transform="rotate(-90 16 {fmt(top + T * cell / 2)})">{esc(d.s("fig_attn_queries"))}</text>'
    )
    lg, lh = legend(left, top + T * cell + 34, min(240, T * cell), sequential, 0, 1, d.s("fig_attn_legend"))
    body.append(lg)
    width = left + T * cell + 24
    height = top + T * cell + 34 + lh + 4
    # rows i >= 2 only: in row 1 the previous token is the first one, and would count twice
    idx = np.arange(2, T)
    prev = float(np.mean(a[idx, idx - 1])) if T > 2 else 0.0
    first = float(np.mean(a[idx, 0])) if T > 2 else 1.0
    alt = d.s(
        "fig_attn_alt",
        layer=layer + 1,
        head=head + 1,
        T=T,
        prompt=d.example.get("prompt", ""),
        prev=f"{prev * 100:.0f}",
        first=f"{first * 100:.0f}",
    )
    note = d.s("fig_attn_note", layer=layer + 1, head=head + 1, L=d.model["n_layer"], H=d.model["n_head"])
    attrs = {"data-layer": layer + 1, "data-head": head + 1, "data-window": MAX_T, **prompt_ids(d)}
    return Drawing(max(width, 300), height, "".join(body), alt, note, attrs=attrs)


def prompt_ids(d: VizData) -> dict:
    """The ids of the prompt drawn, so the browser knows when a run shows something else."""
    ids = d.example.get("ids")
    return {"data-ids": ",".join(str(int(i)) for i in ids)} if ids is not None else {}


def draw_steps(d: VizData, params: dict) -> Drawing:
    layer, head = pick(d, params)
    toks, start = window(d)
    T = len(toks)
    q = np.asarray(d.trace["q"][layer, head], dtype=np.float64)[start:]
    k = np.asarray(d.trace["k"][layer, head], dtype=np.float64)[start:]
    # The trace keeps the scaled scores under the mask; the masked-out ones are recomputed from q, k.
    scores = q @ k.T / np.sqrt(q.shape[-1])
    traced = np.asarray(d.trace["attn_scores"][layer, head], dtype=np.float64)[start:, start:]
    scores = np.where(np.isfinite(traced), traced, scores)
    masked = np.where(np.triu(np.ones((T, T), dtype=bool), 1), -np.inf, scores)
    probs = np.asarray(d.trace["attn_probs"][layer, head], dtype=np.float64)[start:, start:]
    probs = np.where(np.isfinite(masked), probs, -np.inf)
    cell = max(14.0, min(20.0, 170.0 / max(T, 1)))  # labels of at least 11 px fit a 14 px row
    size = T * cell
    gap = 34.0
    left, top = 70.0, 86.0
    lim = robust_limit(scores)
    pid = "__FID__-mask"
    body = [MASK_PATTERN.format(pid=pid)]
    panels = [
        (d.s("fig_steps_scores"), scores, lambda v: diverging(v, lim)),
        (d.s("fig_steps_masked"), masked, lambda v: diverging(v, lim)),
        (d.s("fig_steps_softmax"), probs, sequential),
    ]
    steps = ("1–2", "3", "4")  # the article's five steps: the first panel is dot products and scaling
    for n, (title, m, colour) in enumerate(panels):
        x0 = left + n * (size + gap)
        body.append(text(x0, 16, f"{steps[n]}. {title}", 12.5, "start", "arch-label"))
        body.append(labels(x0, top, toks, cell, 11, rows=(n == 0)))
        body.append(matrix(x0, top, m, cell, colour, pid))
        if n:
            body.append(text(x0 - gap / 2, top + size / 2 + 5, "→", 16, "middle"))
    y = top + size + 14
    l1, lh = legend(
        left, y, min(2 * size + gap, 260), lambda v: diverging(v, lim), -lim, lim, d.s("fig_steps_legend_scores"), 1
    )
    l2, _ = legend(left + 2 * (size + gap), y, size, sequential, 0, 1, d.s("fig_steps_legend_probs"))
    body += [l1, l2]
    mask_y = y + lh + 8
    body.append(rect(left, mask_y, 14, 14, f"url(#{pid})", ' stroke="currentColor" stroke-opacity="0.4"'))
    body.append(text(left + 20, mask_y + 11, d.s("fig_steps_legend_mask"), 11))
    alt = d.s("fig_steps_alt", layer=layer + 1, head=head + 1, T=T)
    note = d.s("fig_attn_note", layer=layer + 1, head=head + 1, L=d.model["n_layer"], H=d.model["n_head"])
    return Drawing(left + 3 * size + 2 * gap + 16, mask_y + 20, "".join(body), alt, note)


def draw_heads(d: VizData, params: dict) -> Drawing:
    layer = pick(d, params)[0]
    _, start = window(d)
    a_all = np.asarray(d.trace["attn_probs"][layer], dtype=np.float64)[:, start:, start:]
    H, T = a_all.shape[0], a_all.shape[-1]
    # four a row, 338 px wide: every head stays in view in a phone's text column (343 px at 375)
    per_row = min(H, 4)
    thumb = 72.0
    cell = thumb / max(T, 1)
    gap = 14.0
    pid = "__FID__-mask"
    body = [MASK_PATTERN.format(pid=pid)]
    mask = np.triu(np.ones((T, T), dtype=bool), 1)
    for h in range(H):
        r, c = divmod(h, per_row)
        x0, y0 = c * (thumb + gap) + 4, r * (thumb + gap + 18) + 18
        body.append(text(x0, y0 - 5, d.s("fig_heads_label", head=h + 1), 11, "start", "muted"))
        body.append(matrix(x0, y0, np.where(mask, -np.inf, a_all[h]), cell, sequential, pid))
    rows = (H + per_row - 1) // per_row
    y = rows * (thumb + gap + 18) + 6
    lg, lh = legend(4, y, 200, sequential, 0, 1, d.s("fig_attn_legend"))
    body.append(lg)
    alt = d.s("fig_heads_alt", layer=layer + 1, H=H, T=T)
    note = d.s("fig_heads_note", layer=layer + 1, L=d.model["n_layer"])
    return Drawing(per_row * (thumb + gap) - gap + 8, y + lh + 4, "".join(body), alt, note)
