"""The bundled model's training run: held-out (and training) loss against steps, with the
unigram baseline and the loss of a uniform guess over the vocabulary, from metrics.json."""

from __future__ import annotations

import math

from .common import Drawing, VizData, fmt, num, text

HELDOUT, TRAIN, BASE = "#0072B2", "#E69F00", "currentColor"  # Okabe-Ito


def draw_loss(d: VizData, params: dict) -> Drawing | None:
    run = d.facts.get("training")
    if not run or len(run["history"]) < 2:
        return None
    hist = run["history"]
    uniform = math.log(d.model["vocab_size"])
    W, H, left, right, top, bottom = 560.0, 300.0, 52.0, 118.0, 14.0, 44.0
    pw, ph = W - left - right, H - top - bottom
    xmax = max(h["step"] for h in hist) or 1
    ymax = math.ceil(max(uniform, *(h["heldout"] for h in hist)))
    ymin = math.floor(min(h["heldout"] for h in hist) - 0.5)

    def X(s):
        return left + pw * s / xmax

    def Y(v):
        return top + ph * (ymax - v) / (ymax - ymin)

    parts = [
        f'<rect x="{fmt(left)}" y="{fmt(top)}" width="{fmt(pw)}" height="{fmt(ph)}" class="cell-frame" fill="none"/>'
    ]
    for v in range(int(ymin), int(ymax) + 1):
        parts.append(
            f'<line x1="{fmt(left)}" x2="{fmt(left + pw)}" y1="{fmt(Y(v))}" y2="{fmt(Y(v))}" '
            'stroke="currentColor" stroke-opacity="0.12"/>'
        )
        parts.append(text(left - 6, Y(v) + 4, str(v), 11, "end", "num"))
    for s in _ticks(xmax):
        parts.append(text(X(s), top + ph + 16, f"{s:,}", 11, "middle", "num"))
    parts.append(text(left + pw / 2, H - 6, d.s("fig_loss_steps"), 12, "middle", "muted"))
    parts.append(
        f'<text x="14" y="{fmt(top + ph / 2)}" font-size="12" text-anchor="middle" fill="currentColor" '
        f'class="muted" transform="rotate(-90 14 {fmt(top + ph / 2)})">{d.s("fig_loss_axis")}</text>'
    )

    def line(key, colour, dash=""):
        pts = " ".join(f"{fmt(X(h['step']))},{fmt(Y(h[key]))}" for h in hist if h.get(key) is not None)
        return f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'

    def hline(v, label):
        y = Y(v)
        return (
            f'<line x1="{fmt(left)}" x2="{fmt(left + pw)}" y1="{fmt(y)}" y2="{fmt(y)}" stroke="{BASE}" '
            f'stroke-opacity="0.6" stroke-dasharray="5 4"/>' + text(left + pw + 6, y + 4, label, 11)
        )

    parts.append(hline(uniform, d.s("fig_loss_uniform", v=num(uniform, 2))))
    if run.get("unigram_loss"):
        parts.append(hline(run["unigram_loss"], d.s("fig_loss_unigram", v=num(run["unigram_loss"], 2))))
    if any(h.get("train") is not None for h in hist):
        parts.append(line("train", TRAIN, ' stroke-dasharray="2 3"'))
    parts.append(line("heldout", HELDOUT))
    last = hist[-1]
    # legend, in the empty band between the unigram line and the curves' start
    ly = Y((uniform + (run.get("unigram_loss") or ymin)) / 2) - 6
    parts.append(
        f'<line x1="{fmt(left + pw - 150)}" x2="{fmt(left + pw - 128)}" y1="{fmt(ly - 4)}" y2="{fmt(ly - 4)}" stroke="{HELDOUT}" stroke-width="2"/>'
    )
    parts.append(text(left + pw - 122, ly, d.s("fig_loss_heldout"), 11))
    parts.append(
        f'<line x1="{fmt(left + pw - 150)}" x2="{fmt(left + pw - 128)}" y1="{fmt(ly + 12)}" y2="{fmt(ly + 12)}" stroke="{TRAIN}" stroke-width="2" stroke-dasharray="2 3"/>'
    )
    parts.append(text(left + pw - 122, ly + 16, d.s("fig_loss_train"), 11))
    alt = d.s(
        "fig_loss_alt",
        steps=f"{run['steps']:,}",
        first=num(hist[0]["heldout"], 2),
        last=num(last["heldout"], 2),
        unigram=num(run["unigram_loss"], 2) if run.get("unigram_loss") else "?",
        uniform=num(uniform, 2),
    )
    return Drawing(W, H, "".join(parts), alt)


def _ticks(xmax: int) -> list[int]:
    step = 10 ** max(0, len(str(int(xmax))) - 1)
    if xmax / step < 4:
        step //= 2 or 1
    return list(range(0, int(xmax) + 1, max(1, step)))
