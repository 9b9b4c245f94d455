"""The q4 variant: every weight matrix as 4-bit blocks in ONNX Runtime's `MatMulNBits` layout.

The exporter writes GPT-2's linear layers as `Gemm`; the quantizer only takes `MatMul`, so
they are rewritten first (same maths). Block size 32, symmetric: each run of 32 weights along
the input dimension shares one fp32 scale, so 4.5 bits per weight in all.

The tied embedding is stored once. The output layer's `MatMulNBits` weight is laid out
[vocab, C/32, 16] (one row of packed nibbles per output token), which is exactly a row of the
token embedding: the token lookup gathers those rows and unpacks them with standard
operators (bit mask, shift, scale), so no copy of the embedding ships.

The weights are then decoded once, at session start, by the same standard operators (see
_decode_at_init): the 4-bit layout is what ships, fp32 is what runs.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BLOCK = 32
BITS = 4
ZERO = 8  # symmetric 4-bit: stored value = q + 8


def _gemm_to_matmul(model: onnx.ModelProto) -> None:
    """Gemm(A, B[, C]) with constant B -> MatMul(A, B or Bᵀ) [+ C]; only alpha = beta = 1."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    for node in list(g.node):
        if node.op_type != "Gemm" or node.input[1] not in inits:
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        assert attrs.get("alpha", 1.0) == 1.0 and attrs.get("beta", 1.0) == 1.0 and not attrs.get("transA", 0), node.name
        b = node.input[1]
        if attrs.get("transB", 0):
            # The tied output layer: a transposed copy for the quantizer (the fp32 one goes later).
            arr = numpy_helper.to_array(inits[b]).T
            b = f"{b}__t"
            g.initializer.append(numpy_helper.from_array(np.ascontiguousarray(arr), b))
        at = list(g.node).index(node)
        out = node.output[0]
        new = [helper.make_node("MatMul", [node.input[0], b], [out if len(node.input) < 3 else f"{out}__mm"],
                                name=f"{node.name}__mm")]
        if len(node.input) == 3:
            new.append(helper.make_node("Add", [f"{out}__mm", node.input[2]], [out], name=f"{node.name}__bias"))
        g.node.remove(node)
        for i, n in enumerate(new):
            g.node.insert(at + i, n)


def _lookup_from_packed(model: onnx.ModelProto) -> None:
    """The token lookup reads the output layer's 4-bit rows instead of its own fp32 copy."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    producer_of = {n.input[1]: n for n in g.node if n.op_type == "MatMulNBits"}
    for node in list(g.node):
        if node.op_type != "Gather" or node.input[0] not in inits:
            continue
        table = node.input[0]
        q = producer_of.get(f"{table}__t_Q{BITS}")
        if q is None:
            continue
        packed, scales = q.input[1], q.input[2]
        assert len(q.input) == 3, "symmetric quantization has no zero points"
        n_embd = numpy_helper.to_array(inits[table]).shape[1]
        ids, out, p = node.input[1], node.output[0], f"{node.output[0]}__q4"
        c = lambda name, arr: g.initializer.append(numpy_helper.from_array(np.array(arr), name))  # noqa: E731
        c(f"{p}_mask", np.uint8(0x0F))
        c(f"{p}_four", np.uint8(4))
        c(f"{p}_zero", np.float32(ZERO))
        c(f"{p}_last", np.array([-1], dtype=np.int64))
        c(f"{p}_row", np.array([n_embd], dtype=np.int64))
        c(f"{p}_s0", np.array([0], dtype=np.int64))
        c(f"{p}_blockdim", np.array([BLOCK], dtype=np.int64))
        nodes = [
            helper.make_node("Gather", [packed, ids], [f"{p}_bytes"], axis=0),  # ids… × nb × 16
            helper.make_node("BitwiseAnd", [f"{p}_bytes", f"{p}_mask"], [f"{p}_lo"]),  # element 2i
            helper.make_node("BitShift", [f"{p}_bytes", f"{p}_four"], [f"{p}_hi"], direction="RIGHT"),  # 2i+1
            helper.make_node("Unsqueeze", [f"{p}_lo", f"{p}_last"], [f"{p}_lo1"]),
            helper.make_node("Unsqueeze", [f"{p}_hi", f"{p}_last"], [f"{p}_hi1"]),
            helper.make_node("Concat", [f"{p}_lo1", f"{p}_hi1"], [f"{p}_pairs"], axis=-1),  # ids… × nb × 16 × 2
            helper.make_node("Cast", [f"{p}_pairs"], [f"{p}_f"], to=TensorProto.FLOAT),
            helper.make_node("Sub", [f"{p}_f", f"{p}_zero"], [f"{p}_centred"]),
            # ids… × nb × 32: the packed shape with its last dim (16 bytes) as 32 values
            helper.make_node("Shape", [f"{p}_bytes"], [f"{p}_shape"]),
            helper.make_node("Slice", [f"{p}_shape", f"{p}_s0", f"{p}_last"], [f"{p}_lead"]),
            helper.make_node("Concat", [f"{p}_lead", f"{p}_blockdim"], [f"{p}_blocks"], axis=0),
            helper.make_node("Reshape", [f"{p}_centred", f"{p}_blocks"], [f"{p}_blocked"]),
            helper.make_node("Gather", [scales, ids], [f"{p}_scale"], axis=0),  # ids… × nb
            helper.make_node("Unsqueeze", [f"{p}_scale", f"{p}_last"], [f"{p}_scale1"]),
            helper.make_node("Mul", [f"{p}_blocked", f"{p}_scale1"], [f"{p}_vals"]),
            helper.make_node("Shape", [ids], [f"{p}_ids_shape"]),
            helper.make_node("Concat", [f"{p}_ids_shape", f"{p}_row"], [f"{p}_out_shape"], axis=0),
            helper.make_node("Reshape", [f"{p}_vals", f"{p}_out_shape"], [out]),  # ids… × C
        ]
        at = list(g.node).index(node)
        g.node.remove(node)
        for i, n in enumerate(nodes):
            g.node.insert(at + i, n)
    used = {i for n in g.node for i in n.input}
    for init in list(g.initializer):
        if init.name not in used:
            g.initializer.remove(init)


def _decode_at_init(model: onnx.ModelProto) -> None:
    """MatMulNBits(A, packed, scales) -> MatMul(A, decoded), the decoding from constants only.

    onnxruntime-web 1.30's wasm build has no fast 4-bit kernel: its MatMulNBits unpacks the
    whole weight on every run (GPT-2 small: 2.7 s a token in Chromium against 0.19 s for int8,
    scripts/bench_browser.py). Written with standard operators on initializers, the decoding is
    constant-folded once when the session starts: the download stays 4-bit, the maths is fp32.
    """
    g = model.graph
    shared = {"mask": np.uint8(0x0F), "four": np.uint8(4), "zero": np.float32(ZERO), "last": np.array([-1], np.int64)}
    for k, v in shared.items():
        g.initializer.append(numpy_helper.from_array(np.array(v), f"q4__{k}"))
    for node in list(g.node):
        if node.op_type != "MatMulNBits":
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        n_out, k_in = attrs["N"], attrs["K"]
        assert k_in % BLOCK == 0 and attrs["bits"] == BITS and len(node.input) == 3, node.name
        a, packed, scales = node.input
        p = f"{packed}__dec"
        g.initializer.append(numpy_helper.from_array(np.array([n_out, k_in // BLOCK, BLOCK], np.int64), f"{p}_blocks"))
        g.initializer.append(numpy_helper.from_array(np.array([n_out, k_in // BLOCK, 1], np.int64), f"{p}_sshape"))
        g.initializer.append(numpy_helper.from_array(np.array([n_out, k_in], np.int64), f"{p}_rows"))
        nodes = [
            helper.make_node("BitwiseAnd", [packed, "q4__mask"], [f"{p}_lo"]),  # element 2i of each byte
            helper.make_node("BitShift", [packed, "q4__four"], [f"{p}_hi"], direction="RIGHT"),  # element 2i+1
            helper.make_node("Unsqueeze", [f"{p}_lo", "q4__last"], [f"{p}_lo1"]),
            helper.make_node("Unsqueeze", [f"{p}_hi", "q4__last"], [f"{p}_hi1"]),
            helper.make_node("Concat", [f"{p}_lo1", f"{p}_hi1"], [f"{p}_pairs"], axis=-1),  # N × nb × 16 × 2
            helper.make_node("Cast", [f"{p}_pairs"], [f"{p}_f"], to=TensorProto.FLOAT),
            helper.make_node("Sub", [f"{p}_f", "q4__zero"], [f"{p}_c"]),
            helper.make_node("Reshape", [f"{p}_c", f"{p}_blocks"], [f"{p}_b"]),  # N × nb × 32
            helper.make_node("Reshape", [scales, f"{p}_sshape"], [f"{p}_s"]),  # N × nb × 1
            helper.make_node("Mul", [f"{p}_b", f"{p}_s"], [f"{p}_v"]),
            helper.make_node("Reshape", [f"{p}_v", f"{p}_rows"], [f"{p}_nk"]),  # N × K
            helper.make_node("Transpose", [f"{p}_nk"], [f"{p}_w"], perm=[1, 0]),  # K × N, as MatMul wants
            helper.make_node("MatMul", [a, f"{p}_w"], list(node.output), name=f"{node.name}__mm"),
        ]
        at = list(g.node).index(node)
        g.node.remove(node)
        for i, n in enumerate(nodes):
            g.node.insert(at + i, n)


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
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    _gemm_to_matmul(fp32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        level = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)
        try:
            q = MatMulNBitsQuantizer(fp32, bits=BITS, block_size=BLOCK, is_symmetric=True)
            q.process()
        finally:
            logging.getLogger().setLevel(level)
    model = q.model.model
    _lookup_from_packed(model)
    _decode_at_init(model)
    _store_half(model)
    onnx.checker.check_model(model, full_check=False)
    return model
