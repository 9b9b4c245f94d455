"""Bad --model values fail with one clear line, a non-zero exit, and nothing half-written."""

import json

import pytest
from click.testing import CliRunner

from txbuild import sources
from txbuild.cli import main
from txbuild.ownership import write_marker


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def previous_site(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the previous build")
    write_marker(out, ["index.html"])  # a site txbuild wrote (a well-formed marker)
    return out


def run_site(*args):
    return CliRunner().invoke(main, ["site", "-q", *args])


def assert_one_line_error(result, *needles):
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1, result.output
    for n in needles:
        assert n in " ".join(lines), (n, result.output)


def test_unknown_hub_id_offline(offline, previous_site):
    r = run_site("--model", "no-such-org/no-such-model", "--out", str(previous_site))
    assert_one_line_error(r, "no-such-org/no-such-model", "offline")
    assert (previous_site / "index.html").read_text() == "the previous build"


def test_gpt2_when_the_hub_is_offline_and_not_cached(offline, previous_site, monkeypatch):
    monkeypatch.setattr(sources, "in_hf_cache", lambda repo: False)
    r = run_site("--model", "gpt2", "--out", str(previous_site))
    assert_one_line_error(r, "'gpt2'", "offline and not in the local cache")
    assert (previous_site / "index.html").read_text() == "the previous build"


def test_missing_folder(tmp_path, previous_site):
    r = run_site("--model", str(tmp_path / "nowhere"), "--out", str(previous_site))
    assert_one_line_error(r, "nowhere", "does not exist")


def test_non_gpt2_checkpoint(tmp_path, previous_site):
    folder = tmp_path / "bert"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_size": 8}))
    r = run_site("--model", str(folder), "--out", str(previous_site))
    assert_one_line_error(r, "'bert'", "GPT-2")


def test_auto_falls_back_to_the_bundled_model_when_offline(offline, monkeypatch):
    monkeypatch.setattr(sources, "in_hf_cache", lambda repo: False)
    src = sources.resolve("auto")
    assert src.kind == "bundled" and src.ref == str(sources.BUNDLED_DIR)
    assert any("HF_HUB_OFFLINE" in n and "--model gpt2" in n for n in src.notes)


def test_auto_prefers_cached_gpt2(monkeypatch):
    monkeypatch.setattr(sources, "in_hf_cache", lambda repo: repo == "gpt2")
    assert sources.resolve("auto").ref == "gpt2"


def test_refuses_to_replace_a_folder_it_did_not_write(tiny_checkpoint, tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    r = run_site("--model", str(tiny_checkpoint), "--out", str(out), "--variants", "fp32")
    assert_one_line_error(r, "did not write")
    assert (out / "thesis.tex").read_text() == "years of work"


def test_bad_precision_choice():
    r = CliRunner().invoke(main, ["site", "--precision", "int4"])
    assert r.exit_code == 2 and "int4" in r.output


def test_the_site_never_shows_the_build_machine_path(tmp_path):
    folder = tmp_path / "secret-home" / "my-model"
    folder.mkdir(parents=True)
    assert sources.resolve(str(folder)).as_dict() == {"kind": "folder", "ref": "my-model"}
    assert sources.resolve("bundled").as_dict() == {"kind": "bundled", "ref": "models/gpt2-shakespeare"}
    assert sources.resolve("gpt2").as_dict() == {"kind": "hub", "ref": "gpt2"}
