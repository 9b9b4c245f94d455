"""A build never deletes what it did not write (issue 13, section 1).

Builds of the tiny random checkpoint with a shared cache: the first one exports, the others
reuse the cache and only render and bundle.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from click.testing import CliRunner

from txbuild.cli import main
from txbuild.ownership import MARKER, build_lock
from txbuild.report import Reporter
from txbuild.site import BuildOptions, build_site


def build(ckpt, out, cache_root):
    return build_site(
        BuildOptions(model=str(ckpt), out=out, precision="fp32", variants=("fp32",), cache_root=cache_root),
        Reporter(-1),
    )


def one_error_line(result):
    lines = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert result.exit_code == 1 and len(lines) == 1, result.output
    return lines[0]


def test_a_users_backup_named_like_the_old_site_is_not_deleted(tiny_checkpoint, tmp_path, cli):
    out = tmp_path / "site"
    backup = tmp_path / ".site.old"
    backup.mkdir()
    (backup / "index.html").write_text("my hand-made backup")
    r = cli("--model", str(tiny_checkpoint), "--out", str(out))
    assert "was not written by txbuild" in one_error_line(r)
    assert (backup / "index.html").read_text() == "my hand-made backup"


def test_a_users_folder_named_like_the_build_folder_is_not_deleted(tiny_checkpoint, tmp_path, cli):
    out = tmp_path / "site"
    stale = tmp_path / ".site.tmp"
    stale.mkdir()
    (stale / "notes.txt").write_text("mine")
    r = cli("--model", str(tiny_checkpoint), "--out", str(out))
    assert "refusing to remove it" in one_error_line(r)
    assert (stale / "notes.txt").read_text() == "mine"
    assert not out.exists()


def test_a_rebuild_keeps_a_gh_pages_worktree_and_lists_it(tiny_checkpoint, tmp_path, cli):
    out = tmp_path / "site"
    first = cli("--model", str(tiny_checkpoint), "--out", str(out))
    assert first.exit_code == 0 and "cache entry" not in first.output, first.output
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (out / "CNAME").write_text("example.org\n")
    (out / "en" / "extra.html").write_text("a page the user added")
    r = cli("--model", str(tiny_checkpoint), "--out", str(out), "-v")  # -v: where each cached stage is
    assert r.exit_code == 0, r.output
    assert r.output.count("cache entry") == 2, r.output  # the fp32 graph and the measurements
    # the measurement is a stage of its own, cached like the graphs
    assert "model measurements (cached)" in " ".join(r.output.split()), r.output
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (out / "CNAME").read_text() == "example.org\n"
    assert (out / "en" / "extra.html").exists()
    summary = " ".join(r.output.split())
    for name in (".git/", "CNAME", "en/extra.html"):
        assert name in summary, r.output
    # the marker lists txbuild's own files only, so the next rebuild keeps them again
    listed = [e["path"] for e in json.loads((out / MARKER).read_text())["files"]]
    assert "CNAME" not in listed and "en/index.html" in listed
    assert not (tmp_path / ".site.old").exists() and not (tmp_path / ".site.tmp").exists()


def test_a_previous_marked_backup_is_still_cleaned(tiny_checkpoint, tmp_path, cache_root):
    out = tmp_path / "site"
    build(tiny_checkpoint, out, cache_root)
    shutil.copytree(out, tmp_path / ".site.old")  # a crash between the renames left it
    build(tiny_checkpoint, out, cache_root)
    assert not (tmp_path / ".site.old").exists()


def test_out_that_is_a_file(tiny_checkpoint, tmp_path, cli):
    f = tmp_path / "site"
    f.write_text("not a folder")
    r = cli("--model", str(tiny_checkpoint), "--out", str(f))
    assert "is a file" in one_error_line(r)
    assert f.read_text() == "not a folder"


def test_a_second_build_into_the_same_out_is_refused(tiny_checkpoint, tmp_path, cli):
    out = tmp_path / "site"
    with build_lock(out.resolve()):  # a build that is still writing
        r = cli("--model", str(tiny_checkpoint), "--out", str(out))
    assert "another build is writing here" in one_error_line(r)
    assert not out.exists()


def test_a_read_only_output_folder(tiny_checkpoint, tmp_path, cli, monkeypatch):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    if os.geteuid() == 0:  # root writes anyway: make the file system say what it says to a user
        real = os.open

        def refuse(path, *a, **k):
            if str(path).startswith(str(parent)):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *a, **k)

        monkeypatch.setattr(os, "open", refuse)
        real_mkdir = Path.mkdir
        monkeypatch.setattr(
            Path,
            "mkdir",
            lambda self, *a, **k: refuse(self) if str(self).startswith(str(parent)) else real_mkdir(self, *a, **k),
        )
    try:
        r = cli("--model", str(tiny_checkpoint), "--out", str(parent / "site"))
    finally:
        parent.chmod(0o755)
    assert "cannot write" in one_error_line(r)
    assert list(parent.iterdir()) == []


def test_export_does_not_replace_a_folder_it_did_not_write(tiny_checkpoint, tmp_path, monkeypatch):
    from txbuild import stages
    from txbuild.sources import resolve

    variant = tmp_path / "cached-fp32"
    variant.mkdir()
    (variant / "model.onnx").write_bytes(b"graph")
    monkeypatch.setattr(stages, "export_variants", lambda lm, precs, root, rep: {"fp32": variant})
    out = tmp_path / "export"
    mine = out / resolve(str(tiny_checkpoint)).id / "fp32"
    mine.mkdir(parents=True)
    (mine / "results.csv").write_text("my numbers")
    r = CliRunner().invoke(
        main, ["export", "-q", "--model", str(tiny_checkpoint), "--out", str(out), "--variants", "fp32"]
    )
    assert "refusing to replace it" in one_error_line(r)
    assert (mine / "results.csv").read_text() == "my numbers"
    # an export folder it wrote itself is replaced
    shutil.rmtree(mine)
    for _ in range(2):
        r = CliRunner().invoke(
            main, ["export", "-q", "--model", str(tiny_checkpoint), "--out", str(out), "--variants", "fp32"]
        )
        assert r.exit_code == 0, r.output
    assert (mine / "model.onnx").read_bytes() == b"graph"
