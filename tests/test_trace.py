"""The traced forward must equal Hugging Face's own GPT-2 forward."""

import numpy as np
import torch
from transformers import GPT2LMHeadModel

from txbuild.graph import OUTPUTS
from txbuild.sources import encode, load, resolve
from txbuild.trace import TracedGPT2, empty_past, trace_ids


def test_trace_equals_hugging_face_forward(tiny_checkpoint):
    lm = load(resolve(str(tiny_checkpoint)))
    ids = encode(lm.tokenizer, "The quick brown fox jumps over the lazy dog.")
    tr = trace_ids(lm.model, ids)
    hf = GPT2LMHeadModel.from_pretrained(tiny_checkpoint, attn_implementation="eager").eval()
    with torch.no_grad():
        out = hf(torch.tensor([ids]), output_hidden_states=True, output_attentions=True)
    np.testing.assert_allclose(tr["logits"], out.logits[0].numpy(), rtol=0, atol=1e-5)
    L = hf.config.n_layer
    assert tr["attn_probs"].shape == (L, hf.config.n_head, len(ids), len(ids))
    for i in range(L):
        np.testing.assert_allclose(tr["attn_probs"][i], out.attentions[i][0].numpy(), atol=1e-6)
        # hidden_states[i] is the input of block i; [L] is after ln_f
        block_in = tr["embed"] if i == 0 else tr["resid_post"][i - 1]
        np.testing.assert_allclose(block_in, out.hidden_states[i][0].numpy(), atol=1e-5)
    np.testing.assert_allclose(tr["ln_f"], out.hidden_states[L][0].numpy(), atol=1e-5)


def test_trace_parts_are_consistent(tiny_checkpoint):
    lm = load(resolve(str(tiny_checkpoint)))
    ids = encode(lm.tokenizer, "Residual streams add up.")
    tr = trace_ids(lm.model, ids)
    assert set(tr) == set(OUTPUTS)
    np.testing.assert_allclose(tr["embed"], tr["tok_emb"] + tr["pos_emb"], atol=1e-6)
    np.testing.assert_allclose(tr["resid_post"][0], tr["resid_mid"][0] + tr["mlp_out"][0], atol=1e-5)
    np.testing.assert_allclose(tr["attn_probs"].sum(-1), 1.0, atol=1e-5)
    T = len(ids)
    above = np.triu(np.ones((T, T), dtype=bool), k=1)
    assert np.isneginf(tr["attn_scores"][:, :, above]).all()
    assert np.isfinite(tr["attn_scores"][:, :, ~above]).all()


def test_past_cache_reproduces_full_run(tiny_checkpoint):
    lm = load(resolve(str(tiny_checkpoint)))
    ids = encode(lm.tokenizer, "One token at a time, with a cache of keys and values.")
    model = TracedGPT2(lm.model)
    pk, pv = empty_past(model)
    names = list(OUTPUTS)
    with torch.no_grad():
        full = dict(zip(names, model(torch.tensor([ids]), pk, pv)))
        first = dict(zip(names, model(torch.tensor([ids[:5]]), pk, pv)))
        rest = dict(zip(names, model(torch.tensor([ids[5:]]), first["present_key"], first["present_value"])))
    torch.testing.assert_close(rest["logits"], full["logits"][5:], atol=1e-5, rtol=0)
    torch.testing.assert_close(rest["present_key"], full["present_key"], atol=1e-6, rtol=0)
