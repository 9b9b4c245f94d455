"""The logit lens graph: the model's own final LayerNorm and unembedding, cut out of a variant.

The lens applies `ln_f` and the output layer to the residual stream after any layer. Inside
the main graph it would run on every forward (ONNX Runtime computes every node whatever is
fetched), so it is a second, small graph extracted from the variant's graph: the same
operators and the same precision, and its initializers point into the same shard files, so
the browser downloads the weights once and hands the same bytes to both sessions.
"""

from __future__ import annotations

from pathlib import Path

import onnx
from onnx import TensorProto, helper
from onnx.utils import Extractor

LENS_GRAPH = "lens.onnx"
LENS_INPUT = "hidden"  # [n, embd] float32: residual-stream rows
LENS_OUTPUT = "logits"  # [n, vocab] float32


def _final_layernorm_input(graph: onnx.GraphProto) -> str:
    producer = {o: n for n in graph.node for o in n.output}
    node = producer["ln_f"]
    while node.op_type != "LayerNormalization":  # fp16 variants cast ln_f back to float32
        node = producer[node.input[0]]
    return node.input[0]


def extract_lens(variant_dir: Path, graph_name: str = "model.onnx") -> list[str]:
    """Write `variant_dir/lens.onnx`; return the shard files it reads."""
    main = onnx.load(variant_dir / graph_name, load_external_data=False)
    residual = _final_layernorm_input(main.graph)
    sub = Extractor(main).extract_model([residual], ["logits"])
    g = sub.graph
    (inp,) = g.input
    dtype = inp.type.tensor_type.elem_type
    embd = inp.type.tensor_type.shape.dim[-1].dim_value
    # A float32 input named for what it is, whatever precision the variant computes in.
    g.input.remove(inp)
    g.input.append(helper.make_tensor_value_info(LENS_INPUT, TensorProto.FLOAT, ["n", embd]))
    if dtype == TensorProto.FLOAT:
        for node in g.node:
            node.input[:] = [LENS_INPUT if i == residual else i for i in node.input]
    else:
        g.node.insert(0, helper.make_node("Cast", [LENS_INPUT], [residual], to=dtype))
    out = g.output[0]
    out.type.tensor_type.shape.dim[0].dim_param = "n"
    onnx.save_model(sub, variant_dir / LENS_GRAPH)
    onnx.checker.check_model(str(variant_dir / LENS_GRAPH))
    return sorted({e.value for t in g.initializer for e in t.external_data if e.key == "location"})
