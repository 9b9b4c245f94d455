"""Precomputed example runs: the page draws these before the model has downloaded.

Each example is the PyTorch fp32 trace of one prompt, written as one binary file of
little-endian float32 tensors plus an index in the manifest (name, dims, byte offset,
length), so the browser reads it with one fetch and `new Float32Array(buffer, offset, n)`.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np

from . import attribution, cache, graph, manifest, numerics, preopt, sources, stages, trace, verify
from .sources import LoadedModel, encode

# The cache tensors repeat k and v; the explainer never needs them for a precomputed run.
SKIP = ("present_key", "present_value")


def write_trace(tr: dict[str, np.ndarray], path: Path) -> list[manifest.TraceTensor]:
    """Write the tensors of `tr` to `path`; return their index."""
    index, offset = [], 0
    with open(path, "wb") as f:
        for name in graph.OUTPUTS:
            if name in SKIP:
                continue
            arr = np.ascontiguousarray(tr[name], dtype="<f4")
            f.write(arr.tobytes())
            index.append(manifest.TraceTensor(name=name, dims=list(arr.shape), offset=offset, length=int(arr.size)))
            offset += arr.nbytes
    return index


def read_trace(path: Path, index: list[dict]) -> dict[str, np.ndarray]:
    """The tensors `write_trace` wrote to `path`, by its index."""
    data = path.read_bytes()
    return {
        e["name"]: np.frombuffer(data, dtype="<f4", count=e["length"], offset=e["offset"])
        .reshape(e["dims"])
        .astype(np.float32)
        for e in index
    }


def _write_examples(lm: LoadedModel, runs: list[tuple[str, str, list[int]]], folder: Path) -> list[manifest.Example]:
    out = []
    (folder / "examples").mkdir(parents=True, exist_ok=True)
    for i, (prompt, lang, ids) in enumerate(runs):
        tr = trace.trace_ids(lm.model, ids)
        rel = f"examples/{i}.bin"
        # dla: the overview's direct logit attribution for the predicted token
        out.append(
            manifest.example(
                prompt,
                lang,
                ids,
                tokens=[lm.tokenizer.decode([t]) for t in ids],
                top=stages.top_tokens(lm.tokenizer, tr["logits"]),
                dla=attribution.example_entry(lm.model, tr, int(tr["logits"][-1].argmax())),
                path=rel,
                tensors=write_trace(tr, folder / rel),
            )
        )
    return out


def build_examples(
    lm: LoadedModel,
    prompts: list[str | tuple[str, str]],
    max_tokens: int,
    model_dir: Path,
    cache_root: Path | None = None,
) -> tuple[list[manifest.Example], dict[str, np.ndarray]]:
    """Manifest entries for `prompts` (files under model_dir/examples/) and the first trace.
    A prompt is a string (English) or (prompt, lang).

    With `cache_root`, the traces are cached like the other stages, keyed by the weights, the
    prompts' ids and tokens, and the modules that compute them."""
    pairs = [(p, "en") if isinstance(p, str) else tuple(p) for p in prompts]
    runs = [(prompt, lang, encode(lm.tokenizer, prompt)[:max_tokens]) for prompt, lang in pairs]
    if cache_root is None:
        entries = _write_examples(lm, runs, model_dir)
    else:
        config = {"runs": [(p, lang, ids, [lm.tokenizer.decode([t]) for t in ids]) for p, lang, ids in runs]}
        # numerics: top_tokens' softmax; sources: the tokenizer's encode; attribution: the dla
        # entries; manifest: their shape; preopt: the session level verify runs them at
        key = stages.stage_key(
            lm, config, [sys.modules[__name__], attribution, graph, manifest, numerics, preopt, trace, verify, sources]
        )

        def fill(tmp: Path) -> None:
            (tmp / "examples.json").write_text(json.dumps(_write_examples(lm, runs, tmp)))

        folder, _ = cache.cached_dir(cache_root, "examples", key, fill)
        entries = json.loads((folder / "examples.json").read_text())
        (model_dir / "examples").mkdir(parents=True, exist_ok=True)
        for e in entries:
            shutil.copyfile(folder / e["trace"]["path"], model_dir / e["trace"]["path"])
    first = entries[0]["trace"]
    return entries, read_trace(model_dir / first["path"], first["tensors"])


def lens_tops(lm: LoadedModel, tr: dict[str, np.ndarray], k: int = 5) -> list[list[dict]]:
    """The logit lens at the last position: top-k after the embedding, then after each block."""
    rows = np.concatenate([tr["embed"][-1:], tr["resid_post"][:, -1]])  # (L+1, C)
    logits = trace.lens_logits(lm.model, rows)
    return [stages.top_tokens(lm.tokenizer, row[None], k) for row in logits]
