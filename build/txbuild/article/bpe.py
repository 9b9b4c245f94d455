"""GPT-2's tokenizer as the article needs it: how a string's UTF-8 bytes become tokens.

Uses the GPT-2 BPE files that ship with the repository (vocab.json + merges.txt, loaded with
transformers' GPT2TokenizerFast). If they or transformers are missing, a table measured with that
tokenizer for the default Korean example keeps the article buildable; `source` says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from txbuild import REPO_ROOT

# Measured with GPT-2's tokenizer: "안녕하세요" -> 14 tokens (ids, bytes per token).
KNOWN = {
    "안녕하세요": ([168, 243, 230, 167, 227, 243, 47991, 246, 168, 226, 116, 168, 248, 242],
              [1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1]),
}


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from bytes to printable characters (as in its encoder.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_DECODER = {c: b for b, c in _bytes_to_unicode().items()}


def tokenizer_dirs() -> list[Path]:
    return [*sorted((REPO_ROOT / "models").glob("*/")), REPO_ROOT / "build" / "txbuild" / "train" / "gpt2_tokenizer"]


@lru_cache(maxsize=1)
def _tokenizer():
    for d in tokenizer_dirs():
        if (d / "vocab.json").exists() and (d / "merges.txt").exists():
            try:
                from transformers import GPT2TokenizerFast

                return GPT2TokenizerFast.from_pretrained(str(d))
            except Exception:
                return None
    return None


@dataclass
class Tokenized:
    text: str
    ids: list[int]
    pieces: list[bytes]  # the bytes of each token
    source: str  # "tokenizer" or "table"

    @property
    def n_bytes(self) -> int:
        return len(self.text.encode("utf-8"))


def tokenize(text: str) -> Tokenized | None:
    tok = _tokenizer()
    if tok is not None:
        ids = tok.encode(text)
        pieces = [bytes(BYTE_DECODER[c] for c in tok.convert_ids_to_tokens(i)) for i in ids]
        return Tokenized(text, ids, pieces, "tokenizer")
    if text in KNOWN:
        ids, lens = KNOWN[text]
        raw = text.encode("utf-8")
        pieces, at = [], 0
        for n in lens:
            pieces.append(raw[at : at + n])
            at += n
        return Tokenized(text, list(ids), pieces, "table")
    return None
