"""Figures of the output side: sampling knobs applied to the default prompt's real logits.

temperature  the top tokens' probabilities at three temperatures, grouped bars
sampling     probabilities sorted by rank with their running total; what top-k and top-p keep
gelu         GELU (and ReLU for comparison) with one token's real MLP pre-activations on the curve
"""

from __future__ import annotations

import numpy as np

from ...numerics import gelu, softmax, top_k, top_p_count
from ..facts import sampling_bars
from ..filters import visible
from .common import Drawing, VizData, fmt, num, rect, text, trunc

# Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
OKABE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"]


def _labels(d: VizData) -> dict[int, str]:
    from ..bpe import label

    return {int(r["id"]): visible(label(int(r["id"]), str(r["token"]))) for r in d.example.get("top") or []}


def draw_temperature(d: VizData, params: dict) -> Drawing:
    temps = [float(x) for x in params.get("temps", "0.5 1 2").split()]
    k = int(params.get("k", 6))
    z = np.asarray(d.trace["logits"][-1], dtype=np.float64)
    order = top_k(z, k)
    names = _labels(d)
    probs = [softmax(z, t) for t in temps]
    width, label_w, bar_w = 440.0, 104.0, 270.0
    group_h = 12.0 * len(temps) + 12
    parts = []
    top = 30.0
    for n, t in enumerate(temps):
        x = label_w + n * 110
        parts.append(rect(x, 6, 12, 12, OKABE[n]))
        parts.append(text(x + 17, 16, d.s("fig_temp_legend", T=f"{t:g}"), 11.5))
    for r, i in enumerate(order):
        y0 = top + r * group_h
        parts.append(
            text(
                label_w - 8, y0 + group_h / 2 + 2, trunc(names.get(int(i), f"#{int(i)}"), 12), 12.5, "end", "tok-label"
            )
        )
        for n, p in enumerate(probs):
            w = max(0.8, bar_w * p[i])
            y = y0 + n * 12
            parts.append(rect(label_w, y, w, 11, OKABE[n]))
            parts.append(text(label_w + w + 4, y + 10, f"{p[i] * 100:.1f}%", 11, "start", "num"))
    alt = d.s(
        "fig_temp_alt",
        k=k,
        list="; ".join(
            f"T={t:g}: " + ", ".join(f"“{names.get(int(i), '#' + str(int(i)))}” {p[i] * 100:.1f}%" for i in order[:3])
            for t, p in zip(temps, probs)
        ),
    )
    return Drawing(width, top + k * group_h + 4, "".join(parts), alt)


def draw_sampling(d: VizData, params: dict) -> Drawing:
    k = int(params.get("k", 10))
    top_p = float(params.get("p", 0.9))
    n = int(params.get("n", 40))
    z = np.asarray(d.trace["logits"][-1], dtype=np.float64)
    p = np.sort(softmax(z))[::-1]
    cum = np.cumsum(p)
    keep_p = top_p_count(p, top_p)
    n = sampling_bars(keep_p, p.size, n)  # wide enough to show the top-p cut when it is near
    w, h, left, top = 440.0, 170.0, 44.0, 28.0
    bw = w / n
    parts = []
    for k_tick in range(5):
        yv = top + h - h * k_tick / 4
        parts.append(f'<line x1="{left}" y1="{fmt(yv)}" x2="{left + w}" y2="{fmt(yv)}" class="grid-line"/>')
        parts.append(text(left - 6, yv + 4, f"{k_tick * 25}%", 11, "end", "muted num"))
    for r in range(n):
        kept_k, kept_p = r < k, r < keep_p
        colour = OKABE[0] if kept_k and kept_p else OKABE[4] if (kept_k or kept_p) else "#9a9aa3"
        bh = h * p[r]
        gap = min(1.2, bw * 0.2)  # thin bars when the chart widens to reach the top-p cut
        parts.append(rect(left + r * bw + gap / 2, top + h - bh, bw - gap, bh, colour))
    pts = " ".join(f"{fmt(left + (r + 0.5) * bw)},{fmt(top + h - h * cum[r])}" for r in range(n))
    parts.append(f'<polyline points="{pts}" fill="none" stroke="#E69F00" stroke-width="2"/>')
    # The top-k cut.
    xk = left + min(k, n) * bw
    parts.append(
        f'<line x1="{fmt(xk)}" y1="{top - 6}" x2="{fmt(xk)}" y2="{top + h}" stroke="currentColor" stroke-dasharray="4 3"/>'
    )
    parts.append(text(xk + 4, top - 10, d.s("fig_sampling_k", k=k), 11, "start"))
    if keep_p <= n:
        xp = left + keep_p * bw
        parts.append(
            f'<line x1="{fmt(xp)}" y1="{top - 6}" x2="{fmt(xp)}" y2="{top + h}" stroke="#E69F00" stroke-dasharray="2 2"/>'
        )
        right = xp > left + w * 0.6  # near the right edge: the label goes on the line's left
        parts.append(
            text(
                xp - 4 if right else xp + 4,
                top + 12,
                d.s("fig_sampling_p", p=f"{top_p:g}", n=keep_p),
                11,
                "end" if right else "start",
            )
        )
    else:
        parts.append(text(left + w, top + 12, d.s("fig_sampling_p_beyond", p=f"{top_p:g}", n=f"{keep_p:,}"), 11, "end"))
    parts.append(text(left + w / 2, top + h + 18, d.s("fig_sampling_x", n=n), 11, "middle", "muted"))
    ly = top + h + 36
    for j, (colour, key) in enumerate(
        ((OKABE[0], "fig_sampling_both"), (OKABE[4], "fig_sampling_one"), ("#9a9aa3", "fig_sampling_none"))
    ):
        x = left + j * 140
        parts.append(rect(x, ly - 9, 11, 11, colour))
        parts.append(text(x + 15, ly, d.s(key), 11))
    parts.append(
        f'<line x1="{left}" y1="{ly + 16}" x2="{left + 18}" y2="{ly + 16}" stroke="#E69F00" stroke-width="2"/>'
    )
    parts.append(text(left + 24, ly + 20, d.s("fig_sampling_cum"), 11))
    alt = d.s(
        "fig_sampling_alt",
        n=n,
        k=k,
        k_mass=f"{cum[min(k, p.size) - 1] * 100:.1f}",
        p=f"{top_p:g}",
        keep_p=f"{keep_p:,}",
        p1=f"{p[0] * 100:.1f}",
    )
    return Drawing(left + w + 10, ly + 28, "".join(parts), alt)


def draw_gelu(d: VizData, params: dict) -> Drawing:
    layer = int(params.get("layer", 1)) - 1
    tok = int(params.get("token", len(d.tokens))) - 1
    pre = np.asarray(d.trace["mlp_pre"][layer][tok], dtype=np.float64)
    lo, hi = -4.0, 3.0
    w, h, left, top = 420.0, 210.0, 40.0, 10.0
    ylo, yhi = -0.5, 3.0

    def X(v):
        return left + w * (v - lo) / (hi - lo)

    def Y(v):
        return top + h - h * (v - ylo) / (yhi - ylo)

    parts = []
    for v in range(int(lo), int(hi) + 1):
        parts.append(f'<line x1="{fmt(X(v))}" y1="{top}" x2="{fmt(X(v))}" y2="{top + h}" class="grid-line"/>')
        parts.append(text(X(v), top + h + 14, num(v, 0), 11, "middle", "muted num"))
    for v in (0, 1, 2, 3):
        parts.append(f'<line x1="{left}" y1="{fmt(Y(v))}" x2="{left + w}" y2="{fmt(Y(v))}" class="grid-line"/>')
        parts.append(text(left - 6, Y(v) + 4, str(v), 11, "end", "muted num"))
    parts.append(f'<line x1="{fmt(X(0))}" y1="{top}" x2="{fmt(X(0))}" y2="{top + h}" class="axis"/>')
    parts.append(f'<line x1="{left}" y1="{fmt(Y(0))}" x2="{left + w}" y2="{fmt(Y(0))}" class="axis"/>')
    xs = np.linspace(lo, hi, 141)
    relu = " ".join(f"{fmt(X(x))},{fmt(Y(max(x, 0)))}" for x in xs)
    curve = " ".join(f"{fmt(X(x))},{fmt(Y(g))}" for x, g in zip(xs, gelu(xs)))
    parts.append(
        f'<polyline points="{relu}" fill="none" stroke="currentColor" stroke-opacity="0.45" stroke-dasharray="5 4"/>'
    )
    # This token's pre-activations, on the curve (a deterministic sample if there are many).
    sample = pre if pre.size <= 160 else pre[np.linspace(0, pre.size - 1, 160).astype(int)]
    sample = sample[(sample >= lo) & (sample <= hi)]
    parts.append(f'<polyline points="{curve}" fill="none" stroke="#0072B2" stroke-width="2.2"/>')
    for v in sample:
        parts.append(
            f'<circle cx="{fmt(X(v))}" cy="{fmt(Y(gelu(np.array(v))))}" r="2.4" fill="#E69F00" fill-opacity="0.6"/>'
        )
    # Where the inputs fall: a histogram of all of this token's pre-activations, under the x axis.
    counts, edges = np.histogram(np.clip(pre, lo, hi), bins=56, range=(lo, hi))
    hist_top, hist_h = top + h + 22, 34.0
    peak = max(int(counts.max()), 1)
    for c, e0, e1 in zip(counts, edges[:-1], edges[1:]):
        if c:
            bh = hist_h * c / peak
            parts.append(rect(X(e0) + 0.4, hist_top + hist_h - bh, X(e1) - X(e0) - 0.8, bh, "#E69F00"))
    ly = hist_top + hist_h + 22
    parts.append(f'<line x1="{left}" y1="{ly}" x2="{left + 22}" y2="{ly}" stroke="#0072B2" stroke-width="2.2"/>')
    parts.append(text(left + 28, ly + 4, "GELU", 11))
    parts.append(
        f'<line x1="{left + 90}" y1="{ly}" x2="{left + 112}" y2="{ly}" stroke="currentColor" stroke-opacity="0.5" stroke-dasharray="5 4"/>'
    )
    parts.append(text(left + 118, ly + 4, "ReLU", 11))
    parts.append(f'<circle cx="{left + 11}" cy="{ly + 18}" r="3" fill="#E69F00"/>')
    parts.append(text(left + 28, ly + 22, d.s("fig_gelu_points", n=f"{pre.size:,}"), 11))
    ly += 18
    neg = float((pre < 0).mean())
    alt = d.s(
        "fig_gelu_alt", layer=layer + 1, token=d.tokens[tok] if d.tokens else "", n=pre.size, neg=f"{neg * 100:.0f}"
    )
    note = d.s("fig_gelu_note", layer=layer + 1, token=d.tokens[tok] if d.tokens else "")
    return Drawing(left + w + 12, ly + 12, "".join(parts), alt, note)
