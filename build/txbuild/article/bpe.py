"""GPT-2's tokenizer as the article needs it: how a string's UTF-8 bytes become tokens.

Uses the GPT-2 BPE files that ship with the repository (vocab.json + merges.txt, loaded with
transformers' GPT2TokenizerFast), the same tokenizer the build encodes prompts with.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from txbuild import resources


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
    from txbuild.train.corpus import TOKENIZER_DIR

    return [*sorted(resources.models_dir().glob("*/")), TOKENIZER_DIR]


@lru_cache(maxsize=1)
def _tokenizer():
    from transformers import GPT2TokenizerFast

    for d in tokenizer_dirs():
        if (d / "vocab.json").exists() and (d / "merges.txt").exists():
            return GPT2TokenizerFast.from_pretrained(str(d))
    raise FileNotFoundError("GPT-2's vocab.json and merges.txt are missing from models/ and build/txbuild/train/")


@dataclass
class Tokenized:
    text: str
    ids: list[int]
    pieces: list[bytes]  # the bytes of each token

    @property
    def n_bytes(self) -> int:
        return len(self.text.encode("utf-8"))


def tokenize(text: str) -> Tokenized:
    from txbuild.sources import encode

    tok = _tokenizer()
    ids = encode(tok, text)
    pieces = [bytes(BYTE_DECODER[c] for c in tok.convert_ids_to_tokens(i)) for i in ids]
    return Tokenized(text, ids, pieces)


def token_bytes(token_id: int) -> bytes | None:
    """The exact bytes of one token (None for an id outside the vocabulary)."""
    tok = _tokenizer()
    piece = tok.convert_ids_to_tokens(int(token_id))
    try:
        return bytes(BYTE_DECODER[c] for c in piece)
    except (KeyError, TypeError):
        return None


def show_bytes(raw: bytes) -> str:
    """Text for a token's bytes: valid UTF-8 as characters, stray bytes of a split character as ⟨EC⟩."""
    s = raw.decode("utf-8", errors="surrogateescape")
    out = "".join(f"⟨{ord(ch) - 0xDC00:02X}⟩" if 0xDC80 <= ord(ch) <= 0xDCFF else ch for ch in s)
    return out.replace("⟩⟨", " ")  # ⟨ED⟩⟨95⟩ -> ⟨ED 95⟩


def label(token_id, decoded: str) -> str:
    """A token as a reader should see it: decoded text, or its bytes when it is part of a character."""
    if "\ufffd" in decoded and token_id is not None:
        raw = token_bytes(token_id)
        if raw is not None:
            return show_bytes(raw)
    return decoded


def token_labels(example: dict) -> list[str]:
    """The prompt's tokens as readers see them: whitespace visible, split characters as bytes."""
    from .filters import visible

    ids = list(example.get("ids", []))
    toks = [str(t) for t in example.get("tokens", [])]
    ids += [None] * (len(toks) - len(ids))
    return [visible(label(i, t)) for i, t in zip(ids, toks)]
