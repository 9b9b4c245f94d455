"""The model a run trains: a GPT2LMHeadModel with GPT-2's vocabulary, its AdamW groups, and a
fixed probe whose logits fingerprint a checkpoint."""

from __future__ import annotations

import math

import torch

from .config import TrainConfig, TrainError
from .corpus import EOT_ID, VOCAB_SIZE

POSITION_INITS = ("normal", "sinusoidal")
PROBE_IDS = [7454, 2068, 407, 616, 11, 198, 1870]  # a fixed input whose logits are recorded


def pick_device(name: str) -> torch.device:
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise TrainError("--device cuda, but torch sees no GPU here; use --device cpu (or auto)")
    return torch.device(name)


def make_model(cfg: TrainConfig):
    from transformers import GPT2Config, GPT2LMHeadModel

    if cfg.width % cfg.heads:
        raise TrainError(f"--width {cfg.width} must be a multiple of --heads {cfg.heads}")
    if cfg.position_init not in POSITION_INITS:
        raise TrainError(f"--position-init must be one of {', '.join(POSITION_INITS)}")
    attn_dropout = cfg.dropout if cfg.attn_dropout is None else cfg.attn_dropout
    config = GPT2Config(
        vocab_size=VOCAB_SIZE,
        n_positions=cfg.context,
        n_embd=cfg.width,
        n_layer=cfg.layers,
        n_head=cfg.heads,
        n_inner=None,
        resid_pdrop=cfg.dropout,
        embd_pdrop=cfg.dropout,
        attn_pdrop=attn_dropout,
        bos_token_id=EOT_ID,
        eos_token_id=EOT_ID,
        tie_word_embeddings=True,
    )
    model = GPT2LMHeadModel(config)
    if cfg.position_init == "sinusoidal":
        with torch.no_grad():
            model.transformer.wpe.weight.copy_(sinusoidal_positions(cfg.context, cfg.width))
    return model


def sinusoidal_positions(context: int, width: int, std: float = 0.02) -> torch.Tensor:
    """(context, width) sines and cosines of geometrically spaced frequencies (Vaswani et al.,
    2017), scaled so each entry has GPT-2's initial standard deviation. The offset between two
    positions is then a rotation of each (sin, cos) pair, which attention can learn directly."""
    assert width % 2 == 0, "sinusoidal positions need an even width"
    pos = torch.arange(context, dtype=torch.float64)[:, None]
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, width, 2, dtype=torch.float64) / width)
    table = torch.zeros(context, width, dtype=torch.float64)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq)
    return (table * std * math.sqrt(2)).float()  # sin and cos have variance 1/2


def param_groups(model, cfg: TrainConfig) -> list[dict]:
    """AdamW groups: weight decay on matrices, and on the embeddings only if asked (decay
    pulls rarely-seen rows and the position table towards zero)."""
    embeddings = {id(model.transformer.wte.weight), id(model.transformer.wpe.weight)}
    decay, no_decay = [], []
    for p in model.parameters():
        skip = p.dim() < 2 or (not cfg.decay_embeddings and id(p) in embeddings)
        (no_decay if skip else decay).append(p)
    return [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def count_params(model) -> int:
    return sum(p.numel() for p in model.parameters())  # tied wte/lm_head counted once


@torch.no_grad()
def probe_logits(model) -> dict:
    """The last position's first 16 logits and the mean logit for PROBE_IDS (float32 CPU
    forward): a fingerprint that a reloaded checkpoint must reproduce."""
    model.eval()
    logits = model(input_ids=torch.tensor([PROBE_IDS]), use_cache=False).logits[0, -1].float()
    return {
        "input_ids": PROBE_IDS,
        "last_logits_head": [round(float(v), 5) for v in logits[:16]],
        "last_logits_mean": round(float(logits.mean()), 6),
    }
