"""Every script under scripts/ parses its arguments (`--help` prints help and touches nothing),
and each benchmark runs its smallest mode on the tiny test site, so a manifest change cannot
break them unnoticed again (schema 2 moved the sizes to `dims`: both benchmarks crashed)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from txbuild import REPO_ROOT

SCRIPTS = sorted((REPO_ROOT / "scripts").glob("*.py"))


def run(script: str, *args: str, cwd: Path | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "tests")}
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / script), *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO_ROOT,
        env=env,
        timeout=timeout,
    )


def test_every_python_script_is_covered():
    assert {p.name for p in SCRIPTS} == {
        "bench_browser.py",
        "bench_build.py",
        "bench_generation.py",
        "random_checkpoint.py",
        "screenshots.py",
        "tour_screenshots.py",
    }


@pytest.mark.parametrize("script", [p.name for p in SCRIPTS])
def test_help_prints_usage_and_writes_nothing(script, tmp_path):
    shots = sorted((REPO_ROOT / "docs" / "screenshots").iterdir())
    res = run(script, "--help", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("usage:") and "--help" in res.stdout
    assert list(tmp_path.iterdir()) == []  # screenshots.py once made a folder named --help
    assert sorted((REPO_ROOT / "docs" / "screenshots").iterdir()) == shots


@pytest.mark.parametrize("script", ["screenshots.py", "tour_screenshots.py"])
def test_screenshots_refuses_a_folder_that_is_not_a_site(script, tmp_path):
    res = run(script, "--site", str(tmp_path / "nothing"), "--out", str(tmp_path / "shots"))
    assert res.returncode == 2 and "not a built site" in res.stderr
    assert not (tmp_path / "shots").exists()


def test_random_checkpoint_writes_a_loadable_gpt2(tmp_path):
    from txbuild.sources import load, resolve

    res = run("random_checkpoint.py", "--out", str(tmp_path / "ck"), "--layers", "1", "--heads", "2", "--width", "32")
    assert res.returncode == 0, res.stderr
    cfg = load(resolve(str(tmp_path / "ck"))).model.config
    assert (cfg.n_layer, cfg.n_head, cfg.n_embd) == (1, 2, 32)


@pytest.mark.browser
def test_bench_browser_smallest_mode_on_the_tiny_site(shared_site):
    site, manifest, _ = shared_site
    res = run(
        "bench_browser.py",
        *("--site", str(site), "--variants", "int8", "--forward", "4", "--steps", "2", "--repeat", "1"),
        *("--first-prediction", "--generate", "2", "--lang", "ko"),
    )
    assert res.returncode == 0, res.stderr
    assert "The app (ko/index.html)" in res.stdout
    d = manifest["dims"]
    label = f"{manifest['id']} ({d['layer']}L×{d['head']}H×{d['embd']})"
    rows = [ln for ln in res.stdout.splitlines() if ln.startswith(f"| {label} | int8 |")]
    assert len(rows) == 2  # the speed table's row and the first visit's
    assert "forward T=4" in res.stdout and "longest task while generating" in res.stdout
    cells = [c.strip() for c in rows[1].split("|")[1:-1]]
    assert cells[8] == "none"  # no model file fetched twice
    assert cells[10].endswith(" ms")  # generation ran
    model_mb = float(cells[4].split()[0])
    assert model_mb * 1e6 >= manifest["variants"]["int8"]["bytes"] - 1e5  # at least the variant was fetched
    # memory: the RSS sum counts shared pages once per process, PSS splits them: 0 < PSS ≤ RSS
    rss, pss = (float(x) for x in cells[11].removesuffix(" GiB").split(" / "))
    assert 0 < pss <= rss


@pytest.mark.browser
def test_bench_generation_smallest_mode_on_the_tiny_site(shared_site):
    site, manifest, _ = shared_site
    res = run("bench_generation.py", "--site", f"{site}:int8", "--tokens", "2", "--prompt", "Hello")
    assert res.returncode == 0, res.stderr
    d = manifest["dims"]
    assert f"| {manifest['id']} ({d['layer']}L×{d['head']}H×{d['embd']}) | int8 |" in res.stdout


@pytest.mark.browser
def test_bench_build_smallest_mode_on_the_tiny_model(tiny_checkpoint, cache_root):
    # the session's stage cache: the script's code paths without a cold export (the cold build
    # is an empty cache, the default)
    res = run("bench_build.py", "--model", str(tiny_checkpoint), "--variants", "fp32", "--cache-dir", str(cache_root))
    assert res.returncode == 0, res.stderr
    assert "first prediction" in res.stdout and "fp32" in res.stdout and "warm" in res.stdout
    assert "cold" not in res.stdout  # a build from a given cache is not called cold
