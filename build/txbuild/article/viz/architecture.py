"""The architecture at a glance: embeddings, the stack of blocks, the output head, with this model's sizes."""

from __future__ import annotations

from .common import Drawing, VizData, fmt, text

W = 440
BOX_W = 280
BOX_H = 36
GAP = 16
CX = 232  # centre of the main column


def _box(y, label, sub, kind) -> str:
    x = CX - BOX_W / 2
    return (
        f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{BOX_W}" height="{BOX_H}" rx="6" class="arch-{kind}"/>'
        + text(CX, y + 15, label, 13, "middle", "arch-label")
        + (text(CX, y + 29, sub, 11, "middle", "arch-sub") if sub else "")
    )


def _arrow(y0, y1) -> str:
    return f'<line x1="{CX}" y1="{fmt(y0)}" x2="{CX}" y2="{fmt(y1 - 1)}" class="arch-flow" marker-end="url(#__FID__-arrow)"/>'


def _add(y) -> str:
    return (
        f'<circle cx="{CX}" cy="{fmt(y)}" r="9" class="arch-add"/>'
        f'<path d="M{CX - 5} {fmt(y)}h10M{CX} {fmt(y - 5)}v10" class="arch-plus"/>'
    )


def draw(d: VizData, params: dict) -> Drawing:
    m = d.model
    L, H, C, V, N = m["n_layer"], m["n_head"], m["n_embd"], m["vocab_size"], m["n_ctx"]
    s = d.s
    parts = [
        '<defs><marker id="__FID__-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="currentColor"/></marker></defs>'
    ]
    y = 8
    parts.append(_box(y, s("fig_arch_tokens"), s("fig_arch_tokens_sub", V=f"{V:,}"), "io"))
    y += BOX_H
    parts.append(_arrow(y, y + GAP))
    y += GAP
    # Token and position embeddings side by side, summed.
    half = BOX_W / 2 - 6
    for i, (label, sub) in enumerate(
        [(s("fig_arch_tok_emb"), f"{V:,} × {C}"), (s("fig_arch_pos_emb"), f"{N:,} × {C}")]
    ):
        x = CX - BOX_W / 2 + i * (half + 12)
        parts.append(f'<rect x="{fmt(x)}" y="{y}" width="{fmt(half)}" height="{BOX_H}" rx="6" class="arch-emb"/>')
        parts.append(text(x + half / 2, y + 15, label, 12, "middle", "arch-label"))
        parts.append(text(x + half / 2, y + 29, sub, 11, "middle", "arch-sub"))
    y += BOX_H
    parts.append(_arrow(y, y + GAP - 9))
    y += GAP
    parts.append(_add(y))
    y += 9
    parts.append(_arrow(y, y + GAP))
    y += GAP

    # One transformer block, repeated L times.
    top = y
    y += 30
    rows = [
        ("ln", s("fig_arch_ln1"), ""),
        ("attn", s("fig_arch_attn"), s("fig_arch_attn_sub", H=H, hd=m.get("head_dim", C // H))),
        ("add", "", ""),
        ("ln", s("fig_arch_ln2"), ""),
        ("mlp", s("fig_arch_mlp"), f"{C} → {4 * C} → {C}"),
        ("add", "", ""),
    ]
    skip_from = None
    for kind, label, sub in rows:
        if kind == "add":
            parts.append(_add(y + 9))
            # The residual path: from above the LayerNorm, around the left, into this sum.
            lx = CX - BOX_W / 2 - 26
            parts.append(
                f'<path d="M{CX} {fmt(skip_from)}H{fmt(lx)}V{fmt(y + 9)}H{CX - 10}" class="arch-skip" '
                f'marker-end="url(#__FID__-arrow)"/>'
            )
            y += 18
            parts.append(_arrow(y, y + GAP))
            y += GAP
            continue
        if kind == "ln":
            skip_from = y - GAP / 2
        parts.append(_box(y, label, sub, kind))
        y += BOX_H
        parts.append(_arrow(y, y + GAP - (9 if kind in ("attn", "mlp") else 0)))
        y += GAP - (9 if kind in ("attn", "mlp") else 0)
    bottom = y - GAP + 8
    parts.insert(
        1,
        f'<rect x="{fmt(CX - BOX_W / 2 - 44)}" y="{fmt(top)}" width="{fmt(BOX_W + 88)}" '
        f'height="{fmt(bottom - top)}" rx="10" class="arch-block"/>'
        + text(CX - BOX_W / 2 - 34, top + 19, s("fig_arch_block"), 12, "start", "arch-label")
        + text(CX + BOX_W / 2 + 36, top + 19, f"× {L}", 15, "end", "arch-times"),
    )
    y = bottom + GAP
    parts.append(_box(y, s("fig_arch_lnf"), "", "ln"))
    y += BOX_H
    parts.append(_arrow(y, y + GAP))
    y += GAP
    parts.append(_box(y, s("fig_arch_head"), f"{C} → {V:,}", "io"))
    y += BOX_H
    parts.append(_arrow(y, y + GAP))
    y += GAP
    parts.append(_box(y, s("fig_arch_softmax"), s("fig_arch_softmax_sub"), "io"))
    y += BOX_H + 8

    alt = s("fig_arch_alt", L=L, H=H, C=C, V=f"{V:,}", N=f"{N:,}", C4=4 * C)
    return Drawing(W, y, "".join(parts), alt)
