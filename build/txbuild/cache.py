"""Content-addressed cache for the expensive stages (export, variants, verify).

A stage's key hashes the model weights, the stage's config and the source of the modules that
compute it, so editing the exporter invalidates exports but editing a template does not.
An entry is written into a temporary folder and renamed into place, so a crash never leaves a
half-written entry behind.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import shutil
from pathlib import Path
from types import ModuleType
from typing import Callable

from . import REPO_ROOT

DEFAULT_ROOT = REPO_ROOT / ".txbuild" / "cache"


def stage_key(weights_hash: str, config: dict, modules: list[ModuleType]) -> str:
    h = hashlib.sha256(weights_hash.encode())
    h.update(json.dumps(config, sort_keys=True).encode())
    for m in modules:
        h.update(inspect.getsource(m).encode())
    return h.hexdigest()[:20]


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
