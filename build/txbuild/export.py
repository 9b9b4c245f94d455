"""Export the traced forward to ONNX (dynamo exporter) and derive the fp16, int8 and q4 variants."""

from __future__ import annotations

import logging
import tempfile
import warnings
from pathlib import Path

import onnx
import torch
from torch.export import Dim

from . import PRECISIONS
from .graph import INPUTS, OUTPUTS
from .trace import TracedGPT2, empty_past

OPSET = 18  # 17 writes a Split that fails onnx.checker (NOTES.md)


def export_fp32(hf_model) -> onnx.ModelProto:
    """The fp32 graph: dynamic `seq` and `past`, every intermediate as a packed output."""
    model = TracedGPT2(hf_model.float().eval())
    n_ctx = hf_model.config.n_positions
    seq = Dim("seq", min=1, max=n_ctx)
    past = Dim("past", min=0, max=n_ctx - 1)
    # Example inputs with a non-trivial past so neither dimension is specialised to 0 or 1.
    ids = torch.zeros((1, 3), dtype=torch.long)
    past_k, past_v = empty_past(model, 2)
    with warnings.catch_warnings(), _quiet("torch.onnx", "torch.export", "torch._dynamo"):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            model,
            (ids, past_k, past_v),
            dynamo=True,
            opset_version=OPSET,
            input_names=list(INPUTS),
            output_names=list(OUTPUTS),
            dynamic_shapes=({1: seq}, {2: past}, {2: past}),
            verbose=False,
        )
    proto = program.model_proto
    onnx.checker.check_model(proto, full_check=False)
    return proto


class _quiet:
    """Raise the named loggers (the root logger by default) to ERROR for a noisy call."""

    def __init__(self, *names: str):
        self.loggers = [logging.getLogger(n) for n in names] or [logging.getLogger()]

    def __enter__(self):
        self.levels = [lg.level for lg in self.loggers]
        for lg in self.loggers:
            lg.setLevel(logging.ERROR)

    def __exit__(self, *exc):
        for lg, lv in zip(self.loggers, self.levels):
            lg.setLevel(lv)


def to_fp16(fp32: onnx.ModelProto) -> onnx.ModelProto:
    from onnxruntime.transformers.float16 import convert_float_to_float16
    from onnxruntime.transformers.onnx_model import OnnxModel

    # Inputs and outputs stay float32 so the browser code is the same for every variant.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fp16 = convert_float_to_float16(fp32, keep_io_types=True, disable_shape_infer=True)
    # The converter appends its input casts at the end of the node list; ONNX wants them sorted.
    wrapped = OnnxModel(fp16)
    wrapped.topological_sort()
    return wrapped.model


def to_int8(fp32: onnx.ModelProto) -> onnx.ModelProto:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        onnx.save_model(fp32, src, save_as_external_data=True, location="fp32.onnx.data")
        with warnings.catch_warnings(), _quiet():
            warnings.simplefilter("ignore")
            quantize_dynamic(src, dst, weight_type=QuantType.QInt8, use_external_data_format=True)
        model = onnx.load(dst, load_external_data=True)
    _share_tied_embedding(model)
    return model


def _share_tied_embedding(model: onnx.ModelProto) -> None:
    """Store GPT-2's tied embedding once in the int8 graph.

    The quantizer writes the tied matrix twice: uint8 [V, C] for the token lookup (Gather) and
    int8 [C, V] for the output layer (MatMulInteger). The lookup can read the output layer's
    copy instead: Gather along axis 1, transpose, dequantize with that copy's scale. For GPT-2
    small this saves 38.6 MB of download.
    """
    from onnx import helper

    g = model.graph
    inits = {i.name: i for i in g.initializer}
    for node in list(g.node):
        if node.op_type != "Gather" or not node.input[0].endswith("_quantized"):
            continue
        base = node.input[0][: -len("_quantized")]
        shared = f"{base}_Transposed"
        if f"{shared}_quantized" not in inits:
            continue
        deq = next(n for n in g.node if n.op_type == "DequantizeLinear" and n.input[0] == node.output[0])
        assert not inits[f"{shared}_scale"].dims, "per-channel scales cannot be shared this way"
        gathered, flipped = f"{node.output[0]}__cols", f"{node.output[0]}__rows"
        at = list(g.node).index(node)
        g.node.remove(node)
        g.node.insert(at, helper.make_node("Gather", [f"{shared}_quantized", node.input[1]], [gathered], axis=1))
        g.node.insert(at + 1, helper.make_node("Transpose", [gathered], [flipped], perm=[1, 0]))
        deq.input[:] = [flipped, f"{shared}_scale", f"{shared}_zero_point"]
        used = {i for n in g.node for i in n.input}
        for name in (f"{base}_quantized", f"{base}_scale", f"{base}_zero_point"):
            if name not in used and name in inits:
                g.initializer.remove(inits[name])


def make_variant(fp32: onnx.ModelProto, precision: str) -> onnx.ModelProto:
    assert precision in PRECISIONS, precision
    # The converters edit their input in place: each gets its own copy of the fp32 graph.
    copy = onnx.ModelProto.FromString(fp32.SerializeToString())
    from .q4 import to_q4

    return {"fp32": lambda m: m, "fp16": to_fp16, "int8": to_int8, "q4": to_q4}[precision](copy)
