"""Direct logit attribution: the parts sum to the model's own logit (PyTorch, independently run)."""

from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import GPT2LMHeadModel

from txbuild import attribution
from txbuild.sources import encode, load, resolve
from txbuild.trace import lens_logits, trace_ids

BUNDLED = Path(__file__).resolve().parents[1] / "models" / "gpt2-shakespeare"


def _check(folder: Path, prompt: str):
    lm = load(resolve(str(folder)))
    ids = encode(lm.tokenizer, prompt)
    tr = trace_ids(lm.model, ids)
    # the reference logits: Hugging Face's own forward, not the trace
    hf = GPT2LMHeadModel.from_pretrained(folder, attn_implementation="eager").float().eval()
    with torch.no_grad():
        ref = hf(torch.tensor([ids])).logits[0, -1].numpy()
    for tok in (int(ref.argmax()), int(ref.argmin()), 13):
        s = attribution.shares(lm.model, tr, tok)
        assert s["parts"].shape == (1 + 2 * lm.model.config.n_layer,)
        total = s["parts"].sum() + s["bias"]
        assert abs(total - ref[tok]) <= 1e-4 * max(1.0, abs(ref[tok])), (tok, total, ref[tok])
        # the browser's route (the logit-lens graph, float32) gives the same shares
        via = attribution.shares_via_lens(
            lambda rows: lens_logits(lm.model, rows), attribution.parts(tr), tok, eps=hf.transformer.ln_f.eps
        )
        np.testing.assert_allclose(via["parts"], s["parts"], rtol=1e-3, atol=1e-3 * max(1.0, abs(ref[tok])))
        assert abs(via["bias"] - s["bias"]) < 1e-4
    return lm, tr


def test_parts_sum_to_logit_random_model(tiny_checkpoint):
    _check(tiny_checkpoint, "The quick brown fox jumps over the lazy dog.")


def test_parts_sum_to_logit_bundled_model():
    lm, tr = _check(BUNDLED, "Good morrow, my")
    # a trained model's prediction is not carried by the bias alone: some part pushes it up
    tok = int(tr["logits"][-1].argmax())
    entry = attribution.example_entry(lm.model, tr, tok)
    assert max(entry["parts"]) > 0
    assert entry["logit"] == pytest.approx(sum(entry["parts"]) + entry["bias"], rel=1e-4, abs=1e-4)
