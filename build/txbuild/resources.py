"""Where txbuild's own files are: package data in an installed wheel, the checkout when developing.

The wheel's build hook (hatch_build.py) copies the repository's templates/, content/, the bundled
model, the prebuilt browser bundle and the fonts under txbuild/_data/ (the reference text is
already package data: txbuild/data/heldout.txt). An editable install (or a plain checkout) has none of _data/: every
lookup then falls back to the repository's own folders, so nothing moves in the repository.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = Path(str(files("txbuild")))
DATA = PACKAGE / "_data"  # written by hatch_build.py into the wheel only
REPO_ROOT = PACKAGE.parents[1]  # build/txbuild -> the checkout (meaningless when installed)

BUNDLED_NAME = "gpt2-shakespeare"
SW_MODEL_PLACEHOLDER = "__TXB_MODEL_ID__"  # the prebuilt sw.js's model cache name, filled per site


def first(*candidates: Path) -> Path:
    """The first candidate that exists; else the last (the checkout's path, named in errors)."""
    for c in candidates:
        if c.exists():
            return c
    return candidates[-1]


def installed() -> bool:
    """Whether this is a wheel install with its package data (not a checkout)."""
    return DATA.is_dir()


def templates_dir() -> Path:
    return first(DATA / "templates", REPO_ROOT / "templates")


def content_dir() -> Path:
    return first(DATA / "content", REPO_ROOT / "content")


def models_dir() -> Path:
    return first(DATA / "models", REPO_ROOT / "models")


def bundled_model_dir() -> Path:
    return models_dir() / BUNDLED_NAME


def heldout_path() -> Path:
    """The reference text the article measures heads on (helper suite moves it into the package)."""
    return PACKAGE / "data" / "heldout.txt"


def pretendard_dir() -> Path:
    return first(
        DATA / "fonts" / "pretendard" / "dist" / "web" / "variable",
        REPO_ROOT / "web" / "node_modules" / "pretendard" / "dist" / "web" / "variable",
    )


def math_font_dir() -> Path:
    return first(
        DATA / "fonts" / "noto-sans-math" / "files",
        REPO_ROOT / "web" / "node_modules" / "@fontsource" / "noto-sans-math" / "files",
    )


def web_bundle_dir() -> Path | None:
    """The prebuilt browser bundle (assets/, ort/, sw.js) of a wheel; None in a checkout, where
    web/build.mjs bundles it with Node.js."""
    d = DATA / "web"
    return d if (d / "assets" / "assets.json").is_file() else None


def web_dir() -> Path:
    """The browser code's sources (a checkout only)."""
    return REPO_ROOT / "web"
