"""Figures of the input side and the residual stream.

tokens     the prompt as token chips with their ids (whitespace made visible)
embedding  token embedding + position embedding = input, as colour strips, one row per token
layernorm  one token's vector before and after layer norm, as histograms with mean and spread
residual   the length of each token's residual vector after the embedding and after every block
"""

from __future__ import annotations

import unicodedata

import numpy as np

from .common import Drawing, VizData, diverging, esc, fmt, legend, num, rect, robust_limit, text, trunc

DIMS = 32  # embedding strips show the first DIMS numbers of each vector


def text_width(s: str, size: float, mono: bool = True) -> float:
    """A rough width of a string: East Asian wide characters count double."""
    unit = size * (0.6 if mono else 0.55)
    return sum(unit * (2 if unicodedata.east_asian_width(ch) in "WF" else 1) for ch in s)


def draw_tokens(d: VizData, params: dict) -> Drawing:
    toks, ids = d.tokens, [int(i) for i in d.example.get("ids", [])]
    width, x, y, row_h = 560.0, 0.0, 4.0, 50.0
    widest = 0.0
    parts = []
    for t, i in zip(toks, ids):
        w = max(text_width(t, 14), text_width(str(i), 11)) + 16
        if x + w > width and x > 0:
            x, y = 0.0, y + row_h
        parts.append(f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(w)}" height="40" rx="5" class="arch-emb"/>')
        parts.append(text(x + w / 2, y + 18, t, 14, "middle", "tok-label"))
        parts.append(text(x + w / 2, y + 34, str(i), 11, "middle", "muted num"))
        x += w + 6
        widest = max(widest, x - 6)
    alt = d.s(
        "fig_tokens_alt",
        T=len(toks),
        prompt=d.example.get("prompt", ""),
        list=", ".join(f"“{t}” ({i})" for t, i in zip(toks, ids)),
    )
    return Drawing(max(widest, 1.0), y + 44, "".join(parts), alt)


def draw_embedding(d: VizData, params: dict) -> Drawing:
    tr = d.trace
    C = d.model["n_embd"]
    D = min(DIMS, C)
    toks = [trunc(t, 9) for t in d.tokens][:16]
    T = len(toks)
    tok, pos, emb = (np.asarray(tr[k], dtype=np.float64)[:T, :D] for k in ("tok_emb", "pos_emb", "embed"))
    lim = robust_limit(np.concatenate([tok, pos, emb]))
    cell_w, cell_h, gap = 4.5, 16.0, 26.0
    panel = D * cell_w
    left, top = 84.0, 40.0
    parts = []
    titles = [d.s("fig_emb_token"), d.s("fig_emb_position"), d.s("fig_emb_sum")]
    for n, (title, m) in enumerate(zip(titles, (tok, pos, emb))):
        x0 = left + n * (panel + gap)
        parts.append(text(x0 + panel / 2, top - 24, title, 12, "middle", "arch-label"))
        parts.append(text(x0 + panel / 2, top - 9, d.s("fig_emb_dims", D=D, C=C), 11, "middle", "muted"))
        for i in range(T):
            for j in range(D):
                parts.append(
                    rect(x0 + j * cell_w, top + i * (cell_h + 3), cell_w + 0.2, cell_h, diverging(m[i, j], lim))
                )
        if n:
            parts.append(text(x0 - gap / 2, top + T * (cell_h + 3) / 2 + 5, "+" if n == 1 else "=", 17, "middle"))
    for i, t in enumerate(toks):
        parts.append(text(left - 8, top + i * (cell_h + 3) + cell_h * 0.72, t, 12, "end", "tok-label"))
    y = top + T * (cell_h + 3) + 8
    lg, lh = legend(left, y, 200, lambda v: diverging(v, lim), -lim, lim, d.s("fig_emb_legend"))
    parts.append(lg)
    n_tok = float(np.linalg.norm(np.asarray(tr["tok_emb"], dtype=np.float64), axis=-1).mean())
    n_pos = float(np.linalg.norm(np.asarray(tr["pos_emb"], dtype=np.float64), axis=-1).mean())
    alt = d.s("fig_emb_alt", T=T, D=D, C=C, tok=num(n_tok), pos=num(n_pos))
    return Drawing(left + 3 * panel + 2 * gap + 8, y + lh + 4, "".join(parts), alt)


def _hist(x0, y0, w, h, values: np.ndarray, lo, hi, bins=40) -> str:
    counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
    peak = max(int(counts.max()), 1)
    parts = [f'<line x1="{fmt(x0)}" y1="{fmt(y0 + h)}" x2="{fmt(x0 + w)}" y2="{fmt(y0 + h)}" class="axis"/>']
    bw = w / bins
    for i, c in enumerate(counts):
        if c:
            bh = h * c / peak
            parts.append(rect(x0 + i * bw + 0.5, y0 + h - bh, bw - 1, bh, "#26828e"))
    return "".join(parts)


def draw_layernorm(d: VizData, params: dict) -> Drawing:
    """Input of the first block's layer norm (the embedding) for the last token, and its output."""
    tok = int(params.get("token", len(d.tokens))) - 1
    x = np.asarray(d.trace["embed"][tok], dtype=np.float64)
    y = np.asarray(d.trace["ln1"][0][tok], dtype=np.float64)
    w, h, left = 420.0, 70.0, 10.0
    parts = []
    yy = 0.0
    for label, v in ((d.s("fig_ln_before"), x), (d.s("fig_ln_after"), y)):
        mu, sd = float(v.mean()), float(v.std())
        lo, hi = float(np.percentile(v, 0.5)), float(np.percentile(v, 99.5))
        pad = 0.05 * (hi - lo or 1)
        lo, hi = lo - pad, hi + pad
        parts.append(text(left, yy + 14, label, 12.5, "start", "arch-label"))
        parts.append(text(left + w, yy + 14, d.s("fig_ln_stats", mean=num(mu, 3), std=num(sd, 3)), 11.5, "end", "num"))
        parts.append(_hist(left, yy + 22, w, h, np.clip(v, lo, hi), lo, hi))
        for val in (lo, 0.0, hi):
            if lo <= val <= hi:
                xx = left + w * (val - lo) / (hi - lo)
                parts.append(text(xx, yy + 22 + h + 14, num(val, 2), 11, "middle", "muted num"))
        mx = left + w * (mu - lo) / (hi - lo)
        parts.append(
            f'<line x1="{fmt(mx)}" y1="{fmt(yy + 20)}" x2="{fmt(mx)}" y2="{fmt(yy + 22 + h)}" stroke="#e08214" stroke-width="2"/>'
        )
        yy += h + 50
    parts.append(
        f'<line x1="{left}" y1="{fmt(yy + 2)}" x2="{left + 18}" y2="{fmt(yy + 2)}" stroke="#e08214" stroke-width="2"/>'
    )
    parts.append(text(left + 24, yy + 6, d.s("fig_ln_mean_mark"), 11, "start", "muted"))
    yy += 14
    alt = d.s(
        "fig_ln_alt",
        C=x.size,
        token=d.tokens[tok] if d.tokens else "",
        mean_in=num(x.mean(), 3),
        std_in=num(x.std(), 3),
        mean_out=num(y.mean(), 3),
        std_out=num(y.std(), 3),
    )
    note = d.s("fig_ln_note", token=d.tokens[tok] if d.tokens else "")
    return Drawing(w + 2 * left, yy + 4, "".join(parts), alt, note)


def nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least `raw`."""
    if raw <= 0:
        return 1.0
    mag = 10 ** np.floor(np.log10(raw))
    return float(next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw))


def draw_residual(d: VizData, params: dict) -> Drawing:
    tr = d.trace
    L = d.model["n_layer"]
    stages = [np.asarray(tr["embed"], dtype=np.float64)] + [np.asarray(r, dtype=np.float64) for r in tr["resid_post"]]
    norms = np.stack([np.linalg.norm(s, axis=-1) for s in stages])  # [L+1, T]
    T = norms.shape[1]
    w, h, left, top = 440.0, 200.0, 56.0, 14.0
    step = nice_step(float(norms.max()) / 4)
    hi = step * np.ceil(float(norms.max()) / step) or 1.0
    parts = []
    for v in np.arange(0, hi + step / 2, step):
        yv = top + h - h * v / hi
        parts.append(f'<line x1="{left}" y1="{fmt(yv)}" x2="{left + w}" y2="{fmt(yv)}" class="grid-line"/>')
        parts.append(text(left - 6, yv + 4, f"{v:g}", 11, "end", "muted num"))

    def xy(s, v):
        return left + w * s / max(L, 1), top + h - h * min(v, hi) / hi

    for t in range(T):
        last = t == T - 1
        pts = " ".join(f"{fmt(a)},{fmt(b)}" for a, b in (xy(s, norms[s, t]) for s in range(L + 1)))
        style = (
            'stroke="#e08214" stroke-width="2.4"'
            if last
            else 'stroke="currentColor" stroke-opacity="0.28" stroke-width="1.1"'
        )
        parts.append(f'<polyline points="{pts}" fill="none" {style}/>')
    every = max(1, L // 6)
    for s in range(0, L + 1, every):
        parts.append(text(xy(s, 0)[0], top + h + 16, d.s("fig_resid_emb") if s == 0 else str(s), 11, "middle", "muted"))
    parts.append(text(left + w / 2, top + h + 34, d.s("fig_resid_x"), 11.5, "middle", "muted"))
    parts.append(
        f'<text x="12" y="{fmt(top + h / 2)}" font-size="11.5" text-anchor="middle" fill="currentColor" class="muted" '
        f'transform="rotate(-90 12 {fmt(top + h / 2)})">{esc(d.s("fig_resid_y"))}</text>'
    )
    ly = top + h + 46
    parts.append(f'<line x1="{left}" y1="{ly}" x2="{left + 22}" y2="{ly}" stroke="#e08214" stroke-width="2.4"/>')
    parts.append(text(left + 28, ly + 4, d.s("fig_resid_last", token=d.tokens[-1] if d.tokens else ""), 11))
    parts.append(
        f'<line x1="{left + 220}" y1="{ly}" x2="{left + 242}" y2="{ly}" stroke="currentColor" stroke-opacity="0.35"/>'
    )
    parts.append(text(left + 248, ly + 4, d.s("fig_resid_others"), 11))
    alt = d.s("fig_resid_alt", L=L, T=T, first=num(norms[0, -1], 1), last=num(norms[-1, -1], 1))
    return Drawing(left + w + 12, ly + 12, "".join(parts), alt)
