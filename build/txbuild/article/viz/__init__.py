"""Build-time figures, one module per family of views. `REGISTRY` maps a view name (the
`data-viz` of a figure in the Markdown) to `draw(VizData, params) -> Drawing`; params are the
figure's other `data-*` attributes (`data-layer="2"` -> {"layer": "2"})."""

from __future__ import annotations

from typing import Callable

from . import architecture, attention, embedding, lens, output, probs, training, utf8
from .common import Drawing, VizData

REGISTRY: dict[str, Callable[[VizData, dict], Drawing]] = {
    "architecture": architecture.draw,
    "tokens": embedding.draw_tokens,
    "embedding": embedding.draw_embedding,
    "attention": attention.draw,
    "attention-steps": attention.draw_steps,
    "heads": attention.draw_heads,
    "layernorm": embedding.draw_layernorm,
    "residual": embedding.draw_residual,
    "gelu": output.draw_gelu,
    "probs": probs.draw,
    "temperature": output.draw_temperature,
    "sampling": output.draw_sampling,
    "utf8": utf8.draw,
    "logit-lens": lens.draw,
    "loss-curve": training.draw_loss,
}

__all__ = ["REGISTRY", "Drawing", "VizData"]
