"""The graph's interface: its file name, its inputs and outputs with their named dims, and the
sizes those names stand for. Plain data (no torch, onnx or transformers), so the manifest
(manifest.py) can describe a graph without loading the exporter (trace.py, stages.py).
web/src/outputs.js is the browser's copy of OUTPUTS; tests/js/outputs.test.mjs checks the two
through the golden manifest."""

from __future__ import annotations

GRAPH = "model.onnx"

# The graph's outputs, in order, with their dimension names (the manifest publishes these).
# seq = new tokens, past = cached tokens, ctx = past + seq.
OUTPUTS: dict[str, tuple[str, ...]] = {
    "logits": ("seq", "vocab"),
    "present_key": ("layer", "head", "ctx", "head_dim"),
    "present_value": ("layer", "head", "ctx", "head_dim"),
    "tok_emb": ("seq", "embd"),
    "pos_emb": ("seq", "embd"),
    "embed": ("seq", "embd"),
    "ln1": ("layer", "seq", "embd"),
    "q": ("layer", "head", "seq", "head_dim"),
    "k": ("layer", "head", "seq", "head_dim"),
    "v": ("layer", "head", "seq", "head_dim"),
    "attn_scores": ("layer", "head", "seq", "ctx"),  # q·kᵀ/√d, −inf where masked
    "attn_probs": ("layer", "head", "seq", "ctx"),
    "head_out": ("layer", "head", "seq", "head_dim"),
    "attn_out": ("layer", "seq", "embd"),  # after c_proj
    "resid_mid": ("layer", "seq", "embd"),  # x + attn(ln_1(x))
    "ln2": ("layer", "seq", "embd"),
    "mlp_pre": ("layer", "seq", "mlp"),  # c_fc, before GELU
    "mlp_act": ("layer", "seq", "mlp"),  # after GELU
    "mlp_out": ("layer", "seq", "embd"),
    "resid_post": ("layer", "seq", "embd"),
    "ln_f": ("seq", "embd"),
}
INPUTS: dict[str, tuple[str, ...]] = {
    "input_ids": ("batch", "seq"),
    "past_key": ("layer", "head", "past", "head_dim"),
    "past_value": ("layer", "head", "past", "head_dim"),
}


def dims_of(config) -> dict[str, int]:
    """The sizes of a GPT-2 config the dims are named by (and its context length)."""
    return {
        "layer": config.n_layer,
        "head": config.n_head,
        "head_dim": config.n_embd // config.n_head,
        "embd": config.n_embd,
        "mlp": config.n_inner or 4 * config.n_embd,
        "vocab": config.vocab_size,
        "n_ctx": config.n_positions,
    }
