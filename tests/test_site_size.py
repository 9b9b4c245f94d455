"""What a build ships without --variants, and the size check (GitHub Pages: 1 GB a site,
100 MB a file): the selection on GPT-2 small's measured sizes, and real builds of a tiny model."""

import json

import pytest
from click.testing import CliRunner

from conftest import make_checkpoint
from test_default_variant import BUNDLED, GPT2_SMALL
from txbuild import default_variant
from txbuild.site import BuildError, check_size

GPT2_SMALL_PARAMS = 124_439_808  # GPT2LMHeadModel(GPT2Config()).num_parameters()


def test_gpt2_small_exports_only_int8_and_q4_by_default():
    # fp32 (498 MB) and fp16 (249 MB) stay out unless --variants asks for them
    assert default_variant.auto_candidates(GPT2_SMALL_PARAMS) == ("int8", "q4")


def test_gpt2_small_ships_the_default_and_one_fallback_within_400_mb():
    cands = {p: GPT2_SMALL[p] for p in default_variant.auto_candidates(GPT2_SMALL_PARAMS)}
    default = default_variant.choose(cands)
    ships = default_variant.shipped(default, cands)
    assert ships == ("int8", "q4")  # int8 is the default on these measurements, q4 the fallback
    assert sum(GPT2_SMALL[p]["bytes"] for p in ships) <= 400e6
    # the estimate that chose the candidates agrees with the exported sizes within 5 %
    for p, m in GPT2_SMALL.items():
        assert abs(GPT2_SMALL_PARAMS * default_variant.BYTES_PER_PARAM[p] / m["bytes"] - 1) < 0.05


def test_at_most_one_fallback_even_when_everything_fits():
    ships = default_variant.shipped("int8", BUNDLED)
    assert ships[0] == "int8" and len(ships) == 2
    # the fallback reads like the original (fp16, TV 0.0005), not q4 (TV 0.21) although q4 is smaller
    assert ships[1] in ("fp16", "fp32")


def test_a_fallback_that_would_break_the_budget_or_failed_is_left_out():
    big = {"int8": {**GPT2_SMALL["int8"], "bytes": 300e6}, "q4": {**GPT2_SMALL["q4"], "bytes": 150e6}}
    assert default_variant.shipped("int8", big) == ("int8",)
    failed = {**GPT2_SMALL, "q4": {**GPT2_SMALL["q4"], "passed": False}}
    assert default_variant.shipped("int8", {p: failed[p] for p in ("int8", "q4")}) == ("int8",)


def test_a_model_too_big_for_any_variant_still_gets_the_smallest():
    assert default_variant.auto_candidates(2_000_000_000) == ("q4",)


def test_check_size_names_a_file_over_100_mb(tmp_path):
    (tmp_path / "model").mkdir()
    with open(tmp_path / "model" / "big.bin", "wb") as f:  # sparse: no 100 MB written
        f.truncate(100_000_001)
    (tmp_path / "index.html").write_text("x")
    with pytest.raises(BuildError) as e:
        check_size(tmp_path)
    assert "model/big.bin" in str(e.value) and "\n" not in str(e.value)


def test_check_size_totals_and_limits(tmp_path):
    (tmp_path / "a").write_bytes(b"x" * 600)
    (tmp_path / "b").write_bytes(b"x" * 500)
    assert check_size(tmp_path, limit=1100) == 1100
    with pytest.raises(BuildError, match="over the limit"):
        check_size(tmp_path, limit=1000)


@pytest.fixture
def run_site(monkeypatch, cache_root):
    """`txbuild site ARGS` through click with the tests' stage cache; (result, out folder)."""
    from txbuild import site as site_mod
    from txbuild.cli import main

    real = site_mod.build_site

    def with_cache(opts, rep):
        opts.cache_root = cache_root
        return real(opts, rep)

    monkeypatch.setattr(site_mod, "build_site", with_cache)
    return lambda *args: CliRunner().invoke(main, ["site", *args])


@pytest.fixture(scope="module")
def shared_ckpt(tmp_path_factory):
    # the shared browser site's checkpoint (browser.SHARED_SITE): its exports are in the cache
    return make_checkpoint(tmp_path_factory.mktemp("size-ckpt"), seed=1, embedding_scale=40)


def test_default_build_ships_the_default_and_one_fallback_and_prints_the_total(run_site, shared_ckpt, tmp_path):
    out = tmp_path / "site"
    res = run_site("--model", str(shared_ckpt), "--out", str(out))
    assert res.exit_code == 0, res.output
    (manifest_path,) = out.glob("model/*/manifest.json")
    manifest = json.loads(manifest_path.read_text())
    shipped = sorted(manifest["variants"])
    assert len(shipped) == 2 and manifest["default_variant"] in shipped
    # the variant folders on disk are exactly the shipped ones, and verify.json names only them
    on_disk = sorted(p.name for p in manifest_path.parent.iterdir() if p.is_dir() and p.name != "examples")
    assert on_disk == shipped
    assert sorted(json.loads((manifest_path.parent / "verify.json").read_text())) == shipped
    total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    assert "site: " in res.output and "limit 1.0 GB" in res.output
    printed = res.output.split("site: ")[1].split(" (limit")[0]
    assert printed == f"{total / 1e6:.1f} MB"


def test_a_site_over_max_site_size_fails_with_one_line(run_site, shared_ckpt, tmp_path):
    out = tmp_path / "site"
    res = run_site("--model", str(shared_ckpt), "--out", str(out), "--variants", "fp32", "--max-site-size", "1MB")
    assert res.exit_code == 1
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert any("over the limit of 1.0 MB (--max-site-size)" in ln for ln in lines), res.output
    assert "Traceback" not in res.output
    assert not out.exists()  # nothing half-written


def test_max_site_size_must_be_a_size(run_site, tmp_path):
    res = run_site("--out", str(tmp_path / "s"), "--max-site-size", "big")
    assert res.exit_code == 2 and "not a size" in res.output
