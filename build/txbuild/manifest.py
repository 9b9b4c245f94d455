"""`site/model/<id>/manifest.json`: the single source of truth the browser reads."""

from __future__ import annotations

import json
from pathlib import Path

from .trace import INPUTS, OUTPUTS

SCHEMA = 1
INPUT_DTYPES = {"input_ids": "int64"}


def build_manifest(*, lm, dims: dict, variants: dict[str, dict], default_variant: str,
                   max_tokens: int, prompts: dict, examples: list[dict]) -> dict:
    """`variants` = {precision: {"graph", "bytes", "shards", "verify"}} with paths relative to the manifest."""
    cfg = lm.model.config
    n_params = sum(p.numel() for p in lm.model.parameters())  # tied wte/lm_head counted once
    return {
        "schema": SCHEMA,
        "id": lm.source.id,
        "name": lm.card.get("name", lm.source.ref if lm.source.kind == "hub" else lm.source.id),
        "source": lm.source.as_dict(),
        "trained": bool(lm.card.get("trained", True)),
        "description": lm.card.get("description", {}),
        # the page's title per language and the build-only remarks (the "about this build" note)
        "title": lm.card.get("title", {}),
        "build_note": lm.card.get("build_note", {}),
        "reader_name": lm.card.get("reader_name", {}),
        "config": {"n_layer": cfg.n_layer, "n_head": cfg.n_head, "n_embd": cfg.n_embd,
                   "head_dim": dims["head_dim"], "vocab_size": cfg.vocab_size,
                   "n_ctx": cfg.n_positions, "n_params": int(n_params),
                   "layer_norm_epsilon": float(cfg.layer_norm_epsilon)},
        "max_tokens": max_tokens,
        "default_prompt": prompts["default"],
        "example_prompts": prompts["examples"],
        # the Korean page's (examples with lang "ko"); its default falls back to default_prompt
        "default_prompt_ko": prompts.get("default_ko"),
        "example_prompts_ko": prompts.get("examples_ko", []),
        "tokenizer": {"kind": "gpt2-bpe", "js_encoding": "r50k_base", "special_tokens_as_text": True},
        "default_variant": default_variant,
        "variants": variants,
        "inputs": [{"name": n, "dtype": INPUT_DTYPES.get(n, "float32"), "dims": list(d)} for n, d in INPUTS.items()],
        "outputs": [{"name": n, "dtype": "float32", "dims": list(d)} for n, d in OUTPUTS.items()],
        "dims": {k: v for k, v in dims.items() if k != "n_ctx"},
        "examples": examples,
    }


def write_manifest(folder: Path, manifest: dict) -> Path:
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return path
