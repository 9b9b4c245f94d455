"""The wheel's build step: everything `txbuild site` needs outside a checkout, as package data.

Runs for `pip install .`, `pipx install .`, `pip wheel .` (not for an editable install, which
reads the checkout). It bundles the browser code with web/build.mjs (Node.js, here only; the
installed tool needs no Node) and maps into the wheel, without moving anything in the repository:

  templates/                  -> txbuild/_data/templates/
  content/                    -> txbuild/_data/content/
  models/gpt2-shakespeare/    -> txbuild/_data/models/gpt2-shakespeare/
  web/build.mjs output        -> txbuild/_data/web/ (assets/, ort/, sw.js; hashed names as a site's)
  Pretendard, Noto Sans Math  -> txbuild/_data/fonts/

txbuild/resources.py finds them (and falls back to the checkout's folders when developing).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SW_MODEL_PLACEHOLDER = "__TXB_MODEL_ID__"  # txbuild/resources.py fills it in per site
PRETENDARD = Path("dist") / "web" / "variable"  # under node_modules/pretendard/
PRETENDARD_FILES = ("pretendardvariable-dynamic-subset.css", "woff2-dynamic-subset")
MATH = Path("@fontsource") / "noto-sans-math"
MATH_FILES = ("files/noto-sans-math-latin-400-normal.woff2", "LICENSE")


class WheelDataHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        self._tmp = Path(tempfile.mkdtemp(prefix="txbuild-wheel-"))
        web = self._bundle(root, self._tmp / "web")
        fonts = self._fonts(root / "web" / "node_modules", self._tmp / "fonts")
        inc = build_data["force_include"]
        inc[str(web)] = "txbuild/_data/web"
        inc[str(fonts)] = "txbuild/_data/fonts"
        inc[str(root / "templates")] = "txbuild/_data/templates"
        inc[str(root / "content")] = "txbuild/_data/content"
        inc[str(root / "models" / "gpt2-shakespeare")] = "txbuild/_data/models/gpt2-shakespeare"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    def _bundle(self, root: Path, out: Path) -> Path:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError(
                "building the txbuild wheel needs Node.js (node) to bundle web/; the wheel then does not"
            )
        if not (root / "web" / "node_modules" / ".package-lock.json").is_file():
            npm = shutil.which("npm") or "npm"
            subprocess.run([npm, "ci", "--prefix", str(root / "web"), "--no-audit", "--no-fund"], check=True)
        proc = subprocess.run(
            [node, str(root / "web" / "build.mjs"), "--out", str(out), "--model-id", SW_MODEL_PLACEHOLDER]
            + ["--headers", json.dumps(_security_headers(root))],
            cwd=root / "web",
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"web/build.mjs failed: {(proc.stderr or proc.stdout).strip()[-2000:]}")
        if SW_MODEL_PLACEHOLDER not in (out / "sw.js").read_text(encoding="utf-8"):
            raise RuntimeError("web/build.mjs: sw.js lost the model placeholder")
        return out

    def _fonts(self, node_modules: Path, out: Path) -> Path:
        src = node_modules / "pretendard" / PRETENDARD
        for name in PRETENDARD_FILES:
            if (src / name).is_dir():
                shutil.copytree(src / name, out / "pretendard" / PRETENDARD / name)
            else:
                (out / "pretendard" / PRETENDARD).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src / name, out / "pretendard" / PRETENDARD / name)
        for lic in ("LICENSE", "LICENSE.txt"):
            if (node_modules / "pretendard" / lic).is_file():
                shutil.copyfile(node_modules / "pretendard" / lic, out / "pretendard" / lic)
        for name in MATH_FILES:
            dst = out / "noto-sans-math" / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(node_modules / MATH / name, dst)
        return out


def _security_headers(root: Path) -> dict:
    """txbuild.headers.SECURITY_HEADERS, read from its file (the build environment has none of
    txbuild's dependencies, and headers.py imports nothing)."""
    spec = importlib.util.spec_from_file_location("_txbuild_headers", root / "build" / "txbuild" / "headers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SECURITY_HEADERS
