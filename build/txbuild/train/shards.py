"""Split a checkpoint's model.safetensors into small part files and merge them back.

The GPU machine returns files of at most 16 MiB, and the token embedding alone is larger, so
tensors are cut along their first dimension: `name` becomes `name::0/2`, `name::1/2`.

    python -m txbuild.train.shards export-best RUNS_DIR OUT_DIR   # on the GPU machine
    python -m txbuild.train.shards merge PARTS_DIR models/gpt2-shakespeare/model.safetensors
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
from pathlib import Path

from safetensors import safe_open
from safetensors.torch import load_file, save_file

from . import PREV_TOKEN_BAR

PART_PREFIX = "weights-"


def split(src: Path, out_dir: Path, max_bytes: int = 14 * 2**20) -> list[Path]:
    tensors = load_file(str(src))
    pieces: list[tuple[str, object]] = []
    for name, t in tensors.items():
        nbytes = t.numel() * t.element_size()
        n = max(1, math.ceil(nbytes / (max_bytes * 0.9)))
        if n == 1:
            pieces.append((name, t))
        else:
            for i, chunk in enumerate(t.chunk(n, dim=0)):
                pieces.append((f"{name}::{i}/{n}", chunk.contiguous()))
    files: list[dict] = [{}]
    sizes = [0]
    for name, t in pieces:
        nb = t.numel() * t.element_size()
        if sizes[-1] and sizes[-1] + nb > max_bytes * 0.95:
            files.append({})
            sizes.append(0)
        files[-1][name] = t
        sizes[-1] += nb
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(PART_PREFIX + "*.safetensors"):
        old.unlink()
    paths = []
    for i, group in enumerate(files):
        p = out_dir / f"{PART_PREFIX}{i:02d}.safetensors"
        save_file(group, str(p), metadata={"format": "pt", "part": f"{i}/{len(files)}"})
        assert p.stat().st_size < 16 * 2**20, f"{p} too large"
        paths.append(p)
    return paths


def merge(parts_dir: Path, dst: Path) -> Path:
    import torch

    parts = sorted(parts_dir.glob(PART_PREFIX + "*.safetensors"))
    assert parts, f"no {PART_PREFIX}*.safetensors in {parts_dir}"
    with safe_open(str(parts[0]), "pt") as f:
        n_files = int(f.metadata()["part"].split("/")[1])
    assert len(parts) == n_files, f"expected {n_files} parts, found {len(parts)}"
    chunks: dict[str, dict[int, torch.Tensor]] = {}
    whole: dict[str, torch.Tensor] = {}
    for p in parts:
        for name, t in load_file(str(p)).items():
            if "::" in name:
                base, idx = name.split("::")
                i, n = map(int, idx.split("/"))
                chunks.setdefault(base, {})[i] = t
                chunks[base]["n"] = n  # type: ignore[assignment]
            else:
                whole[name] = t
    for base, d in chunks.items():
        n = d.pop("n")
        assert sorted(d) == list(range(n)), f"{base}: parts {sorted(d)} of {n}"
        whole[base] = torch.cat([d[i] for i in range(n)], dim=0)
    dst.parent.mkdir(parents=True, exist_ok=True)
    save_file(whole, str(dst), metadata={"format": "pt"})
    return dst


def meets_prev_token_bar(m: dict) -> bool:
    prev = m.get("best_prev_token")
    return bool(prev) and prev["score"] > PREV_TOKEN_BAR


def export_best(runs_dir: Path, out_dir: Path) -> str | None:
    """Pick the run under runs_dir with the lowest held-out loss among those whose kept weights
    have a previous-token head (any run, if none has); put its weights (as parts),
    metrics.json and config.json into out_dir, and a summary of all runs in runs.json."""
    runs = []
    for mpath in sorted(runs_dir.glob("*/metrics.json")):
        try:
            m = json.loads(mpath.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if (mpath.parent / "model.safetensors").exists():
            runs.append((m["best_heldout_loss_train_eval"], mpath.parent.name, m))
    if not runs:
        return None
    runs.sort(key=lambda r: (not meets_prev_token_bar(r[2]), r[0]))
    loss, name, m = runs[0]
    tmp = out_dir / ".export"
    shutil.rmtree(tmp, ignore_errors=True)
    split(runs_dir / name / "model.safetensors", tmp)
    shutil.copyfile(runs_dir / name / "config.json", tmp / "config.json")
    m["run"] = name
    (tmp / "metrics.json").write_text(json.dumps(m, indent=2) + "\n")
    summary = [
        {
            "run": n,
            "best_heldout_loss": run_loss,
            "best_step": mm["best_step"],
            "best_prev_token": mm.get("best_prev_token"),
            "steps_done": mm["steps_done"],
            "steps_planned": mm["steps_planned"],
            "final": mm.get("final"),
            "tokens_per_s": mm["tokens_per_s"],
            "config": {
                k: mm["config"][k]
                for k in (
                    "layers",
                    "width",
                    "dropout",
                    "attn_dropout",
                    "position_init",
                    "decay_embeddings",
                    "lr",
                    "weight_decay",
                    "batch_size",
                    "epochs",
                    "steps",
                )
                if k in mm["config"]
            },
        }
        for run_loss, n, mm in runs
    ]
    (tmp / "runs.json").write_text(json.dumps(summary, indent=2) + "\n")
    for old in out_dir.glob(PART_PREFIX + "*.safetensors"):
        old.unlink()
    for f in tmp.iterdir():
        os.replace(f, out_dir / f.name)
    tmp.rmdir()
    return name


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    cmd, a, b = args[0], Path(args[1]), Path(args[2])
    if cmd == "split":
        print("\n".join(map(str, split(a, b))))
    elif cmd == "merge":
        print(merge(a, b))
    elif cmd == "export-best":
        print("exported:", export_best(a, b))
    else:
        raise SystemExit(f"unknown command {cmd!r}; use split, merge or export-best")


if __name__ == "__main__":
    main()
