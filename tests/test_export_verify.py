"""ONNX export, shards and the precision variants, checked against PyTorch with ONNX Runtime."""

import hashlib
import json

import numpy as np
import onnx
import pytest

from txbuild import export, shards, stages, trace, verify
from txbuild.graph import OUTPUTS
from txbuild.report import Reporter
from txbuild.sources import encode, load, resolve
from txbuild.trace import trace_ids


@pytest.fixture(scope="module")
def lm(tiny_checkpoint):
    return load(resolve(str(tiny_checkpoint)))


@pytest.fixture(scope="module")
def variant_dirs(lm, cache_root):
    return stages.export_variants(lm, list(export.PRECISIONS), cache_root, Reporter(-1))


@pytest.fixture(scope="module")
def reports(lm, variant_dirs, cache_root):
    return stages.verify_variants(lm, variant_dirs, cache_root, Reporter(-1))


def test_graph_has_packed_outputs_and_dynamic_lengths(variant_dirs, lm):
    m = onnx.load(variant_dirs["fp32"] / stages.GRAPH, load_external_data=False)
    assert m.opset_import[0].version >= 18
    assert [o.name for o in m.graph.output] == list(OUTPUTS)
    dims = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in m.graph.output}
    cfg = lm.model.config
    assert dims["attn_probs"][:2] == [cfg.n_layer, cfg.n_head]  # one tensor for all layers and heads
    assert isinstance(dims["logits"][0], str)  # dynamic sequence length
    past = {i.name: i.type.tensor_type.shape.dim[2].dim_param for i in m.graph.input if i.name.startswith("past")}
    assert past == {"past_key": "past", "past_value": "past"}


@pytest.mark.parametrize("precision", export.PRECISIONS)
def test_variant_passes_verification(reports, precision):
    r = reports[precision]
    assert r["passed"], r["failures"]
    assert set(r["outputs"]) == set(OUTPUTS)


def test_fp32_matches_pytorch_on_a_new_prompt(lm, variant_dirs):
    ids = encode(lm.tokenizer, "A prompt the verifier never saw, 한국어 too.")
    ref = trace_ids(lm.model, ids)
    dims = stages.dims_of(lm.model.config)
    got = verify.run(
        verify.session(variant_dirs["fp32"] / stages.GRAPH),
        ids,
        n_layer=dims["layer"],
        n_head=dims["head"],
        head_dim=dims["head_dim"],
    )
    for name in ("logits", "attn_probs", "mlp_act", "resid_post"):
        scale = np.abs(ref[name]).max()
        assert np.abs(got[name] - ref[name]).max() <= 1e-4 * scale, name


def test_quantized_variants_are_smaller(variant_dirs):
    size = {p: sum(s["bytes"] for s in json.loads((d / "shards.json").read_text())) for p, d in variant_dirs.items()}
    assert size["fp16"] < 0.6 * size["fp32"]
    # int8 stores the tied embedding once (the lookup reads the output layer's copy)
    assert size["int8"] < 0.3 * size["fp32"]


def test_shards_stay_under_the_limit_and_carry_their_hash(lm, tmp_path):
    """A limit smaller than the token embedding forces it to be split; ORT must still agree."""
    proto = export.export_fp32(lm.model)
    limit = 4 * 2**20  # the 50,257 × 64 fp32 embedding is 12.9 MB
    written = shards.save_sharded(proto, tmp_path, "model.onnx", max_bytes=limit)
    assert len(written) >= 4
    for s in written:
        data = (tmp_path / s.name).read_bytes()
        assert len(data) == s.bytes <= limit
        assert hashlib.sha256(data).hexdigest() == s.sha256
    ids = encode(lm.tokenizer, "Split weights, same answer.")
    dims = stages.dims_of(lm.model.config)
    got = verify.run(
        verify.session(tmp_path / "model.onnx"),
        ids,
        n_layer=dims["layer"],
        n_head=dims["head"],
        head_dim=dims["head_dim"],
        outputs=["logits"],
    )
    ref = trace_ids(lm.model, ids)["logits"]
    assert np.abs(got["logits"] - ref).max() <= 1e-4 * np.abs(ref).max()


def test_a_broken_variant_fails_verification(lm, variant_dirs, tmp_path):
    """Corrupt the fp32 weights: the verifier must notice."""
    m = onnx.load(variant_dirs["fp32"] / stages.GRAPH, load_external_data=True)
    for init in m.graph.initializer:
        if "c_fc" in init.name and init.name.endswith("weight"):
            arr = onnx.numpy_helper.to_array(init) * 1.5
            init.CopyFrom(onnx.numpy_helper.from_array(arr, init.name))
            break
    else:
        pytest.fail("no MLP weight found to corrupt")
    shards.save_sharded(m, tmp_path, "model.onnx")
    refs = stages.probe_refs(lm)
    r = verify.verify_variant("fp32", tmp_path / "model.onnx", refs, stages.dims_of(lm.model.config))
    assert not r.passed and any("relative error" in f for f in r.failures)


@pytest.mark.parametrize("precision", export.PRECISIONS)
def test_logit_lens_graph_reads_the_variant_shards_and_ends_at_the_prediction(lm, variant_dirs, precision):
    """The lens of the last layer's residual is the model's own next-token logits."""
    folder = variant_dirs[precision]
    lens_info = json.loads((folder / "lens.json").read_text())
    shard_names = {s["name"] for s in json.loads((folder / "shards.json").read_text())}
    assert lens_info["shards"] and set(lens_info["shards"]) <= shard_names
    assert (folder / "lens.onnx").stat().st_size < 100_000  # no weights of its own
    ids = encode(lm.tokenizer, "Every layer has an opinion")
    dims = stages.dims_of(lm.model.config)
    got = verify.run(
        verify.session(folder / stages.GRAPH),
        ids,
        n_layer=dims["layer"],
        n_head=dims["head"],
        head_dim=dims["head_dim"],
        outputs=["logits", "resid_post"],
    )
    (lens,) = verify.session(folder / "lens.onnx").run(["logits"], {"hidden": got["resid_post"][:, -1]})
    assert lens.shape == (dims["layer"], dims["vocab"])
    scale = np.abs(got["logits"][-1]).max()
    # int8 quantizes activations per run, so a run over other rows rounds a little differently
    tol = {"fp32": 1e-5, "fp16": 1e-3, "int8": 3e-2, "q4": 1e-5}[precision]
    assert np.abs(lens[-1] - got["logits"][-1]).max() <= tol * scale
    ref = trace_ids(lm.model, ids)
    first_layer = trace.lens_logits(lm.model, ref["resid_post"][:1, -1])[0]
    # q4's output layer is 4-bit: its lens differs from PyTorch's fp32 one by that rounding
    atol = {"q4": 0.25}.get(precision, max(tol, 2e-3))
    np.testing.assert_allclose(lens[0], first_layer, atol=atol * scale)


def _head_weights(m: onnx.ModelProto) -> tuple[np.ndarray, np.ndarray]:
    """The output layer's int4 weights [C, vocab] and fp16 block scales [C/32, vocab] in the q4 graph."""
    by_out = {o: n for n in m.graph.node for o in n.output}
    inits = {i.name: i for i in m.graph.initializer}
    head = by_out["logits"]
    dq = by_out[head.input[1]]
    assert head.op_type == "MatMul" and dq.op_type == "DequantizeLinear"
    cast = by_out[dq.input[1]]  # the scales ship as fp16 behind a Cast to float32
    assert cast.op_type == "Cast" and inits[cast.input[0]].data_type == onnx.TensorProto.FLOAT16
    q = onnx.numpy_helper.to_array(inits[dq.input[0]]).astype(np.float32)
    return q, onnx.numpy_helper.to_array(inits[cast.input[0]]).astype(np.float32)


def test_q4_ships_4bit_blocks_and_one_copy_of_the_tied_embedding(lm, variant_dirs):
    m = onnx.load(variant_dirs["q4"] / stages.GRAPH, load_external_data=False)
    cfg = lm.model.config
    inits = {i.name: i for i in m.graph.initializer}
    # four weight matrices per block and the output layer, int4 in blocks of 32 along the input
    dqs = [n for n in m.graph.node if n.op_type == "DequantizeLinear"]
    assert len(dqs) == 4 * cfg.n_layer + 1
    for n in dqs:
        assert inits[n.input[0]].data_type == onnx.TensorProto.INT4
        assert {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute} == {"axis": 0, "block_size": 32}
    assert not [n for n in m.graph.node if n.op_type in ("Gemm", "MatMulNBits")]
    big = [i.name for i in inits.values() if np.prod(i.dims) >= cfg.vocab_size * cfg.n_embd // 2]
    head = {o: n for n in m.graph.node for o in n.output}[
        {o: n for n in m.graph.node for o in n.output}["logits"].input[1]
    ]
    assert big == [head.input[0]]  # the embedding, once, as int4


def test_q4_runs_folded_to_fp32_on_wasm_and_as_4bit_kernels_by_default(lm, variant_dirs, tmp_path):
    """With the wasm worker's options ORT folds every weight to fp32 once at start; with its
    defaults it fuses them into MatMulNBits (what native ORT and WebGPU run)."""
    import onnxruntime as ort

    n = 4 * lm.model.config.n_layer + 1
    for opts, want in ((verify.options(), "MatMul"), (ort.SessionOptions(), "MatMulNBits")):
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        opts.optimized_model_filepath = str(tmp_path / f"{want}.onnx")
        ort.InferenceSession(str(variant_dirs["q4"] / stages.GRAPH), opts, providers=["CPUExecutionProvider"])
        g = onnx.load(tmp_path / f"{want}.onnx", load_external_data=False).graph
        ops = [x.op_type for x in g.node]
        if want == "MatMul":
            assert "DequantizeLinear" not in ops
            floats = {i.name for i in g.initializer if i.data_type == onnx.TensorProto.FLOAT}
            assert sum(x.op_type in ("MatMul", "FusedMatMul") and x.input[1] in floats for x in g.node) >= n
        else:
            # the tied output layer's dequantization also feeds the lookup: it may stay unfused
            assert ops.count("MatMulNBits") >= n - 1


def test_q4_token_lookup_reads_the_output_layer_weights(lm, variant_dirs):
    """tok_emb of the q4 graph = the output layer's int4 columns decoded independently."""
    m = onnx.load(variant_dirs["q4"] / stages.GRAPH, load_external_data=True)
    q, scales = _head_weights(m)
    table = (q * np.repeat(scales, 32, axis=0)).T  # [vocab, C]
    ids = encode(lm.tokenizer, "Four bits a weight")
    dims = stages.dims_of(lm.model.config)
    got = verify.run(
        verify.session(variant_dirs["q4"] / stages.GRAPH),
        ids,
        n_layer=dims["layer"],
        n_head=dims["head"],
        head_dim=dims["head_dim"],
        outputs=["tok_emb"],
    )["tok_emb"]
    np.testing.assert_allclose(got, table[ids], rtol=0, atol=1e-6)
    # and the decoded rows are the tied embedding, to 4-bit precision: half a step, one step
    # where the block's extreme is clipped to +7 (the symmetric range is -8…7)
    wte = lm.model.transformer.wte.weight.detach().numpy()
    step = np.abs(np.repeat(scales, 32, axis=0)).T  # scales carry a sign
    err = np.abs(table - wte)
    assert np.all(err <= 1.01 * step + 1e-6) and np.mean(err <= 0.51 * step + 1e-6) > 0.99  # 1%: fp16 scales


def test_q4_is_about_a_quarter_of_int8_weights(variant_dirs):
    size = {p: sum(s["bytes"] for s in json.loads((d / "shards.json").read_text())) for p, d in variant_dirs.items()}
    assert size["q4"] < 0.7 * size["int8"]


def _op_counts(path, tmp_path, fold: bool):
    """The op types of `path` after ONNX Runtime's CPU rewrites at the build's level."""
    import collections

    from txbuild import preopt

    m = preopt._optimise(path, tmp_path / "again.onnx", fold=fold)
    return collections.Counter(n.op_type for n in m.graph.node)


def test_shipped_graphs_are_already_optimised_for_the_browser(variant_dirs, tmp_path):
    """The build ran the CPU provider's rewrites (preopt.py): running them again changes nothing,
    so the browser's session (level 'basic') does not redo them; the weights did not grow."""
    import collections

    for prec, d in variant_dirs.items():
        shipped = onnx.load(d / stages.GRAPH, load_external_data=False)
        ops = collections.Counter(n.op_type for n in shipped.graph.node)
        if prec != "fp16":  # the CPU provider fuses float32 maths only
            assert ops["FastGelu"] == ops["LayerNormalization"] // 2, (prec, ops)  # GPT-2's tanh GELU, once per block
        (tmp_path / prec).mkdir()
        assert _op_counts(d / stages.GRAPH, tmp_path / prec, fold=False) == ops, prec
    if "int8" in variant_dirs:
        ops = collections.Counter(
            n.op_type for n in onnx.load(variant_dirs["int8"] / stages.GRAPH, load_external_data=False).graph.node
        )
        assert ops["DynamicQuantizeMatMul"] >= 4 and not ops["MatMulInteger"], ops
