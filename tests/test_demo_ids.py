"""The demo page's "real GPT-2 ids" are GPT-2's: every fixture string is tokenized here."""

from __future__ import annotations

from txbuild.article import demo
from txbuild.train.corpus import load_tokenizer


def test_demo_prompt_tokens_and_ids_are_gpt2s():
    tok = load_tokenizer()
    ids = tok(demo.DEMO_PROMPT, add_special_tokens=False).input_ids
    assert ids == demo.DEMO_IDS
    assert [tok.decode([i]) for i in ids] == demo.DEMO_TOKENS


def test_every_fixture_token_is_one_gpt2_token_with_that_id():
    tok = load_tokenizer()
    for i, text, _ in [*demo.DEMO_NEXT, *demo.DEMO_EARLY]:
        assert tok(text, add_special_tokens=False).input_ids == [i], text
        assert tok.decode([i]) == text


def test_demo_context_uses_the_fixture_ids(tmp_path):
    tok = load_tokenizer()
    ctx = demo.demo_context(tmp_path)
    rows = [*ctx.example["top"], *(r for row in ctx.lens for r in row)]
    for r in rows:
        if not r["token"].startswith("#"):
            assert tok.decode([r["id"]]) == r["token"], r
