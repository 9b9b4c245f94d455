"""A nanoGPT-style forward over Hugging Face GPT-2 modules that returns every intermediate.

The same module is what the ONNX graph is exported from, so the browser sees exactly these
tensors. Names follow the checkpoint (wte, wpe, c_attn, c_proj, ln_f). Outputs drop the batch
dimension (batch is always 1) and are packed per kind: [L, H, T, T], not one tensor per head.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from transformers import GPT2LMHeadModel

from .graph import OUTPUTS


class TracedGPT2(nn.Module):
    """GPT-2 forward with a packed past key/value cache and every intermediate as an output."""

    def __init__(self, hf: GPT2LMHeadModel):
        super().__init__()
        cfg = hf.config
        self.tr = hf.transformer
        self.lm_head = hf.lm_head
        self.n_layer, self.n_head, self.n_embd = cfg.n_layer, cfg.n_head, cfg.n_embd
        assert self.n_embd % self.n_head == 0, "width must split evenly into heads"
        self.head_dim = self.n_embd // self.n_head

    def forward(self, input_ids: torch.Tensor, past_key: torch.Tensor, past_value: torch.Tensor):
        # input_ids (1, T); past_key/past_value (L, H, P, hd), P may be 0
        assert input_ids.shape[0] == 1, "batch must be 1"
        H, hd = self.n_head, self.head_dim
        T = input_ids.shape[1]
        P = past_key.shape[2]
        pos = torch.arange(P, P + T, device=input_ids.device)  # (T,)
        tok_emb = self.tr.wte(input_ids[0])  # (T, C)
        pos_emb = self.tr.wpe(pos)  # (T, C)
        x = tok_emb + pos_emb
        embed = x
        # causal mask over the whole context: query i (absolute P+i) sees keys j <= P+i
        keys = torch.arange(P + T, device=input_ids.device)
        masked = keys[None, :] > pos[:, None]  # (T, P+T)

        rec: dict[str, list[torch.Tensor]] = {
            n: [] for n in OUTPUTS if n not in ("logits", "tok_emb", "pos_emb", "embed", "ln_f")
        }
        for i, block in enumerate(self.tr.h):
            a = block.ln_1(x)  # (T, C)
            q, k, v = block.attn.c_attn(a).split(self.n_embd, dim=-1)
            q = q.view(T, H, hd).transpose(0, 1)  # (H, T, hd)
            k = k.view(T, H, hd).transpose(0, 1)
            v = v.view(T, H, hd).transpose(0, 1)
            k_all = torch.cat([past_key[i], k], dim=1)  # (H, P+T, hd)
            v_all = torch.cat([past_value[i], v], dim=1)
            scores = (q @ k_all.transpose(-2, -1)) / math.sqrt(hd)  # (H, T, P+T)
            scores = scores.masked_fill(masked, float("-inf"))
            probs = torch.softmax(scores, dim=-1)
            heads = probs @ v_all  # (H, T, hd)
            proj = block.attn.c_proj(heads.transpose(0, 1).reshape(T, self.n_embd))  # (T, C)
            x = x + proj
            resid_mid = x
            m = block.ln_2(x)
            pre = block.mlp.c_fc(m)  # (T, 4C)
            act = block.mlp.act(pre)
            out = block.mlp.c_proj(act)  # (T, C)
            x = x + out
            for name, t in (
                ("present_key", k_all),
                ("present_value", v_all),
                ("ln1", a),
                ("q", q),
                ("k", k),
                ("v", v),
                ("attn_scores", scores),
                ("attn_probs", probs),
                ("head_out", heads),
                ("attn_out", proj),
                ("resid_mid", resid_mid),
                ("ln2", m),
                ("mlp_pre", pre),
                ("mlp_act", act),
                ("mlp_out", out),
                ("resid_post", x),
            ):
                rec[name].append(t)
        ln_f = self.tr.ln_f(x)
        logits = self.lm_head(ln_f)  # (T, V)
        packed = {n: torch.stack(ts) for n, ts in rec.items()}
        packed.update(logits=logits, tok_emb=tok_emb, pos_emb=pos_emb, embed=embed, ln_f=ln_f)
        return tuple(packed[n] for n in OUTPUTS)


def empty_past(model: TracedGPT2, length: int = 0, dtype=torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    shape = (model.n_layer, model.n_head, length, model.head_dim)
    return torch.zeros(shape, dtype=dtype), torch.zeros(shape, dtype=dtype)


@torch.no_grad()
def trace_ids(hf: GPT2LMHeadModel, ids: list[int]) -> dict[str, np.ndarray]:
    """Every intermediate of one full forward over `ids` (no past), as float32 numpy arrays."""
    model = TracedGPT2(hf.float().eval())
    past_k, past_v = empty_past(model)
    outs = model(torch.tensor([ids], dtype=torch.long), past_k, past_v)
    return {n: t.numpy() for n, t in zip(OUTPUTS, outs)}


@torch.no_grad()
def lens_logits(hf: GPT2LMHeadModel, hidden: np.ndarray) -> np.ndarray:
    """The logit lens: final LayerNorm and unembedding applied to residual-stream rows [n, C]."""
    tr = hf.transformer
    return hf.lm_head(tr.ln_f(torch.from_numpy(np.asarray(hidden, dtype=np.float32)))).numpy()
