"""Content-addressed cache for the expensive stages (export, variants, verify, example traces).

A stage's key hashes the model weights, the stage's config, the source of the modules that
compute it and the versions of the libraries that do the numerics, so editing the exporter or
upgrading onnxruntime invalidates exports but editing a template does not. An entry is written
into a temporary folder and renamed into place, so a crash never leaves a half-written entry.

The cache belongs to the project being built, not to the installed package: `--cache-dir`,
else `$TXBUILD_CACHE`, else `./.txbuild/cache` in the folder the command runs from.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Callable

ENV = "TXBUILD_CACHE"
# The libraries whose versions change what a stage computes (graphs, quantization, traces).
TOOLCHAIN = ("torch", "transformers", "onnx", "onnxruntime", "onnxscript", "numpy")


def default_root(cache_dir: str | Path | None = None) -> Path:
    """Where the cache lives: `cache_dir`, else $TXBUILD_CACHE, else ./.txbuild/cache."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    return Path.cwd() / ".txbuild" / "cache"


def toolchain() -> dict[str, str]:
    out = {}
    for name in TOOLCHAIN:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def stage_key(weights_hash: str, config: dict, modules: list[ModuleType]) -> str:
    h = hashlib.sha256(weights_hash.encode())
    h.update(json.dumps(config, sort_keys=True, default=str).encode())
    h.update(json.dumps(toolchain(), sort_keys=True).encode())
    for m in modules:
        h.update(inspect.getsource(m).encode())
    return h.hexdigest()[:20]


def clear(root: Path) -> None:
    """Remove the entries this cache wrote under `root` (and nothing else it may hold)."""
    if not root.is_dir():
        return
    for entry in root.iterdir():
        name = entry.name.lstrip(".")
        if entry.is_dir() and "-" in name and (entry / ".complete").exists() or name.endswith(".tmp"):
            shutil.rmtree(entry, ignore_errors=True)


def cached_dir(root: Path, stage: str, key: str, fill: Callable[[Path], None]) -> tuple[Path, bool]:
    """Return (folder, hit). On a miss, `fill(tmp)` writes the entry, which is then published."""
    final = root / f"{stage}-{key}"
    if (final / ".complete").exists():
        return final, True
    tmp = root / f".{stage}-{key}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        fill(tmp)
        (tmp / ".complete").write_text("ok\n")
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final, False
