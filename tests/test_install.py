"""The installable tool: the wheel carries everything a site needs (no checkout, no Node.js), and
the prebuilt browser bundle it carries gives the same bytes as bundling with Node at build time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from txbuild import REPO_ROOT, bundle, resources
from txbuild.headers import SECURITY_HEADERS

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None or not (REPO_ROOT / "web" / "node_modules").is_dir(), reason="npm ci not run in web/"
)


def _fake_model(site: Path) -> None:
    """A site/model/ tree like a build's: a manifest naming shard hashes, and other files."""
    d = site / "model" / "tiny"
    (d / "int8").mkdir(parents=True)
    (d / "int8" / "model.onnx.data.0").write_bytes(b"shard bytes the manifest vouches for")
    (d / "int8" / "model.onnx").write_bytes(b"graph")
    (d / "examples").mkdir()
    (d / "examples" / "0.json").write_text('{"prompt": "Good morrow"}')
    manifest = {"variants": {"int8": {"shards": [{"path": "int8/model.onnx.data.0", "sha256": "ab" * 32}]}}}
    (d / "manifest.json").write_text(json.dumps(manifest))


@needs_node
def test_the_prebuilt_bundle_equals_bundling_with_node(tmp_path, monkeypatch):
    a, b, pre = tmp_path / "a", tmp_path / "b", tmp_path / "prebuilt"
    for site in (a, b):
        _fake_model(site)
    # the checkout's way: web/build.mjs with the model in place
    monkeypatch.setattr(resources, "web_bundle_dir", lambda: None)
    assets_a = bundle.bundle_web(a)
    # the wheel's way: bundled once with a placeholder (hatch_build.py), filled in per site
    subprocess.run(
        [NODE, str(REPO_ROOT / "web" / "build.mjs"), "--out", str(pre), "--model-id", resources.SW_MODEL_PLACEHOLDER]
        + ["--headers", json.dumps(SECURITY_HEADERS)],  # as hatch_build.py runs it
        cwd=REPO_ROOT / "web",
        check=True,
        capture_output=True,
    )
    monkeypatch.setattr(resources, "web_bundle_dir", lambda: pre)
    assets_b = bundle.bundle_web(b)
    assert assets_a == assets_b
    files_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert bundle.model_id(a / "model") in (b / "sw.js").read_text()
    # the model id follows the model: another shard hash, another id
    m = json.loads((b / "model" / "tiny" / "manifest.json").read_text())
    m["variants"]["int8"]["shards"][0]["sha256"] = "cd" * 32
    (b / "model" / "tiny" / "manifest.json").write_text(json.dumps(m))
    assert bundle.model_id(b / "model") != bundle.model_id(a / "model")


@pytest.mark.slow
@needs_node
def test_the_wheel_builds_a_site_from_an_empty_folder(tmp_path, cache_root):
    """pip wheel . -> pip install --target -> `python -m txbuild site` in an empty folder, with no
    checkout on the path and no node on PATH."""
    pip = [sys.executable, "-m", "pip"]
    wheels, target, empty = tmp_path / "wheels", tmp_path / "target", tmp_path / "empty"
    r = subprocess.run([*pip, "wheel", str(REPO_ROOT), "--no-deps", "-q", "-w", str(wheels)], capture_output=True)
    assert r.returncode == 0, r.stderr.decode()[-3000:]
    (wheel,) = wheels.glob("txbuild-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for must in (
        "txbuild/__main__.py",
        "txbuild/_data/templates/article.html.j2",
        "txbuild/_data/content/en/strings.toml",
        "txbuild/_data/content/ko/strings.toml",
        "txbuild/_data/models/gpt2-shakespeare/model.safetensors",
        "txbuild/_data/models/gpt2-shakespeare/txbuild.json",
        "txbuild/_data/web/assets/assets.json",
        "txbuild/_data/web/sw.js",
        "txbuild/_data/fonts/pretendard/dist/web/variable/pretendardvariable-dynamic-subset.css",
        "txbuild/_data/fonts/noto-sans-math/files/noto-sans-math-latin-400-normal.woff2",
        "txbuild/data/heldout.txt",
    ):
        assert must in names, must
    assert any(n.startswith("txbuild/_data/web/ort/ort-wasm-simd-threaded-") and n.endswith(".wasm") for n in names)
    r = subprocess.run([*pip, "install", "-q", "--no-deps", "--target", str(target), str(wheel)], capture_output=True)
    assert r.returncode == 0, r.stderr.decode()[-3000:]
    empty.mkdir()
    bindir = tmp_path / "bin"  # PATH holds python only: no node, no npm
    bindir.mkdir()
    os.symlink(sys.executable, bindir / "python")
    env = {
        "PATH": str(bindir),
        "PYTHONPATH": str(target),
        "TXBUILD_CACHE": str(cache_root),
        "HOME": str(tmp_path),
        "HF_HUB_OFFLINE": "1",
    }
    cmd = [sys.executable, "-m", "txbuild", "site", "--model", "bundled", "--variants", "int8", "--precision", "int8"]
    r = subprocess.run(cmd, cwd=empty, env=env, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "warning" not in r.stderr.lower(), r.stderr  # fonts found, nothing missing
    site = empty / "site"
    # the installed package answered, not the checkout
    probe = "import txbuild.resources as r; print(r.installed(), r.templates_dir())"
    where = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True).stdout
    assert where.startswith("True ") and str(target) in where
    for page in ("index.html", "en/index.html", "ko/index.html", "sw.js"):
        assert (site / page).is_file(), page
    assert resources.SW_MODEL_PLACEHOLDER not in (site / "sw.js").read_text()
    assert bundle.model_id(site / "model") in (site / "sw.js").read_text()
    assets = json.loads((site / "assets" / "assets.json").read_text())
    for f in assets["files"]:
        assert (site / f).is_file(), f
    assert list((site / "assets" / "fonts").glob("pretendard-*.woff2"))
    manifest = json.loads((site / "model" / "gpt2-shakespeare" / "manifest.json").read_text())
    assert manifest["default_variant"] == "int8"
    en = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert "Inside a small GPT-2 trained on Shakespeare" in en
