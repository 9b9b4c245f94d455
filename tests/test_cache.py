"""The stage cache: where it lives, what its keys cover, and the example traces in it."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from transformers import GPT2Config

import txbuild
from txbuild import cache, examples, stages
from txbuild.report import Reporter

PKG = Path(txbuild.__file__).parent
# Modules that decide where or whether a stage runs, not what it computes.
NOT_SHAPING = {
    "txbuild",
    "txbuild.cache",
    "txbuild.report",
    "txbuild.errors",
    "txbuild.card",
    "txbuild.resources",
}  # errors: exception types only; card: input checks only; resources: where files are (their bytes are keyed)
# sources.load asks modelfacts whether the model is trained (card["trained"], card["fit"]): the
# manifest and the article read that, no cached stage does
NOT_SHAPING |= {"txbuild.article.modelfacts"}


def test_the_cache_lives_in_the_project_not_next_to_the_package(tmp_path, monkeypatch):
    monkeypatch.delenv(cache.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert cache.default_root() == tmp_path / ".txbuild" / "cache"
    monkeypatch.setenv(cache.ENV, str(tmp_path / "env"))
    assert cache.default_root() == tmp_path / "env"
    assert cache.default_root(tmp_path / "flag") == tmp_path / "flag"
    from txbuild.site import BuildOptions

    assert BuildOptions().cache_root == tmp_path / "env"


def test_the_cli_passes_cache_dir_to_the_build(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import txbuild.site
    from txbuild.cli import main

    seen = {}

    def fake_build(opts, rep):
        seen["root"] = opts.cache_root
        raise txbuild.site.BuildError("stop here")

    monkeypatch.setattr(txbuild.site, "build_site", fake_build)
    CliRunner().invoke(main, ["site", "--cache-dir", str(tmp_path / "c"), "--out", str(tmp_path / "s")])
    assert seen["root"] == tmp_path / "c"


def fake_lm(**config) -> SimpleNamespace:
    return SimpleNamespace(weights_hash="w", model=SimpleNamespace(config=GPT2Config(n_layer=1, **config)))


def test_keys_change_with_the_toolchain_the_model_config_and_the_stages_module(monkeypatch):
    base = stages.stage_key(fake_lm(), {"precision": "fp32"}, [])
    assert stages.stage_key(fake_lm(), {"precision": "fp32"}, []) == base
    assert stages.stage_key(fake_lm(layer_norm_epsilon=1e-6), {"precision": "fp32"}, []) != base
    versions = cache.toolchain()
    assert set(versions) >= {"torch", "onnx", "onnxruntime", "onnxscript"}
    monkeypatch.setattr(cache, "toolchain", lambda: {**versions, "onnxruntime": "0.0.1"})
    assert stages.stage_key(fake_lm(), {"precision": "fp32"}, []) != base
    monkeypatch.undo()
    real = inspect.getsource
    monkeypatch.setattr(cache.inspect, "getsource", lambda m: real(m) + ("# edited" if m is stages else ""))
    assert stages.stage_key(fake_lm(), {"precision": "fp32"}, []) != base


def txbuild_imports(module: str) -> set[str]:
    """The txbuild modules `module` imports, directly or through other txbuild modules.

    stages.py is hashed whole by every stage but only orchestrates: each stage lists the
    modules it calls through it, so the walk does not follow stages' own imports."""
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name == "txbuild.stages":
            continue
        path = PKG.joinpath(*name.split(".")[1:]).with_suffix(".py")
        if not path.exists():
            path = PKG.joinpath(*name.split(".")[1:], "__init__.py")
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    todo.append(sub if PKG.joinpath(*sub.split(".")[1:]).with_suffix(".py").exists() else target)
    return seen


def recorded_keys(monkeypatch, tmp_path, run) -> list[set[str]]:
    """The module sets the stages' keys hash, without running the stages."""
    calls = []

    def record(weights_hash, config, modules):
        calls.append({m.__name__ for m in modules})
        return "k"

    monkeypatch.setattr(cache, "stage_key", record)
    monkeypatch.setattr(cache, "cached_dir", lambda root, stage, key, fill, **kw: (tmp_path, True))
    (tmp_path / "verify-k.json").write_text("{}")
    (tmp_path / "examples.json").write_text("[]")
    run()
    return calls


@pytest.mark.parametrize("stage", ["export", "verify", "examples"])
def test_keys_cover_every_module_that_shapes_the_stage(stage, monkeypatch, tmp_path):
    lm = fake_lm()
    lm.tokenizer = SimpleNamespace(decode=lambda ids: "x")
    run = {
        "export": lambda: stages.export_variants(lm, ["fp32"], tmp_path, Reporter(-1)),
        "verify": lambda: stages.verify_variants(lm, {"fp32": tmp_path}, tmp_path, Reporter(-1)),
        "examples": lambda: _examples_keys(lm, tmp_path, monkeypatch),
    }[stage]
    (modules,) = recorded_keys(monkeypatch, tmp_path, run)
    needed = {"txbuild.stages"}  # every stage runs code of stages.py (fill, probe_refs, top_tokens)
    for m in modules:
        needed |= txbuild_imports(m)
    assert needed - NOT_SHAPING <= modules, sorted(needed - NOT_SHAPING - modules)


def _examples_keys(lm, tmp_path, monkeypatch):
    monkeypatch.setattr(examples, "encode", lambda tok, text: [1, 2])
    with pytest.raises(IndexError):  # no entries in the fake cache entry; the key is what we want
        examples.build_examples(lm, ["a"], 8, tmp_path / "m", tmp_path)


def test_example_traces_are_cached(tiny_checkpoint, tmp_path, monkeypatch):
    from txbuild import trace
    from txbuild.sources import ModelSource, load

    lm = load(ModelSource("folder", str(tiny_checkpoint), "tiny"))
    prompts = ["Hello world", "안녕"]
    first, tr1 = examples.build_examples(lm, prompts, 8, tmp_path / "a", tmp_path / "cache")
    monkeypatch.setattr(trace, "trace_ids", lambda *a: pytest.fail("traced again despite the cache"))
    second, tr2 = examples.build_examples(lm, prompts, 8, tmp_path / "b", tmp_path / "cache")
    assert first == second
    for e in first:
        rel = e["trace"]["path"]
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    assert tr1.keys() == tr2.keys() and all(np.array_equal(tr1[k], tr2[k]) for k in tr1)
    entries = [p.name.split("-")[0] for p in (tmp_path / "cache").iterdir() if p.name != cache.LOCKS]
    assert entries == ["examples"]


def test_clean_removes_only_cache_entries(tmp_path):
    root = tmp_path / "cache"
    cache.cached_dir(root, "onnx-fp32", "abc", lambda d: (d / "x").write_text("1"))
    (root / "mine.txt").write_text("keep")
    (root / "notes").mkdir()
    cache.clear(root)
    assert sorted(p.name for p in root.iterdir()) == ["mine.txt", "notes"]
