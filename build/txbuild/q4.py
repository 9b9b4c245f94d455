"""The q4 variant: every weight matrix as 4-bit blocks (ONNX Runtime's 4-bit weight quantizer).

The exporter writes GPT-2's linear layers as `Gemm`; the quantizer only takes `MatMul`, so
they are rewritten first (same maths). Block size 32, symmetric: each run of 32 weights along
the input dimension shares one scale (stored as fp16), so 4.5 bits per weight in all.

The weights are stored in the QDQ form: an int4 tensor and its block scales behind a standard
`DequantizeLinear` (opset 21, `block_size` 32) in front of each `MatMul`. That one graph runs
two ways. ONNX Runtime's default optimisations fuse the pair into `MatMulNBits` (the 4-bit
kernel: native ORT, and WebGPU where it has one). onnxruntime-web's wasm build has no fast
4-bit kernel (its MatMulNBits unpacks the whole weight on every run: 2.7 s a token for GPT-2
small against 0.19 s for int8, scripts/bench_browser.py), so the wasm worker sets
`session.disable_quant_qdq`: each DequantizeLinear is then constant-folded once when the
session starts, and the maths runs in fp32.

The tied embedding is stored once: the token lookup gathers columns of the output layer's
dequantized [C, vocab] matrix and transposes them (as the int8 variant does).
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BLOCK = 32
BITS = 4


def _gemm_to_matmul(model: onnx.ModelProto) -> None:
    """Gemm(A, B[, C]) with constant B -> MatMul(A, B or Bᵀ) [+ C]; only alpha = beta = 1."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    for node in list(g.node):
        if node.op_type != "Gemm" or node.input[1] not in inits:
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        assert attrs.get("alpha", 1.0) == 1.0 and attrs.get("beta", 1.0) == 1.0 and not attrs.get("transA", 0), (
            node.name
        )
        b = node.input[1]
        if attrs.get("transB", 0):
            # The tied output layer: a transposed copy for the quantizer (the fp32 one goes later).
            arr = numpy_helper.to_array(inits[b]).T
            b = f"{b}__t"
            g.initializer.append(numpy_helper.from_array(np.ascontiguousarray(arr), b))
        at = list(g.node).index(node)
        out = node.output[0]
        new = [
            helper.make_node(
                "MatMul", [node.input[0], b], [out if len(node.input) < 3 else f"{out}__mm"], name=f"{node.name}__mm"
            )
        ]
        if len(node.input) == 3:
            new.append(helper.make_node("Add", [f"{out}__mm", node.input[2]], [out], name=f"{node.name}__bias"))
        g.node.remove(node)
        for i, n in enumerate(new):
            g.node.insert(at + i, n)


def _lookup_from_output_layer(model: onnx.ModelProto) -> None:
    """The token lookup reads the output layer's dequantized weights instead of its own fp32 copy."""
    g = model.graph
    inits = {i.name for i in g.initializer}
    dq_of = {n.input[0]: n for n in g.node if n.op_type == "DequantizeLinear"}
    for node in list(g.node):
        if node.op_type != "Gather" or node.input[0] not in inits:
            continue
        dq = dq_of.get(f"{node.input[0]}__t_DQ_Q{BITS}")
        if dq is None:
            continue
        cols = f"{node.output[0]}__cols"
        g.node.remove(dq)  # the lookup comes first: so must the dequantization it reads
        g.node.insert(0, dq)
        at = list(g.node).index(node)
        g.node.remove(node)
        # [C, vocab] gathered along axis 1: [C, T], transposed to the lookup's [T, C]
        g.node.insert(at, helper.make_node("Gather", [dq.output[0], node.input[1]], [cols], axis=1))
        g.node.insert(at + 1, helper.make_node("Transpose", [cols], [node.output[0]], perm=[1, 0]))
    used = {i for n in g.node for i in n.input}
    for init in list(g.initializer):
        if init.name not in used:
            g.initializer.remove(init)


def _store_half(model: onnx.ModelProto, min_bytes: int = 64 * 1024) -> None:
    """Large float32 constants (the block scales, the position embedding) ship as fp16.

    A Cast back to float32 sits in front of each; ONNX Runtime folds it into a float32
    constant when the session starts, so the kernels (and MatMulNBits' prepacking) see the
    same float32 tensors as before, at half the download. For GPT-2 small this saves 9 MB.
    """
    g = model.graph
    casts = []
    for init in list(g.initializer):
        if init.data_type != TensorProto.FLOAT:
            continue
        arr = numpy_helper.to_array(init)
        if arr.nbytes < min_bytes:
            continue
        half = f"{init.name}__f16"
        g.initializer.remove(init)
        g.initializer.append(numpy_helper.from_array(arr.astype(np.float16), half))
        casts.append(helper.make_node("Cast", [half], [init.name], to=TensorProto.FLOAT, name=f"{init.name}__cast"))
    for i, n in enumerate(casts):
        g.node.insert(i, n)


def to_q4(fp32: onnx.ModelProto) -> onnx.ModelProto:
    from onnxruntime.quantization import QuantFormat
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    _gemm_to_matmul(fp32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        level = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)
        try:
            q = MatMulNBitsQuantizer(fp32, bits=BITS, block_size=BLOCK, is_symmetric=True, quant_format=QuantFormat.QDQ)
            q.process()
        finally:
            logging.getLogger().setLevel(level)
    model = q.model.model
    _lookup_from_output_layer(model)
    _store_half(model)
    onnx.checker.check_model(model, full_check=False)
    return model
