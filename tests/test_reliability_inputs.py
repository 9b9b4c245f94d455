"""Bad build input: one line, exit 1 or 2, nothing half-written (issue 13, section 6)."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import make_checkpoint
from txbuild import REPO_ROOT
from txbuild.article import context as article_context
from txbuild.errors import TxbuildError
from txbuild.ownership import write_marker


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return make_checkpoint(tmp_path_factory.mktemp("good-ckpt"))


@pytest.fixture
def previous(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the previous build")
    write_marker(out, ["index.html"])  # a site txbuild wrote (a well-formed marker)
    return out


def one_line(result, *needles, code=1):
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error:")]
    assert result.exit_code == code and len(errors) == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for n in needles:
        assert n in errors[0], (n, errors[0])
    return errors[0]


def variant_of(good, tmp_path, name):
    folder = tmp_path / name
    shutil.copytree(good, folder)
    return folder


def test_a_truncated_safetensors(good, tmp_path, previous, cli):
    bad = variant_of(good, tmp_path, "truncated")
    f = bad / "model.safetensors"
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    one_line(cli("--model", str(bad), "--out", str(previous)), "damaged or truncated")
    assert (previous / "index.html").read_text() == "the previous build"


def test_a_config_that_does_not_match_the_weights(good, tmp_path, previous, cli):
    bad = variant_of(good, tmp_path, "mismatch")
    cfg = json.loads((bad / "config.json").read_text())
    cfg["n_embd"] *= 2
    (bad / "config.json").write_text(json.dumps(cfg))
    one_line(cli("--model", str(bad), "--out", str(previous)), "config.json do not match the weights")
    assert (previous / "index.html").read_text() == "the previous build"


@pytest.mark.parametrize(
    "text, needle",
    [
        ('{"name": "x", ', "invalid JSON"),
        ('["a list"]', "expected a JSON object"),
        ('{"name": 3}', "'name' must be a str"),
        ('{"example_prompts": "one string"}', "'example_prompts' must be a list"),
        ('{"example_prompts": []}', "is empty"),
        ('{"default_prompt": ""}', "non-empty string"),
        ('{"description": {"en": 5}}', "'description'"),
    ],
)
def test_an_invalid_txbuild_json(good, tmp_path, previous, cli, text, needle):
    bad = variant_of(good, tmp_path, "card")
    (bad / "txbuild.json").write_text(text)
    line = one_line(cli("--model", str(bad), "--out", str(previous)), needle)
    assert "txbuild.json" in line
    assert (previous / "index.html").read_text() == "the previous build"


def test_a_folder_without_tokenizer_files(good, tmp_path, previous, cli):
    bad = variant_of(good, tmp_path, "no-tokenizer")
    (bad / "vocab.json").unlink()
    (bad / "merges.txt").unlink()
    one_line(cli("--model", str(bad), "--out", str(previous)), "no tokenizer files")
    assert (previous / "index.html").read_text() == "the previous build"


@pytest.fixture
def content_copy(tmp_path, monkeypatch):
    """A copy of the project's content/ and templates/ the build reads instead of the real ones."""
    root = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "content", root / "content")
    shutil.copytree(REPO_ROOT / "templates", root / "templates")
    monkeypatch.setattr(article_context, "REPO_ROOT", root)
    fonts = REPO_ROOT / "web" / "node_modules" / "pretendard"
    (root / "web" / "node_modules").mkdir(parents=True)
    (root / "web" / "node_modules" / "pretendard").symlink_to(fonts)
    return root


def test_invalid_utf8_in_a_markdown_file_names_file_and_line(good, previous, cli, content_copy):
    md = sorted((content_copy / "content" / "en").glob("*.md"))[1]
    lines = md.read_bytes().split(b"\n")
    lines[4] = lines[4] + b" \xff\xfe"
    md.write_bytes(b"\n".join(lines))
    line = one_line(cli("--model", str(good), "--out", str(previous)), md.name, ":5:", "UTF-8")
    assert line
    assert (previous / "index.html").read_text() == "the previous build"


def test_a_strings_toml_syntax_error_names_file_and_line(good, previous, cli, content_copy):
    toml = content_copy / "content" / "ko" / "strings.toml"
    text = toml.read_text(encoding="utf-8").split("\n")
    text.insert(2, 'broken = "no closing quote')
    toml.write_text("\n".join(text), encoding="utf-8")
    one_line(cli("--model", str(good), "--out", str(previous)), "strings.toml:3", "TOML syntax error")
    assert (previous / "index.html").read_text() == "the previous build"


def test_max_tokens_above_the_context_is_clamped_with_a_warning(good, tmp_path, cli):
    out = tmp_path / "site"
    r = cli("--model", str(good), "--out", str(out), "--max-tokens", "1024")
    assert r.exit_code == 0, r.output
    assert "above the model's context of 128" in " ".join(r.output.split())
    manifest = next((out / "model").glob("*/manifest.json"))
    assert json.loads(manifest.read_text())["max_tokens"] == 128


def test_one_error_base_class_on_click_exception():
    import click

    from txbuild.bundle import BundleError
    from txbuild.inputs import InputError
    from txbuild.ownership import OwnershipError
    from txbuild.site import BuildError
    from txbuild.sources import ModelError

    for cls in (BundleError, BuildError, ModelError, InputError, OwnershipError):
        assert issubclass(cls, TxbuildError) and issubclass(cls, click.ClickException), cls
    import txbuild.cli as cli_mod

    assert not hasattr(cli_mod, "_fail") and not hasattr(cli_mod, "_expected_errors")
