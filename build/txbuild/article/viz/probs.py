"""Next-token probabilities after the prompt: the top tokens as horizontal bars."""

from __future__ import annotations

from ...numerics import softmax, top_k
from ..filters import visible
from .common import VIRIDIS, Drawing, VizData, rect, text, trunc

BAR = VIRIDIS[3]  # viridis' middle blue: reads on light and dark backgrounds (web/viz/lib/palette.js' BAR)


def top_tokens(d: VizData, k: int = 10) -> list[tuple[str, int, float]]:
    """(token, id, probability) of the last position, from example["top"] or from the logits."""
    top = d.example.get("top") or []
    if top:
        from ..bpe import label

        return [(visible(label(int(r["id"]), str(r["token"]))), int(r["id"]), float(r["prob"])) for r in top[:k]]
    p = softmax(d.trace["logits"][-1])
    idx = top_k(p, k)
    return [(f"#{i}", int(i), float(p[i])) for i in idx]


def bars(
    rows: list[tuple[str, float]], width=440, label_w=110, row_h=24, vmax=None, value_digits=1
) -> tuple[str, float]:
    vmax = vmax or max((v for _, v in rows), default=1.0) or 1.0
    bar_w = width - label_w - 70
    parts = []
    for i, (label, v) in enumerate(rows):
        y = i * row_h
        parts.append(text(label_w - 8, y + row_h * 0.68, trunc(label, 14), 13, "end", "tok-label"))
        w = max(1.0, bar_w * v / vmax)
        parts.append(rect(label_w, y + 3, w, row_h - 6, BAR))
        parts.append(text(label_w + w + 6, y + row_h * 0.68, f"{v * 100:.{value_digits}f}%", 12, "start", "num"))
    return "".join(parts), len(rows) * row_h


def draw(d: VizData, params: dict) -> Drawing:
    k = int(params.get("k", 10))
    rows = top_tokens(d, k)
    body, h = bars([(t, p) for t, _, p in rows])
    prompt = d.example.get("prompt", "")
    alt = d.s(
        "fig_probs_alt",
        k=len(rows),
        prompt=prompt,
        list=", ".join(f"“{t}” {p * 100:.1f}%" for t, _, p in rows),
    )
    note = d.s("fig_probs_note", prompt=trunc(prompt.replace("\n", " "), 60))
    from .attention import prompt_ids

    return Drawing(440, h + 4, body, alt, note, attrs={"data-k": len(rows), **prompt_ids(d)})
