"""A synthetic PageContext, for tests and for looking at the pages without exporting a model.

    python -m txbuild.article.demo /tmp/site [--strict]

The arrays have the trace's real names and shapes and numbers that behave like a run's
(causal softmax rows that sum to one, a layer norm that normalises, a GELU that is a GELU),
but they come from a seeded random generator, not from a model.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from ..numerics import gelu, softmax, top_k
from .context import PageContext

# GPT-2 tokens of the demo prompt, with their real GPT-2 ids.
DEMO_PROMPT = "To be, or not to be, that is the"
DEMO_TOKENS = ["To", " be", ",", " or", " not", " to", " be", ",", " that", " is", " the"]
DEMO_IDS = [2514, 307, 11, 393, 407, 284, 307, 11, 326, 318, 262]
DEMO_NEXT = [
    (1808, " question", 0.31),
    (835, " way", 0.07),
    (886, " end", 0.05),
    (2728, " cause", 0.04),
    (966, " point", 0.03),
    (1738, " reason", 0.03),
    (1517, " thing", 0.02),
    (1339, " case", 0.02),
    (2300, " matter", 0.02),
    (1266, " best", 0.015),
]
# What the made-up logit lens shows in the early layers, before the answer sharpens.
DEMO_EARLY = [(262, " the", 0.05), (11, ",", 0.04)]


def _ln(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)


def synthetic_trace(T: int, L: int, H: int, C: int, V: int, seed: int = 0, next_ids=()) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    hd = C // H
    f = np.float32
    tok = rng.normal(0, 0.12, (T, C))
    pos = rng.normal(0, 0.03, (T, C))
    x = tok + pos
    tr = {"tok_emb": tok, "pos_emb": pos, "embed": x}
    keys = [
        "ln1",
        "q",
        "k",
        "v",
        "attn_scores",
        "attn_probs",
        "head_out",
        "attn_out",
        "resid_mid",
        "ln2",
        "mlp_pre",
        "mlp_act",
        "mlp_out",
        "resid_post",
    ]
    acc = {k: [] for k in keys}
    mask = np.triu(np.ones((T, T), bool), 1)
    for layer in range(L):
        ln1 = _ln(x)
        q, k, v = (rng.normal(0, 1, (H, T, hd)) for _ in range(3))
        s = q @ k.transpose(0, 2, 1) / math.sqrt(hd)
        # Give some heads a recognisable habit: attend to the previous token, or to the first.
        for h in range(H):
            kind = (layer + h) % 3
            if kind == 0:
                s[h, np.arange(1, T), np.arange(T - 1)] += 4.0
            elif kind == 1:
                s[h, :, 0] += 3.0
        s[:, mask] = -np.inf
        p = softmax(s)
        ho = p @ v
        ao = rng.normal(0, 0.2, (T, C))
        mid = x + ao
        ln2 = _ln(mid)
        pre = rng.normal(-0.4, 1.1, (T, 4 * C))
        act = gelu(pre)
        mo = rng.normal(0, 0.25, (T, C))
        x = mid + mo
        for name, val in zip(keys, [ln1, q, k, v, s, p, ho, ao, mid, ln2, pre, act, mo, x]):
            acc[name].append(val)
    for name in keys:
        tr[name] = np.stack(acc[name])
    tr["ln_f"] = _ln(x)
    logits = rng.normal(-2.0, 1.6, (T, V))
    for rank, i in enumerate(next_ids):
        logits[-1, i] = 9.0 - 0.9 * rank - (1.2 if rank else 0)
    tr["logits"] = logits
    return {k: v.astype(f) for k, v in tr.items()}


def demo_model(n_layer=6, n_head=6, n_embd=384, vocab_size=50257, n_ctx=256, trained=True) -> dict:
    C, L = n_embd, n_layer
    n_params = vocab_size * C + n_ctx * C + L * (12 * C * C + 13 * C) + 2 * C
    return {
        "id": "demo",
        "name": "txbuild demo (synthetic)",
        "trained": trained,
        "description": {
            "en": "Synthetic numbers for previewing the layout; not a real model.",
            "ko": "레이아웃 미리 보기용 합성 숫자입니다. 실제 모델이 아닙니다.",
        },
        "source": {"kind": "demo", "label": "txbuild.article.demo"},
        "n_layer": L,
        "n_head": n_head,
        "n_embd": C,
        "head_dim": C // n_head,
        "vocab_size": vocab_size,
        "n_ctx": n_ctx,
        "n_params": n_params,
        "ln_eps": 1e-5,
        "max_tokens": 64,  # BuildOptions' default
    }


def demo_context(out_dir: Path, strict: bool = False, **model_kw) -> PageContext:
    model = demo_model(**model_kw)
    T = len(DEMO_TOKENS)
    trace = synthetic_trace(
        T,
        model["n_layer"],
        model["n_head"],
        model["n_embd"],
        model["vocab_size"],
        next_ids=[i for i, _, _ in DEMO_NEXT],
    )
    z = trace["logits"][-1].astype(np.float64)
    p = softmax(z)
    tokens = dict((i, t) for i, t, _ in DEMO_NEXT)
    top = [{"id": int(i), "token": tokens.get(int(i), f"#{int(i)}"), "prob": float(p[i])} for i in top_k(p, 10)]
    example = {"prompt": DEMO_PROMPT, "ids": DEMO_IDS, "tokens": DEMO_TOKENS, "top": top}
    # A made-up logit lens: the final answer sharpening layer by layer.
    lens = []
    for s in range(model["n_layer"] + 1):
        f = s / model["n_layer"]
        row = [{"id": i, "token": t, "prob": p0 * f + 0.02 * (1 - f)} for i, t, p0 in DEMO_NEXT[:3]]
        if s < model["n_layer"] // 2:
            row = [{"id": i, "token": t, "prob": p0} for i, t, p0 in DEMO_EARLY] + row[:1]
        lens.append(row)
    lens[-1] = top[:3]
    return PageContext(
        out_dir=Path(out_dir),
        model=model,
        manifest_href=f"model/{model['id']}/manifest.json",
        assets={},
        example=example,
        trace=trace,
        strict=strict,
        lens=lens,
    )


def main(argv: list[str]) -> int:
    from .render import render_pages

    out = Path(argv[0]) if argv else Path("site")
    warnings = render_pages(demo_context(out, strict="--strict" in argv))
    for w in warnings:
        print("warning:", w)
    print(f"wrote {out}/index.html, {out}/en/index.html, {out}/ko/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
