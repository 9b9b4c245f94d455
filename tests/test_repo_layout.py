"""build/ is source: git tracks the package and ignores none of it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import txbuild

ROOT = Path(__file__).resolve().parents[1]


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


@pytest.fixture(autouse=True)
def in_a_git_checkout():
    if shutil.which("git") is None or git("rev-parse", "--git-dir").returncode != 0:
        pytest.fail("the repository layout test needs git and a git checkout")


def test_git_does_not_ignore_the_package():
    files = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "build" / "txbuild").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert "build/txbuild/cli.py" in files and "build/txbuild/train/gpt2_tokenizer/vocab.json" in files
    ignored = git("check-ignore", "--no-index", *files)
    assert ignored.stdout.split() == [], ignored.stdout
    # also a file that does not exist yet, so a broad pattern (build/, *.j2) is caught too
    assert git("check-ignore", "--no-index", "build/txbuild/new_stage.py").returncode == 1


def test_the_package_is_imported_from_build():
    assert Path(txbuild.__file__).resolve().parent == ROOT / "build" / "txbuild"
