"""Bundle the browser code with esbuild (web/build.mjs) into the site being built."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from . import REPO_ROOT
from .errors import TxbuildError
from .htmlsafe import SECURITY_HEADERS

WEB = REPO_ROOT / "web"


class BundleError(TxbuildError):
    pass


def bundle_web(site_dir: Path, cache_root: Path | None = None) -> dict[str, str]:
    """Run `node web/build.mjs --out site_dir`; return assets.json (logical name -> path under site/).
    With `cache_root`, a bundle of the same web/ sources is copied from there (bundle-<hash>)."""
    node = shutil.which("node")
    if node is None:
        raise BundleError("node is not installed; the browser code is bundled with esbuild under Node.js")
    if not (WEB / "node_modules").is_dir():
        raise BundleError("web/node_modules is missing: run `npm ci --prefix web` (make site does it)")
    proc = subprocess.run(
        [node, str(WEB / "build.mjs"), "--out", str(site_dir), "--headers", json.dumps(SECURITY_HEADERS)]
        + (["--cache", str(cache_root)] if cache_root is not None else []),
        capture_output=True,
        text=True,
        cwd=WEB,
    )
    if proc.returncode != 0:
        raise BundleError(f"web/build.mjs failed: {(proc.stderr or proc.stdout).strip()[-2000:]}")
    return json.loads((site_dir / "assets" / "assets.json").read_text())
