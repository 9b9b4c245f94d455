"""The model card txbuild.json: every field documented in one table, each checked with a one-line
error naming the field before anything expensive, and the card `txbuild train` writes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from txbuild import REPO_ROOT
from txbuild.card import FIELDS, CardError, card_from_metrics, markdown_table, validate_card, write_train_card

DOC = REPO_ROOT / "docs" / "model-card.md"
BUNDLED = REPO_ROOT / "models" / "gpt2-shakespeare"


def test_every_field_is_in_the_one_table_of_the_docs():
    text = DOC.read_text(encoding="utf-8")
    table = re.search(r"<!-- fields:begin[^>]*-->\n(.*?)\n<!-- fields:end -->", text, re.S).group(1)
    assert table == markdown_table()
    documented = re.findall(r"^\| `([a-z_]+)` \|", table, re.M)
    assert documented == list(FIELDS)
    # the fields the page reads (manifest.py, site.py) are all there
    for key in ("name", "title", "reader_name", "description", "trained", "build_note", "corpus"):
        assert key in documented
    for key in ("default_prompt", "example_prompts", "default_prompt_ko", "example_prompts_ko"):
        assert key in documented


def test_the_bundled_card_and_the_docs_example_are_valid():
    validate_card(json.loads((BUNDLED / "txbuild.json").read_text(encoding="utf-8")))
    example = re.search(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    card = validate_card(json.loads(example))
    assert set(card) == set(FIELDS) - {"default_prompt_ko"}


BAD = [
    ({"name": 3}, "'name' must be a str"),
    ({"name": " "}, "'name' is empty"),
    ({"title": ["a"]}, "'title' must be a str or"),
    ({"title": {"fr": "x"}}, "'title' has language 'fr'"),
    ({"reader_name": 1}, "'reader_name' must be a str or"),
    ({"reader_name": {"ko": 2}}, "'reader_name' maps a language to a string"),
    ({"description": {"en": 5}}, "'description' maps a language to a string"),
    ({"description": None}, "'description' must be a str or"),
    ({"trained": "yes"}, "'trained' must be true or false"),
    ({"trained": 1}, "'trained' must be true or false"),
    ({"build_note": ["x"]}, "'build_note' must be a str or"),
    ({"default_prompt": 7}, "'default_prompt' must be a str"),
    ({"default_prompt": ""}, "'default_prompt': every prompt must be a non-empty string"),
    ({"example_prompts": "one"}, "'example_prompts' must be a list of strings"),
    ({"example_prompts": []}, "'example_prompts' is empty"),
    ({"example_prompts": ["a", 2]}, "'example_prompts': every prompt must be a non-empty string"),
    ({"default_prompt": "a", "default_prompt_ko": 1}, "'default_prompt_ko' must be a str"),
    ({"default_prompt_ko": "가"}, "'default_prompt_ko' needs a 'default_prompt'"),
    ({"example_prompts_ko": [" "]}, "'example_prompts_ko': every prompt must be a non-empty string"),
    ({"corpus": 3}, "'corpus' must be a str or a list of strings"),
    ({"corpus": ["a.txt", 2]}, "'corpus' must be a str or a list of strings"),
    ({"titel": "x"}, "unknown field 'titel'; did you mean 'title'?"),
    ({"colour": "x"}, "unknown field 'colour'; known fields: name"),
]


@pytest.mark.parametrize("card, message", BAD)
def test_a_bad_field_is_one_line_naming_it(card, message):
    with pytest.raises(CardError) as e:
        validate_card(card, "m/txbuild.json")
    text = str(e.value)
    assert text.startswith("m/txbuild.json: ") and message in text and "\n" not in text


def test_every_field_has_a_wrong_type_case():
    named = {re.search(r"'([a-z_]+)'", m).group(1) for _, m in BAD}
    assert set(FIELDS) <= named


@pytest.fixture
def weights_must_not_load(monkeypatch):
    """The card is checked before the weights load (the first expensive step) and long before export."""
    import transformers

    from txbuild import stages

    def boom(*a, **k):
        raise AssertionError("an expensive stage ran before the card was checked")

    monkeypatch.setattr(transformers.GPT2LMHeadModel, "from_pretrained", boom)
    monkeypatch.setattr(stages, "export_variants", boom)


@pytest.mark.parametrize("card, message", [BAD[8], BAD[19], BAD[21], BAD[3]])
def test_the_build_stops_on_a_bad_card_before_loading_weights(
    tiny_checkpoint, tmp_path, weights_must_not_load, card, message
):
    from txbuild.cli import main

    folder = tmp_path / "m"
    shutil.copytree(tiny_checkpoint, folder)
    (folder / "txbuild.json").write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(main, ["site", "-q", "--model", str(folder), "--out", str(tmp_path / "site")])
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert r.exit_code == 1, r.output
    assert len(lines) == 1 and lines[0].startswith("error:") and "txbuild.json" in lines[0], r.output
    assert message in lines[0]
    assert not (tmp_path / "site").exists()


def test_train_writes_a_valid_card_from_its_run(tmp_path):
    m = json.loads((BUNDLED / "metrics.json").read_text(encoding="utf-8"))
    folder = tmp_path / "g2s"
    folder.mkdir()
    (folder / "metrics.json").write_text(json.dumps(m), encoding="utf-8")
    path = write_train_card(folder)
    card = json.loads(path.read_text(encoding="utf-8"))
    assert validate_card(card) == card
    assert card["name"] == "g2s"
    assert card["corpus"] == [s["file"] for s in m["corpus"]["sources"]]
    summary = m["corpus"]["about"]["summary"]
    assert card["title"]["en"] == f"Inside a small GPT-2 trained on {summary}"  # not "Inside g2s"
    assert f"{m['steps_done']:,} steps" in card["description"]["en"]
    assert "trained" not in card  # the build measures it
    # a card the user wrote is never replaced
    path.write_text('{"name": "mine"}', encoding="utf-8")
    assert write_train_card(folder) is None
    assert json.loads(path.read_text()) == {"name": "mine"}


def test_train_card_without_a_corpus_record():
    card = card_from_metrics({"config": {"layers": 2, "width": 64}, "steps_done": 34}, Path("x/run"))
    assert "corpus" not in card and card["description"]["en"].startswith("A 2-layer, 64-wide GPT-2")


def test_txbuild_train_writes_the_card_the_site_reads(tmp_path):
    from test_train import TINY
    from txbuild import resources
    from txbuild.sources import _read_card
    from txbuild.train.cli import train

    text = resources.heldout_path().read_text(encoding="utf-8")
    files = []
    for name, part in (("plays.txt", text[:12000]), ("poems.txt", text[40000:52000])):
        (tmp_path / name).write_text(part, encoding="utf-8")
        files += ["--corpus", str(tmp_path / name)]
    out = tmp_path / "my-model"
    args = [*files, "--heldout-fraction", "0.1", *TINY, "--state-file", "", "--steps", "4", "--output", str(out)]
    r = CliRunner().invoke(train, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    card = _read_card(out)  # what `txbuild site --model my-model` reads, validated
    m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert card["name"] == "my-model" and card["corpus"] == ["plays.txt", "poems.txt"]
    assert f"for {m['steps_done']:,} steps" in card["description"]["en"]
    assert card["title"]["en"] == "Inside a small GPT-2 trained on plays, poems"
