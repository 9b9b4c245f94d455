"""The browser's tokenizer (gpt-tokenizer, r50k_base) gives Hugging Face's GPT-2 ids."""

import json
import shutil
import subprocess

import pytest
from transformers import GPT2TokenizerFast

from conftest import tokenizer_dir
from txbuild import REPO_ROOT
from txbuild.sources import encode
from txbuild.verify import PROBE_PROMPTS

PROBES = [
    "Data visualization empowers users to",
    "안녕하세요, 트랜스포머는 다음 토큰을 예측합니다.",
    "emoji 🎉🤖👩‍👩‍👧 and flags 🇰🇷",
    "many    spaces\tand a tab",
    "line one\nline two\n\n\nafter blank lines\r\nwindows",
    "<|endoftext|>",
    "before<|endoftext|>after <|endoftext|>",
    "Ünïcödé àccents, naïve café, Ærøskøbing",
    "  leading and trailing  ",
    "'s 're 've 'll n't — “quotes” … 1234567890",
    "",
    *PROBE_PROMPTS,
]


def js_encode(texts):
    if shutil.which("node") is None:
        pytest.fail("node is required for the tokenizer parity test")
    proc = subprocess.run(
        ["node", str(REPO_ROOT / "web" / "tools" / "encode.mjs")],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def test_browser_and_python_tokenizers_agree():
    tok = GPT2TokenizerFast.from_pretrained(tokenizer_dir())
    py = [encode(tok, t) for t in PROBES]
    js = js_encode(PROBES)
    for text, a, b in zip(PROBES, py, js):
        assert a == b, f"{text!r}: python {a} != js {b}"
    # The literal end-of-text marker is text on both sides, never the special id.
    assert 50256 not in py[PROBES.index("<|endoftext|>")]
    assert py[0] == [6601, 32704, 795, 30132, 2985, 284]  # published GPT-2 ids (NOTES.md)
