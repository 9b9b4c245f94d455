"""What a run writes: the kept weights as an fp16 Hugging Face folder (with metrics.json), and
the resume state (model, optimiser, random generators, RunState) for `--resume`."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path

import torch

from .config import TrainConfig
from .corpus import write_tokenizer
from .model import make_model, probe_logits

STATE_EVERY_S = 300.0  # seconds between writes of the resume state


def log(msg: str) -> None:
    print(msg, flush=True)


def resume_path(cfg: TrainConfig) -> Path | None:
    """--state-file, default .txbuild/train-state/<output name>.pt; '' for none."""
    if cfg.state_file is None:
        return Path(".txbuild/train-state") / f"{Path(cfg.output).name}.pt"
    return Path(cfg.state_file) if cfg.state_file else None


def save_checkpoint(state: dict, cfg: TrainConfig, out: Path, metrics: dict) -> None:
    """Write `state` (fp32, CPU) as an fp16 Hugging Face folder, atomically per file."""
    with torch.random.fork_rng(devices=[]):  # building a model draws from the global RNG
        model = make_model(cfg)
    model.load_state_dict({k: v.half().float() for k, v in state.items()})
    metrics = {**metrics, "probe": probe_logits(model)}
    model = model.half()
    if not (out / "vocab.json").exists():
        try:
            write_tokenizer(out, cfg.context)
        except Exception as e:  # the weights matter more; the tokenizer can be added later
            log(f"warning: could not write the tokenizer files: {e!r}")
    tmp = out / ".txbuild-saving"  # not a name of the user's
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    out.mkdir(parents=True, exist_ok=True)
    for name in os.listdir(tmp):
        os.chmod(tmp / name, 0o644)
        os.replace(tmp / name, out / name)
    shutil.rmtree(tmp, ignore_errors=True)
    write_json(out / "metrics.json", metrics)


def write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(tmp, path)


def save_resume(
    path: Path, model, opt, gen: torch.Generator, device: torch.device, run_state: dict, cfg: TrainConfig
) -> None:
    """Everything `load_resume` needs to continue bit for bit (on CPU), written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": opt.state_dict(),
            "generator": gen.get_state(),
            "torch_rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state() if device.type == "cuda" else None,
            "run": run_state,
            "config": asdict(cfg),
        },
        tmp,
    )
    os.replace(tmp, path)


def load_resume(path: Path, model, opt, gen: torch.Generator, device: torch.device) -> dict:
    """Restore model, optimiser and generators from `path`; return the saved RunState fields."""
    st = torch.load(path, map_location="cpu", weights_only=False)
    model.load_state_dict(st["model"])
    opt.load_state_dict(st["optimizer"])
    gen.set_state(st["generator"])
    torch.set_rng_state(st["torch_rng"])
    if device.type == "cuda" and st.get("cuda_rng") is not None:
        torch.cuda.set_rng_state(st["cuda_rng"])
    return st["run"]
