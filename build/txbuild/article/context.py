"""The inputs of the article stage, and its error type."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from txbuild import LANGS, REPO_ROOT, resources  # noqa: F401  (LANGS: the article's, from the package)


def _own(packaged: str, checkout: Path) -> Path:
    """txbuild's own copy: the wheel's package data, else the checkout's folder."""
    return resources.first(resources.DATA / packaged, checkout)


class StrictError(RuntimeError):
    """Raised by render_pages(strict=True) when the build produced warnings; lists them all."""

    def __init__(self, warnings: list[str]):
        self.warnings = list(warnings)
        lines = "\n".join(f"  - {w}" for w in self.warnings)
        super().__init__(f"strict build failed with {len(self.warnings)} warning(s):\n{lines}")


@dataclass
class PageContext:
    out_dir: Path  # the site root being written (site/)
    model: dict  # id, name, trained, description{en,ko}, source, n_layer, n_head, n_embd, head_dim,
    #              vocab_size, n_ctx, n_params (+ title, build_note, reader_name): manifest.Manifest.page_model()
    manifest_href: str  # "model/<id>/manifest.json", relative to the site root
    assets: dict[str, str]  # {"app.js": "assets/app-HASH.js", "app.css": ...}, relative to the site root
    example: dict  # {"prompt", "ids", "tokens", "top": [{"id", "token", "prob"}]}
    trace: dict[str, Any]  # name -> np.ndarray, batch dim dropped (tok_emb [T,C] ... logits [T,V])
    strict: bool = False
    # Optional, for tests and other sites:
    # (the wheel's package data when installed, else the checkout: txbuild.resources)
    content_dir: Path = field(default_factory=lambda: _own("content", REPO_ROOT / "content"))
    templates_dir: Path = field(default_factory=lambda: _own("templates", REPO_ROOT / "templates"))
    fonts_dir: Path | None = field(
        default_factory=lambda: _own(
            "fonts/pretendard/dist/web/variable",
            REPO_ROOT / "web" / "node_modules" / "pretendard" / "dist" / "web" / "variable",
        )
    )
    math_font_dir: Path | None = field(
        default_factory=lambda: _own(
            "fonts/noto-sans-math/files",
            REPO_ROOT / "web" / "node_modules" / "@fontsource" / "noto-sans-math" / "files",
        )
    )
    hosted_url: str | None = None  # where the live site is hosted, named by the file:// warning
    # The logit lens of the default prompt's last position, optional: for each residual-stream
    # stage (after the embedding, after block 1, ..., after block L) its top tokens,
    # [[{"id", "token", "prob"}, ...], ...] (txbuild.trace.lens_logits + softmax). With it the
    # article draws the `logit-lens` figure; without it the section says so in words only.
    lens: list[list[dict]] | None = None
    # What article/modelfacts.py measured with the model itself (heads over a reference text,
    # embedding neighbours, the training run); without it the facts fall back to the prompt.
    measured: dict | None = None
