"""The training corpus: read, clean, split into train/held-out, tokenize.

Plain-text files (Project Gutenberg style) become one token stream for training, with
GPT-2's `<|endoftext|>` (id 50256) between documents, and one held-out text: the last
`heldout_fraction` of every document, cut at a paragraph break. The held-out text is saved
as a file (build/txbuild/data/heldout.txt) so anyone can re-measure the model on exactly it.

    python -m txbuild.train.corpus data/corpus/*.txt --out data/tokens \\
        --heldout-text build/txbuild/data/heldout.txt
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

# GPT-2's vocab.json and merges.txt, shipped as package data of txbuild.train (a real folder:
# the package is installed from files, never from a zip).
TOKENIZER_DIR = Path(str(resources.files("txbuild.train") / "gpt2_tokenizer"))
EOT_ID = 50256  # <|endoftext|>
VOCAB_SIZE = 50257
HELDOUT_SEPARATOR = "\n\n\n\n"  # between documents in the held-out text

# Project Gutenberg wraps its texts in a header and a licence footer. The files we use are
# already stripped, but other files may not be: keep only what lies between the markers.
_PG_START = re.compile(r"^\*{3} ?START OF (THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_PG_END = re.compile(
    r"^(\*{3} ?END OF (THE|THIS) PROJECT GUTENBERG.*|End of (the )?Project Gutenberg.*)$",
    re.M | re.I,
)
_PG_SMALL_PRINT = re.compile(
    r"\*+ ?The Project Gutenberg Etext.*?\*+ ?(END\*?THE SMALL PRINT!.*?|END OF THE SMALL PRINT.*?)$",
    re.S | re.I | re.M,
)


def load_tokenizer(folder: str | Path | None = None):
    """GPT-2's byte-level BPE from a folder holding vocab.json and merges.txt.

    transformers 5 ignores `vocab_file=`/`merges_file=`; from_pretrained(folder) works offline.
    """
    from transformers import GPT2TokenizerFast

    tok = GPT2TokenizerFast.from_pretrained(str(folder or TOKENIZER_DIR))
    ids = tok("Data visualization empowers users to").input_ids
    assert ids == [6601, 32704, 795, 30132, 2985, 284], f"not GPT-2's tokenizer: {ids}"
    assert len(tok) == VOCAB_SIZE and tok.eos_token_id == EOT_ID
    return tok


def write_tokenizer(folder: str | Path, context: int) -> None:
    """vocab.json, merges.txt, tokenizer.json and tokenizer_config.json into a checkpoint."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("vocab.json", "merges.txt"):
        shutil.copyfile(TOKENIZER_DIR / name, folder / name)
    tok = load_tokenizer(TOKENIZER_DIR)
    tok.model_max_length = context
    tok.save_pretrained(str(folder))
    cfg_path = folder / "tokenizer_config.json"
    cfg = json.loads(cfg_path.read_text())
    for key in ("is_local", "local_files_only"):  # facts about this machine, not the tokenizer
        cfg.pop(key, None)
    cfg_path.write_text(json.dumps(cfg, indent=2) + "\n")
    # tokenizer.json (3.5 MB) only repeats vocab.json + merges.txt; AutoTokenizer and
    # GPT2TokenizerFast build the same tokenizer from those two and tokenizer_config.json.
    (folder / "tokenizer.json").unlink(missing_ok=True)


def strip_gutenberg(text: str) -> str:
    """Drop a Project Gutenberg header, small print and licence footer, if present."""
    m = _PG_START.search(text)
    if m:
        text = text[m.end() :]
    m = _PG_END.search(text)
    if m:
        text = text[: m.start()]
    return _PG_SMALL_PRINT.sub("", text)


def clean_text(text: str) -> str:
    """Normalise one document: BOM, line endings, trailing blanks, runs of empty lines."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = strip_gutenberg(text)
    text = text.replace("<|endoftext|>", "")  # never let the text forge a document break
    lines = [line.rstrip() for line in text.split("\n")]
    # Leader dots used as indentation ("............'Mongst horrid shapes") -> spaces.
    lines = [re.sub(r"^\.{4,}", "    ", line) for line in lines]
    text = "\n".join(lines)
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip("\n") + "\n"


def split_document(text: str, heldout_fraction: float) -> tuple[str, str]:
    """(train, heldout): the held-out part is the tail, cut at the paragraph break nearest
    to (1 - heldout_fraction) of the length (or the nearest line end, if no paragraph break
    lies close)."""
    if heldout_fraction <= 0:
        return text, ""
    target = int(len(text) * (1 - heldout_fraction))
    slack = max(2000, len(text) // 100)
    breaks = [m.end() for m in re.finditer(r"\n\n+", text) if abs(m.end() - target) <= slack]
    if not breaks:  # unbroken verse (Paradise Lost): cut at the nearest line end instead
        breaks = [m.end() for m in re.finditer(r"\n", text)] or [target]
    cut = min(breaks, key=lambda b: abs(b - target))
    return text[:cut], text[cut:].strip("\n") + "\n"


@dataclass
class Corpus:
    train_ids: np.ndarray  # (N,) uint16, documents joined by EOT
    heldout_ids: np.ndarray  # (M,) uint16, the tokenized held-out text
    heldout_text: str
    meta: dict = field(default_factory=dict)


def encode(tok, text: str) -> list[int]:
    # The texts are long; the tokenizer's length warning means nothing here.
    return tok(text, verbose=False).input_ids


def heldout_ids_from_text(tok, text: str) -> np.ndarray:
    """The one way held-out text becomes ids (training, the card and CI all use it)."""
    return np.asarray(encode(tok, text), dtype=np.uint16)


def build_corpus(
    files: list[str | Path], heldout_fraction: float = 0.025, heldout_text: str | None = None, tok=None
) -> Corpus:
    """Read and clean `files` (sorted by name), split, tokenize.

    heldout_text: use this held-out text instead of splitting (heldout_fraction is then 0
    unless given explicitly).
    """
    tok = tok or load_tokenizer()
    paths = sorted({Path(f) for f in files}, key=lambda p: p.name)
    assert paths, "no corpus files"
    train_parts: list[list[int]] = []
    held_parts: list[str] = []
    sources = []
    for p in paths:
        raw = p.read_bytes()
        doc = clean_text(raw.decode("utf-8", errors="replace"))
        train, held = split_document(doc, heldout_fraction)
        train_parts.append(encode(tok, train))
        if held.strip():
            held_parts.append(held)
        sources.append({"file": p.name, "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()})
    stream: list[int] = []
    for part in train_parts:
        stream.extend(part)
        stream.append(EOT_ID)
    if heldout_text is None:
        heldout_text = HELDOUT_SEPARATOR.join(h.strip("\n") for h in held_parts) + "\n"
    train_ids = np.asarray(stream, dtype=np.uint16)
    heldout_ids = heldout_ids_from_text(tok, heldout_text)
    meta = {
        "sources": sources,
        "heldout_fraction": heldout_fraction,
        "train_tokens": int(train_ids.size),
        "heldout_tokens": int(heldout_ids.size),
        "heldout_sha256": hashlib.sha256(heldout_text.encode("utf-8")).hexdigest(),
        "distinct_train_tokens": int(np.unique(train_ids).size),
    }
    return Corpus(train_ids, heldout_ids, heldout_text, meta)


ABOUT_KEYS = (
    "summary",
    "origin",
    "licence",
    "licence_note",
    "license_id",
    "language",
    "tags",
    "fetch_note",
    "fetch",
    "knows",
    "style",
    "limits",
)


def read_about(path: str | Path) -> dict:
    """What a corpus says about itself, for the model card (train/card.md.j2 reads each key)."""
    about = json.loads(Path(path).read_text(encoding="utf-8"))
    unknown = set(about) - set(ABOUT_KEYS)
    assert not unknown, f"{path}: unknown keys {sorted(unknown)} (known: {', '.join(ABOUT_KEYS)})"
    return about


def save_tokens(corpus: Corpus, folder: str | Path) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "train.npy", corpus.train_ids)
    np.save(folder / "heldout.npy", corpus.heldout_ids)
    (folder / "heldout.txt").write_text(corpus.heldout_text, encoding="utf-8")
    (folder / "meta.json").write_text(json.dumps(corpus.meta, indent=2) + "\n")


def load_tokens(folder: str | Path) -> Corpus:
    folder = Path(folder)
    train = np.load(folder / "train.npy")
    held = np.load(folder / "heldout.npy")
    meta = json.loads((folder / "meta.json").read_text())
    text_path = folder / "heldout.txt"
    text = text_path.read_text(encoding="utf-8") if text_path.exists() else ""
    assert train.dtype == np.uint16 and held.dtype == np.uint16
    return Corpus(train, held, text, meta)


def unigram_cross_entropy(train_ids: np.ndarray, target_ids: np.ndarray, alpha: float = 1.0) -> float:
    """Mean -log p(token) under a unigram model of train_ids with add-alpha smoothing over
    the full 50,257-token vocabulary (nats/token)."""
    counts = np.bincount(train_ids.astype(np.int64), minlength=VOCAB_SIZE).astype(np.float64)
    probs = (counts + alpha) / (counts.sum() + alpha * VOCAB_SIZE)
    return float(-np.log(probs[target_ids.astype(np.int64)]).mean())


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--out", required=True, help="folder for train.npy, heldout.npy, meta.json")
    ap.add_argument("--heldout-fraction", type=float, default=0.025)
    ap.add_argument("--heldout-text", help="also write the held-out text here")
    ap.add_argument(
        "--about",
        help="JSON file describing the corpus for the model card "
        "(summary, origin, licence, ...; see scripts/corpus-shakespeare.json)",
    )
    args = ap.parse_args(argv)
    corpus = build_corpus(args.files, args.heldout_fraction)
    if args.about:
        corpus.meta["about"] = read_about(args.about)
    save_tokens(corpus, args.out)
    if args.heldout_text:
        Path(args.heldout_text).parent.mkdir(parents=True, exist_ok=True)
        Path(args.heldout_text).write_text(corpus.heldout_text, encoding="utf-8")
    m = corpus.meta
    print(
        f"{len(m['sources'])} files: {m['train_tokens']:,} train tokens "
        f"({m['distinct_train_tokens']:,} distinct), {m['heldout_tokens']:,} held-out tokens "
        f"({len(corpus.heldout_text.encode()):,} bytes) -> {args.out}"
    )


if __name__ == "__main__":
    main()
