"""The logit lens: what the model would predict at the last position if it stopped after each block."""

from __future__ import annotations

from ..bpe import label
from ..filters import visible
from .common import Drawing, VizData, esc, fmt, ink_on, rect, sequential, text, trunc


def draw(d: VizData, params: dict) -> Drawing:
    if not d.lens:
        raise ValueError("no logit-lens data (PageContext.lens) was given")
    k = int(params.get("k", 3))
    stages = d.lens
    row_h, label_w, cell_w = 26.0, 92.0, 118.0
    top = 22.0
    parts = [
        text(label_w + i * cell_w + cell_w / 2, 14, d.s("fig_lens_rank", rank=i + 1), 11, "middle", "muted")
        for i in range(k)
    ]
    for r, row in enumerate(stages):
        y = top + r * row_h
        name = d.s("fig_lens_embedding") if r == 0 else d.s("fig_lens_block", block=r)
        parts.append(text(label_w - 8, y + row_h * 0.66, name, 11.5, "end", "muted"))
        for i, cand in enumerate(row[:k]):
            p = float(cand["prob"])
            fill = sequential(p)
            x = label_w + i * cell_w
            parts.append(rect(x + 1, y + 1, cell_w - 2, row_h - 2, fill))
            tok = trunc(visible(label(cand.get("id"), str(cand["token"]))), 10)
            parts.append(
                f'<text x="{fmt(x + 6)}" y="{fmt(y + row_h * 0.66)}" font-size="12" fill="{ink_on(fill)}" '
                f'class="tok-label">{esc(tok)}</text>'
                f'<text x="{fmt(x + cell_w - 6)}" y="{fmt(y + row_h * 0.66)}" font-size="11" text-anchor="end" '
                f'fill="{ink_on(fill)}" class="num">{p * 100:.0f}%</text>'
            )
    last = stages[-1][0]
    alt = d.s(
        "fig_lens_alt",
        n=len(stages) - 1,
        token=visible(label(last.get("id"), str(last["token"]))),
        prompt=d.example.get("prompt", ""),
    )
    return Drawing(label_w + k * cell_w + 4, top + len(stages) * row_h + 4, "".join(parts), alt)
