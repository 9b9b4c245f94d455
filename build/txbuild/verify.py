"""Run each exported variant with ONNX Runtime and compare it with the PyTorch fp32 trace.

fp32 must match to a relative tolerance on every output. fp16, int8 and q4 are judged on what a
reader sees: the next-token distribution (total-variation distance to PyTorch's) and top-1
agreement where PyTorch is confident. Top-1/top-5 agreement over every position is reported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .graph import OUTPUTS
from .numerics import softmax, top_k

PROBE_PROMPTS = (
    "Data visualization empowers users to",
    "To be, or not to be, that is the question:",
    "The king is dead. Long live the",
    "  spaces   and\nnew lines\n\n<|endoftext|> too",
    "한국어 문장도 바이트 조각으로 나뉩니다 🎉",
)

# Relative error = max |ours - torch| / max |torch| over the tensor.
TOLERANCE = {
    "fp32": {"max_rel": 1e-4, "kv_rel": 1e-4},
    "fp16": {"max_tv": 0.05, "confident_top1": 0.9, "kv_rel": 1e-2},
    # Dynamic int8 quantizes activations with per-run scales, so a cached run and a full run
    # of the same tokens differ by a few percent; the distribution must still match.
    "int8": {"max_tv": 0.25, "confident_top1": 0.75, "kv_rel": 0.1},
    # 4-bit weights, fp32 activations: rounder weights than int8's, but no per-run activation
    # scales, so the cached run agrees with the full run as closely as fp32's does.
    # The lens graph uses the same 4-bit output layer, so it differs from PyTorch's fp32 one by
    # the rounding of that layer (measured 0.10 on the bundled model; its logits: 0.18).
    "q4": {"max_tv": 0.25, "confident_top1": 0.75, "kv_rel": 1e-3, "lens_rel": 0.25},
}
CONFIDENT = 0.3  # PyTorch top-1 probability above which a variant must agree on it


@dataclass
class VariantReport:
    precision: str
    passed: bool
    outputs: dict[str, dict[str, float]]  # name -> {"max_abs", "max_rel"}
    top1: float  # agreement over every position of every probe
    top5: float  # mean overlap of the top-5 sets
    max_tv: float  # worst total-variation distance of a next-token distribution
    confident_top1: float | None  # agreement where torch's top-1 prob > CONFIDENT
    kv_max_rel: float  # logits with a past cache vs one full run
    lens_max_rel: float | None = None  # the logit-lens graph vs PyTorch's ln_f + unembedding
    tolerance: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def session(graph: Path):
    import onnxruntime as ort

    return ort.InferenceSession(str(graph), options(), providers=["CPUExecutionProvider"])


def options(threads: int = 0):
    """Session options that do the maths the browser's wasm worker does (web/src/worker-core.js):
    the shipped graph is already optimised (preopt.py), so only the basic level runs, which
    folds q4's DequantizeLinear into fp32 weights (not fused into ORT's 4-bit MatMulNBits)."""
    import onnxruntime as ort

    from .preopt import BROWSER_LEVEL

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    assert BROWSER_LEVEL == "basic", BROWSER_LEVEL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    opts.add_session_config_entry("session.disable_quant_qdq", "1")
    if threads:
        opts.intra_op_num_threads = opts.inter_op_num_threads = threads
    return opts


def run(
    sess,
    ids: list[int],
    past: tuple[np.ndarray, np.ndarray] | None = None,
    n_layer: int = 0,
    n_head: int = 0,
    head_dim: int = 0,
    outputs: list[str] | None = None,
):
    """One ORT run; returns {output name: array}. A missing past means an empty (length-0) one."""
    if past is None:
        empty = np.zeros((n_layer, n_head, 0, head_dim), dtype=np.float32)
        past = (empty, empty)
    names = outputs or list(OUTPUTS)
    vals = sess.run(names, {"input_ids": np.array([ids], dtype=np.int64), "past_key": past[0], "past_value": past[1]})
    return dict(zip(names, vals))


def _rel(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    finite = np.isfinite(b)
    if not np.array_equal(finite, np.isfinite(a)):  # masked (−inf) or overflowed positions differ
        return float("inf"), float("inf")
    diff = np.abs(a[finite].astype(np.float64) - b[finite])
    scale = float(np.abs(b[finite]).max()) if finite.any() else 1.0
    mx = float(diff.max()) if diff.size else 0.0
    return mx, mx / max(scale, 1e-12)


def verify_variant(
    precision: str, graph: Path, refs: list[tuple[list[int], dict]], dims: dict, lens_graph: Path | None = None
) -> VariantReport:
    """Compare one variant's graph with the PyTorch traces `refs` = [(ids, trace), ...]."""
    sess = session(graph)
    lens_sess = session(lens_graph) if lens_graph else None
    lens_err = 0.0
    kw = {"n_layer": dims["layer"], "n_head": dims["head"], "head_dim": dims["head_dim"]}
    errs: dict[str, list[float]] = {}
    top1, top5, tvs, conf_hits, conf_n, kv = [], [], [], 0, 0, 0.0
    for ids, ref in refs:
        got = run(sess, ids, **kw)
        if lens_sess is not None:
            hidden = ref["resid_post"][:, -1].astype(np.float32)
            (lens,) = lens_sess.run(["logits"], {"hidden": hidden})
            lens_err = max(lens_err, _rel(lens, ref["lens"])[1])
        for name in OUTPUTS:
            a, r = _rel(got[name], ref[name])
            e = errs.setdefault(name, [0.0, 0.0])
            e[0], e[1] = max(e[0], a), max(e[1], r)
        p_ref, p_got = softmax(ref["logits"]), softmax(got["logits"])
        tvs.append(float(0.5 * np.abs(p_ref - p_got).sum(-1).max()))
        t_ref, t_got = p_ref.argmax(-1), p_got.argmax(-1)
        top1.extend((t_ref == t_got).tolist())
        k5_ref, k5_got = top_k(p_ref, 5), top_k(p_got, 5)
        top5.extend(len(set(a) & set(b)) / 5 for a, b in zip(k5_ref, k5_got))
        sure = p_ref.max(-1) > CONFIDENT
        conf_n += int(sure.sum())
        conf_hits += int((t_ref == t_got)[sure].sum())
        # The cached path: the prompt's first half, then the rest with the present as past.
        if len(ids) >= 2:
            cut = len(ids) // 2
            first = run(sess, ids[:cut], outputs=["present_key", "present_value"], **kw)
            rest = run(sess, ids[cut:], past=(first["present_key"], first["present_value"]), outputs=["logits"], **kw)
            kv = max(kv, _rel(rest["logits"], got["logits"][cut:])[1])
    report = VariantReport(
        precision=precision,
        passed=True,
        outputs={n: {"max_abs": e[0], "max_rel": e[1]} for n, e in errs.items()},
        top1=float(np.mean(top1)),
        top5=float(np.mean(top5)),
        max_tv=max(tvs),
        confident_top1=(conf_hits / conf_n) if conf_n else None,
        kv_max_rel=kv,
        lens_max_rel=lens_err if lens_sess is not None else None,
        tolerance=TOLERANCE[precision],
    )
    report.failures = _judge(report)
    report.passed = not report.failures
    return report


def _judge(r: VariantReport) -> list[str]:
    tol, bad = r.tolerance, []
    if "max_rel" in tol:
        bad += [
            f"{n}: relative error {e['max_rel']:.2e} > {tol['max_rel']:.0e}"
            for n, e in r.outputs.items()
            if e["max_rel"] > tol["max_rel"]
        ]
    if "max_tv" in tol and r.max_tv > tol["max_tv"]:
        bad.append(f"next-token distribution differs by {r.max_tv:.3f} (total variation) > {tol['max_tv']}")
    if "confident_top1" in tol and r.confident_top1 is not None and r.confident_top1 < tol["confident_top1"]:
        bad.append(f"top-1 agreement where PyTorch is confident {r.confident_top1:.2f} < {tol['confident_top1']}")
    lens_tol = tol.get("lens_rel", tol["kv_rel"])
    if r.lens_max_rel is not None and r.lens_max_rel > lens_tol:
        bad.append(f"the logit-lens graph differs from PyTorch by {r.lens_max_rel:.2e} (relative) > {lens_tol:.0e}")
    if r.kv_max_rel > tol["kv_rel"]:
        bad.append(
            f"logits with a past cache differ from a full run by {r.kv_max_rel:.2e} (relative) > {tol['kv_rel']:.0e}"
        )
    return bad
