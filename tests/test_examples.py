"""The precomputed example traces the page draws before the model arrives."""

import json

import numpy as np

from txbuild.examples import build_examples, unpack
from txbuild.sources import load, resolve
from txbuild.trace import trace_ids


def test_example_files_hold_the_real_trace(tiny_checkpoint, tmp_path):
    lm = load(resolve(str(tiny_checkpoint)))
    entries, first = build_examples(lm, ["Once more unto the breach", "안녕"], 64, tmp_path)
    assert len(entries) == 2
    e = entries[0]
    ref = trace_ids(lm.model, e["ids"])
    blob = (tmp_path / e["trace"]["path"]).read_bytes()
    names = {t["name"] for t in e["trace"]["tensors"]}
    assert "attn_probs" in names and "logits" in names and "present_key" not in names
    for t in e["trace"]["tensors"]:
        arr, want = unpack(blob, t), ref[t["name"]]
        if t["dtype"] == "float16":  # the intermediates at half precision: 11 significant bits
            assert t["name"] not in ("logits", "attn_probs")
            np.testing.assert_array_equal(arr, want.astype(np.float16).astype(np.float32))
        elif t["dtype"] == "float32":  # the attention probabilities: rows that sum to 1
            assert t["name"] == "attn_probs"
            np.testing.assert_array_equal(arr, want)
        else:  # the logits: each row's maximum exact, the rest within half a float16 step below it
            assert t["name"] == "logits" and t["dtype"] == "float16-rowmax"
            below = want.max(axis=-1, keepdims=True) - want
            assert np.all(np.abs(arr - want) <= below * 2**-11 + 1e-5)
            np.testing.assert_array_equal(arr.max(axis=-1), want.max(axis=-1))
            assert (arr.argmax(-1) == want.argmax(-1)).all()
    assert e["top"][0]["id"] == int(np.argmax(ref["logits"][-1]))
    json.dumps(entries)  # the manifest must be able to carry them
    np.testing.assert_array_equal(first["logits"], ref["logits"])


def test_logit_lens_ends_at_the_model_prediction(tiny_checkpoint, tmp_path):
    from txbuild.examples import lens_tops

    lm = load(resolve(str(tiny_checkpoint)))
    entries, tr = build_examples(lm, ["The lens looks at every layer"], 64, tmp_path)
    tops = lens_tops(lm, tr, k=5)
    assert len(tops) == lm.model.config.n_layer + 1  # after the embedding, then after each block
    assert [t["id"] for t in tops[-1]] == [t["id"] for t in entries[0]["top"][:5]]
    np.testing.assert_allclose([t["prob"] for t in tops[-1]], [t["prob"] for t in entries[0]["top"][:5]], rtol=1e-5)
