"""Export the traced forward to ONNX (dynamo exporter) and derive the fp16 and int8 variants."""

from __future__ import annotations

import logging
import tempfile
import warnings
from pathlib import Path

import onnx
import torch
from torch.export import Dim

from .trace import INPUTS, OUTPUTS, TracedGPT2, empty_past

OPSET = 18  # 17 writes a Split that fails onnx.checker (NOTES.md)
PRECISIONS = ("fp32", "fp16", "int8")


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
            model, (ids, past_k, past_v), dynamo=True, opset_version=OPSET,
            input_names=list(INPUTS), output_names=list(OUTPUTS),
            dynamic_shapes=({1: seq}, {2: past}, {2: past}), verbose=False)
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
        return onnx.load(dst, load_external_data=True)


def make_variant(fp32: onnx.ModelProto, precision: str) -> onnx.ModelProto:
    assert precision in PRECISIONS, precision
    # The converters edit their input in place: each gets its own copy of the fp32 graph.
    copy = onnx.ModelProto.FromString(fp32.SerializeToString())
    return {"fp32": lambda m: m, "fp16": to_fp16, "int8": to_int8}[precision](copy)
