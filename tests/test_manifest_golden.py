"""The golden manifest: what site.py writes for a tiny seeded random GPT-2, committed as
tests/js/fixtures/golden-manifest.json, which the JS tests read instead of hand-written
manifests (tests/js/golden.mjs).

Cheap on purpose: no ONNX export. The model facts, dims, examples (PyTorch traces, top tokens,
attribution) are the real ones of the seeded model; each variant's files are small stand-in
bytes placed by the same `site.model_files` the build calls, so their bytes and sha256 are
stable (a real export's change with the torch/onnx versions and say nothing about the
manifest's shape). Floats are compared with a tolerance: they come from float32 maths that
may differ in the last bits on another CPU.

If it differs, check the change is meant, then:  TXBUILD_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_manifest_golden.py
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path

import pytest

from conftest import make_checkpoint
from txbuild import stages
from txbuild.lens import LENS_GRAPH, LENS_INPUT, LENS_OUTPUT
from txbuild.report import Reporter
from txbuild.site import BuildOptions, model_files
from txbuild.sources import load, resolve

GOLDEN = Path(__file__).parent / "js" / "fixtures" / "golden-manifest.json"
UPDATE = "TXBUILD_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_manifest_golden.py"

# A card that fills every field a card can give (both languages, a Korean default of its own).
CARD = {
    "name": "tiny random GPT-2 (golden)",
    "trained": False,
    "title": {"en": "Inside a tiny random GPT-2", "ko": "작은 무작위 GPT-2 들여다보기"},
    "reader_name": {"en": "a tiny random GPT-2", "ko": "작은 무작위 GPT-2"},
    "description": {"en": "Random weights, for the tests.", "ko": "시험용 무작위 가중치입니다."},
    "build_note": {
        "en": "Built by tests/test_manifest_golden.py.",
        "ko": "tests/test_manifest_golden.py가 빌드했습니다.",
    },
    "default_prompt": "Good morrow, my",
    "example_prompts": ["Good morrow, my", "O Romeo, Romeo"],
    "default_prompt_ko": "오늘 아침 날씨가 참",
    "example_prompts_ko": ["사느냐 죽느냐, 그것이", "오늘 아침 날씨가 참"],
}
# Stand-in files per variant: (graph bytes, [shard bytes]); int8 has two shards.
FILES = {"fp32": (700, [4000]), "int8": (650, [600, 400])}


def _stand_in_export(root: Path) -> dict[str, Path]:
    """Folders shaped like stages.export_variants' (graph, shards, shards.json, lens graph, lens.json)."""
    folders = {}
    for prec, (graph_bytes, shard_sizes) in FILES.items():
        d = root / prec
        d.mkdir(parents=True)
        (d / stages.GRAPH).write_bytes(f"{prec} graph ".encode().ljust(graph_bytes, b"."))
        shards = []
        for i, n in enumerate(shard_sizes):
            data = f"{prec} shard {i} ".encode().ljust(n, b"#")
            (d / f"{stages.GRAPH}.data.{i}").write_bytes(data)
            shards.append({"name": f"{stages.GRAPH}.data.{i}", "bytes": n, "sha256": hashlib.sha256(data).hexdigest()})
        (d / "shards.json").write_text(json.dumps(shards))
        (d / LENS_GRAPH).write_bytes(f"{prec} lens".encode().ljust(90, b"-"))
        (d / "lens.json").write_text(
            json.dumps(
                {"graph": LENS_GRAPH, "input": LENS_INPUT, "output": LENS_OUTPUT, "shards": [s["name"] for s in shards]}
            )
        )
        folders[prec] = d
    return folders


def build_golden(tmp: Path, cache_root: Path) -> dict:
    ckpt = make_checkpoint(tmp / "tiny-gpt2", seed=0)  # the folder's name is the model's id
    (ckpt / "txbuild.json").write_text(json.dumps(CARD, ensure_ascii=False), encoding="utf-8")
    lm = load(resolve(str(ckpt)))
    reports = {p: {"passed": True, "stand_in": True} for p in FILES}
    opts = BuildOptions(model=str(ckpt), precision="fp32", variants=tuple(FILES), cache_root=cache_root)
    model_dir = tmp / "site" / "model" / lm.source.id
    manifest, _ = model_files(lm, _stand_in_export(tmp / "export"), reports, model_dir, opts, Reporter(-1))
    written = json.loads((model_dir / "manifest.json").read_text())
    assert written == json.loads(json.dumps(manifest.to_json()))  # the file is the dataclass
    return written


def _rounded(x):
    """Floats to float32's 7 significant digits: a readable file, within the comparison's tolerance."""
    if isinstance(x, float):
        return float(f"{x:.7g}")
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


def _differences(got, want, path="$", out=None) -> list[str]:
    out = [] if out is None else out
    if isinstance(want, dict) and isinstance(got, dict):
        for k in sorted(want.keys() - got.keys()):
            out.append(f"{path}.{k}: missing")
        for k in sorted(got.keys() - want.keys()):
            out.append(f"{path}.{k}: new field")
        for k in want.keys() & got.keys():
            _differences(got[k], want[k], f"{path}.{k}", out)
    elif isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            out.append(f"{path}: {len(got)} items, golden {len(want)}")
        for i, (g, w) in enumerate(zip(got, want)):
            _differences(g, w, f"{path}[{i}]", out)
    elif isinstance(want, float) and isinstance(got, float):
        if not math.isclose(got, want, rel_tol=1e-4, abs_tol=1e-7):
            out.append(f"{path}: {got!r}, golden {want!r}")
    elif type(got) is not type(want) or got != want:
        out.append(f"{path}: {got!r}, golden {want!r}")
    return out


def test_the_manifest_matches_the_golden_file(tmp_path, cache_root):
    got = _rounded(build_golden(tmp_path, cache_root))
    if os.environ.get("TXBUILD_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert GOLDEN.exists(), f"{GOLDEN} is missing; write it with: {UPDATE}"
    diff = _differences(got, json.loads(GOLDEN.read_text(encoding="utf-8")))
    if diff:
        shown = "\n  ".join(diff[:20]) + (f"\n  … and {len(diff) - 20} more" if len(diff) > 20 else "")
        pytest.fail(
            f"the manifest differs from {GOLDEN.name}:\n  {shown}\n"
            f"If the change is meant, regenerate it (and rerun the JS tests): {UPDATE}"
        )


def test_the_golden_file_has_every_field_filled():
    """The golden is what the JS tests run on: it must carry every part of a manifest."""
    g = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert g["default_example"] == {"en": 0, "ko": 3}  # the card's Korean default is the 4th run
    assert [e["lang"] for e in g["examples"]] == ["en", "en", "ko", "ko"]
    assert set(g["variants"]) == set(FILES) and g["default_variant"] == "fp32"
    for lang in ("en", "ko"):
        assert all(g[k][lang] for k in ("title", "description", "build_note", "reader_name"))


def test_the_differences_name_the_field():
    assert _differences({"a": 1.0, "b": [1]}, {"a": 1.00001, "b": [1]}) == []
    assert _differences({"a": 1.1, "c": 0}, {"a": 1.0, "b": 0}) == [
        "$.b: missing",
        "$.c: new field",
        "$.a: 1.1, golden 1.0",
    ]
    assert _differences({"n": 1}, {"n": 1.0}) == ["$.n: 1, golden 1.0"]
