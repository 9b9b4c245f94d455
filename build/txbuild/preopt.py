"""Optimise a variant's graph at build time, so the browser's session start does not.

ONNX Runtime rewrites a graph when a session starts (constant folding, LayerNorm/GELU/MatMul
fusions). onnxruntime-web's wasm backend is ONNX Runtime's CPU execution provider, so the
rewrites the CPU provider does at level "extended" are valid there: this runs them once, in
Python, and the shipped graph is the rewritten one. The browser then starts its session at
level BROWSER_LEVEL ("basic": what is left to fold is q4's 4-bit weights, below), and
verification runs the shipped graph at that same level (verify.options).

Two rewrites are kept out on purpose:
- QDQ fusions (`session.disable_quant_qdq`): the wasm build's 4-bit MatMulNBits kernel is slow
  (q4.py), so a q4 graph keeps DequantizeLinear → MatMul, which the browser folds to fp32.
- Constant folding, where it would grow the download: folding q4's DequantizeLinear (and its
  fp16 → fp32 casts) would ship fp32 weights. If a folded graph's weights come out more than
  GROWTH larger, the graph is optimised again without constant folding.

No x86-only rewrite runs (level "all" adds the NCHWc layouts, which the wasm build lacks).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import onnx

BROWSER_LEVEL = "basic"  # web/src/worker-core.js starts wasm sessions at this level
GROWTH = 1.01  # largest accepted ratio of optimised to original weight bytes
_EXTERNAL = "model.onnx.data"


MAX_PASSES = 3
STAMP = "txbuild.preoptimized"


def _ops(model: onnx.ModelProto) -> list[str]:
    return sorted(n.op_type for n in model.graph.node)


def weight_bytes(model: onnx.ModelProto) -> int:
    return sum(len(t.raw_data) for t in model.graph.initializer)


def _optimise(src: Path, dst: Path, fold: bool) -> onnx.ModelProto:
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    so.optimized_model_filepath = str(dst)
    so.add_session_config_entry("session.disable_quant_qdq", "1")
    # every initializer of 1 KiB or more to one external file next to the graph (re-sharded later)
    so.add_session_config_entry("session.optimized_model_external_initializers_file_name", _EXTERNAL)
    so.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    ort.InferenceSession(
        str(src), so, providers=["CPUExecutionProvider"], disabled_optimizers=None if fold else ["ConstantFolding"]
    )
    return onnx.load(dst, load_external_data=True)


def _save(model: onnx.ModelProto, folder: Path) -> Path:
    folder.mkdir()
    path = folder / "model.onnx"
    onnx.save_model(model, path, save_as_external_data=True, location=_EXTERNAL, size_threshold=1024)
    return path


def preoptimize(model: onnx.ModelProto) -> onnx.ModelProto:
    """The graph as ONNX Runtime's CPU provider rewrites it at level "extended", weights inline."""
    import onnxruntime as ort

    with tempfile.TemporaryDirectory() as tmp:
        before = None
        optimised, fold = model, True
        # Casts ORT inserts around fp16 nodes without a CPU kernel open fusions for the next
        # pass: repeat until a pass changes nothing, so the browser's session has nothing left.
        for i in range(MAX_PASSES):
            ops = _ops(optimised)
            src = _save(optimised, Path(tmp) / f"in{i}")
            if before is None:
                before = weight_bytes(onnx.load(src, load_external_data=True))
            dst = Path(tmp) / f"out{i}"
            dst.mkdir()
            optimised = _optimise(src, dst / "model.onnx", fold)
            if fold and weight_bytes(optimised) > before * GROWTH:  # q4/fp16: folding would ship fp32
                fold = False
                optimised = _optimise(src, dst / "model.onnx", fold)
            if _ops(optimised) == ops:
                break

    assert weight_bytes(optimised) <= before * GROWTH, "the optimised graph would ship more bytes"
    # says what ran, for tools that meet the graph later (scripts/bench_browser.py)
    optimised.metadata_props.add(key=STAMP, value=f"extended, onnxruntime {ort.__version__}")
    # the graph's inputs and outputs are the contract the browser and the manifest rely on
    assert [i.name for i in optimised.graph.input] == [i.name for i in model.graph.input]
    assert [o.name for o in optimised.graph.output] == [o.name for o in model.graph.output]
    return optimised
