"""Build-time figures, one module per view. `REGISTRY` maps a view name (the `data-viz` of a
figure in the Markdown) to `draw(VizData, params) -> Drawing`; params are the figure's other
`data-*` attributes (`data-layer="2"` -> {"layer": "2"})."""

from __future__ import annotations

from typing import Callable

from . import architecture, probs
from .common import Drawing, VizData

REGISTRY: dict[str, Callable[[VizData, dict], Drawing]] = {
    "architecture": architecture.draw,
    "probs": probs.draw,
}

__all__ = ["REGISTRY", "Drawing", "VizData"]
