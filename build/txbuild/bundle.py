"""Bundle the browser code into the site being built.

In a checkout, esbuild under Node.js (web/build.mjs) bundles it. An installed wheel carries the
same bundle prebuilt (hatch_build.py runs web/build.mjs with `--model-id` set to a placeholder);
it is copied in and the service worker's model cache name, the one value that depends on the
model, is filled in here with the hash web/build.mjs would compute (`model_id`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from . import resources
from .errors import TxbuildError
from .htmlsafe import SECURITY_HEADERS

WEB = resources.web_dir()


class BundleError(TxbuildError):
    pass


def bundle_web(site_dir: Path, cache_root: Path | None = None) -> dict[str, str]:
    """Write the browser code into site_dir; return assets.json (logical name -> path under site/).
    An installed wheel copies its prebuilt bundle; a checkout runs `node web/build.mjs`, and with
    `cache_root` a bundle of the same web/ sources is copied from there (bundle-<hash>)."""
    prebuilt = resources.web_bundle_dir()
    if prebuilt is not None:
        return copy_prebuilt(prebuilt, site_dir)
    node = shutil.which("node")
    if node is None:
        raise BundleError(
            "node is not installed; in a checkout the browser code is bundled with esbuild under Node.js "
            "(an installed txbuild wheel carries it prebuilt)"
        )
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


def copy_prebuilt(prebuilt: Path, site_dir: Path) -> dict[str, str]:
    """The wheel's bundle into site_dir, its sw.js naming this site's model cache."""
    for f in sorted(p for p in prebuilt.rglob("*") if p.is_file()):
        rel = f.relative_to(prebuilt)
        dst = site_dir / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if rel.as_posix() == "sw.js":
            text = f.read_text(encoding="utf-8")
            if resources.SW_MODEL_PLACEHOLDER not in text:
                raise BundleError(f"{f}: the prebuilt service worker has no model placeholder; reinstall txbuild")
            dst.write_text(text.replace(resources.SW_MODEL_PLACEHOLDER, model_id(site_dir / "model")), "utf-8")
        else:
            shutil.copyfile(f, dst)
    return json.loads((site_dir / "assets" / "assets.json").read_text())


def model_id(model_dir: Path) -> str:
    """web/build.mjs's modelId(): a hash of everything under site/model/ (a shard by the sha256
    its manifest records, any other file by its bytes), 10 hex digits."""
    h = hashlib.sha256()
    if not model_dir.is_dir():
        return h.hexdigest()[:10]
    for d in sorted(model_dir.iterdir(), key=lambda p: p.name):
        if not d.is_dir():
            continue
        known: dict[str, str] = {}
        try:
            m = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
            for v in (m.get("variants") or {}).values():
                for sh in v.get("shards") or []:
                    if sh.get("sha256") and sh.get("path"):
                        known[sh["path"]] = sh["sha256"]
        except (OSError, ValueError, AttributeError):
            pass  # no manifest: every file by its bytes

        _hash_files(h, d, d, known)
    return h.hexdigest()[:10]


def _hash_files(h, root: Path, folder: Path, known: dict[str, str]) -> None:
    for e in sorted(folder.iterdir(), key=lambda p: p.name):
        rel = e.relative_to(root).as_posix()
        if e.is_dir():
            _hash_files(h, root, e, known)
        else:
            digest = known.get(rel) or hashlib.sha256(e.read_bytes()).hexdigest()
            h.update(f"{root.name}/{rel}\0{digest}\n".encode())
