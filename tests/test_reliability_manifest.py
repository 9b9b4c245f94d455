"""What the browser loads is what the build verified (issue 13, section 4): every model file in
the manifest with its sha256; a shard without one is a build error."""

from __future__ import annotations

import hashlib
import json

import pytest

from txbuild.report import Reporter
from txbuild.site import BuildError, BuildOptions, _place_variants, build_site


def sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_graphs_and_shards_carry_their_sha256(tiny_checkpoint, tmp_path, cache_root):
    out = tmp_path / "site"
    res = build_site(
        BuildOptions(model=str(tiny_checkpoint), out=out, precision="fp32", variants=("fp32",), cache_root=cache_root),
        Reporter(-1),
    )
    root = out / "model" / res.model.source.id
    m = json.loads((root / "manifest.json").read_text())
    for v in m["variants"].values():
        assert v["graph_sha256"] == sha(root / v["graph"])
        assert v["graph_bytes"] == (root / v["graph"]).stat().st_size
        assert v["lens"]["sha256"] == sha(root / v["lens"]["graph"])
        assert v["lens"]["bytes"] == (root / v["lens"]["graph"]).stat().st_size
        for s in v["shards"]:
            assert s["sha256"] == sha(root / s["path"])


def test_a_shard_without_sha256_is_a_build_error(tmp_path):
    folder = tmp_path / "fp32"
    folder.mkdir()
    (folder / "model.onnx").write_bytes(b"graph")
    (folder / "model.onnx.data.0").write_bytes(b"weights")
    (folder / "lens.onnx").write_bytes(b"lens")
    (folder / "shards.json").write_text(json.dumps([{"name": "model.onnx.data.0", "bytes": 7}]))
    (folder / "lens.json").write_text(json.dumps({"graph": "lens.onnx"}))
    with pytest.raises(BuildError, match="model.onnx.data.0 have no sha256"):
        _place_variants({"fp32": folder}, tmp_path / "out")
