#!/usr/bin/env python3
"""Write a GPT-2 checkpoint folder with deterministic random weights (nothing is downloaded).

    .venv/bin/python scripts/random_checkpoint.py --out /tmp/gpt2-small-random            # GPT-2 small's shape
    .venv/bin/python scripts/random_checkpoint.py --out /tmp/tiny --layers 2 --heads 4 --width 64

GPT-2 small's shape (GPT2Config() defaults: 12 layers × 12 heads × 768, 124 M parameters) gives
the sizes, layout and speed of the real model; its predictions mean nothing. The tokenizer
files are the bundled model's (GPT-2's own BPE).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path


def random_checkpoint(folder: Path, seed: int = 0, **config) -> Path:
    """`folder` holding a random GPT2LMHeadModel(GPT2Config(**config)) and GPT-2's tokenizer files."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from txbuild.sources import BUNDLED_DIR

    torch.manual_seed(seed)
    GPT2LMHeadModel(GPT2Config(**config)).save_pretrained(folder)
    for f in ("vocab.json", "merges.txt"):
        shutil.copy(BUNDLED_DIR / f, folder / f)
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="the checkpoint folder to write")
    ap.add_argument("--layers", type=int, default=None, help="n_layer (default: GPT-2 small's 12)")
    ap.add_argument("--heads", type=int, default=None, help="n_head (default 12)")
    ap.add_argument("--width", type=int, default=None, help="n_embd (default 768)")
    ap.add_argument("--context", type=int, default=None, help="n_positions (default 1024)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    names = {"layers": "n_layer", "heads": "n_head", "width": "n_embd", "context": "n_positions"}
    config = {names[k]: v for k, v in vars(args).items() if k in names and v is not None}
    folder = random_checkpoint(args.out, args.seed, **config)
    print(folder)


if __name__ == "__main__":
    main()
