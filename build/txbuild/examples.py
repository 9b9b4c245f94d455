"""Precomputed example runs: the page draws these before the model has downloaded.

Each example is the PyTorch fp32 trace of one prompt, written as one binary file plus an
index in the manifest (name, dims, byte offset, number of values, encoding), so the browser
reads it with one fetch. A tensor is stored at the precision its views show (`ENCODINGS`):
float16 for the intermediates (3 significant digits; the views print 2 to 4), float32 for
the attention probabilities (each row sums to 1; [layers, heads, T, T] is small), the logits
as float16 below their row's maximum (the output stage looks up any token's rank at any
position, so the rows stay whole; near the top, where probabilities live, the step is below
0.001). GPT-2 small's 6-token example: 5.3 MB as float32, 2.7 MB so.
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
# How each tensor is stored (manifest TraceTensor.dtype); web/src/explainer/tensors.js decodes.
#   float32: little-endian float32
#   float16: little-endian IEEE half precision
#   float16-rowmax: each row's maximum (float32, one per row of the last axis), then the
#     row's values minus that maximum as float16
ENCODINGS = ("float32", "float16", "float16-rowmax")


def encoding(name: str) -> str:
    if name == "attn_probs":  # rows that sum to 1 (the attention view shows it): small, kept whole
        return "float32"
    return "float16-rowmax" if name == "logits" else "float16"


def pack(arr: np.ndarray, dtype: str) -> bytes:
    if dtype == "float32":
        return np.ascontiguousarray(arr, dtype="<f4").tobytes()
    if dtype == "float16":
        return np.ascontiguousarray(arr, dtype="<f2").tobytes()
    rows = np.asarray(arr, dtype=np.float32).reshape(-1, arr.shape[-1])
    top = rows.max(axis=1)
    return top.astype("<f4").tobytes() + np.ascontiguousarray(rows - top[:, None], dtype="<f2").tobytes()


def unpack(data: bytes, e: dict) -> np.ndarray:
    """One tensor of a trace file as float32, by its index entry."""
    n, off, dtype = e["length"], e["offset"], e.get("dtype", "float32")
    if dtype == "float32":
        arr = np.frombuffer(data, dtype="<f4", count=n, offset=off)
    elif dtype == "float16":
        arr = np.frombuffer(data, dtype="<f2", count=n, offset=off)
    elif dtype == "float16-rowmax":
        width = e["dims"][-1]
        top = np.frombuffer(data, dtype="<f4", count=n // width, offset=off)
        rel = np.frombuffer(data, dtype="<f2", count=n, offset=off + 4 * (n // width)).reshape(-1, width)
        arr = rel.astype(np.float32) + top[:, None]
    else:
        raise ValueError(f"trace: {e['name']} has an unknown encoding {dtype!r}")
    return arr.reshape(e["dims"]).astype(np.float32)


def write_trace(tr: dict[str, np.ndarray], path: Path) -> list[manifest.TraceTensor]:
    """Write the tensors of `tr` to `path`; return their index."""
    index, offset = [], 0
    with open(path, "wb") as f:
        for name in graph.OUTPUTS:
            if name in SKIP:
                continue
            arr, dtype = np.asarray(tr[name], dtype=np.float32), encoding(name)
            blob = pack(arr, dtype)
            f.write(blob)
            index.append(
                manifest.TraceTensor(name=name, dims=list(arr.shape), offset=offset, length=int(arr.size), dtype=dtype)
            )
            offset += len(blob)
    return index


def read_trace(path: Path, index: list[dict]) -> dict[str, np.ndarray]:
    """The tensors `write_trace` wrote to `path`, by its index, as float32."""
    data = path.read_bytes()
    return {e["name"]: unpack(data, e) for e in index}


def _write_examples(
    lm: LoadedModel, runs: list[tuple[str, str, list[int]]], folder: Path
) -> tuple[list[manifest.Example], dict[str, np.ndarray]]:
    """The entries, and the first run's trace at full precision (the file holds it at the
    views' precision; the article's figures and the logit lens read this one)."""
    out, first = [], None
    (folder / "examples").mkdir(parents=True, exist_ok=True)
    for i, (prompt, lang, ids) in enumerate(runs):
        tr = trace.trace_ids(lm.model, ids)
        if first is None:  # what the file holds, at full precision
            first = {k: v for k, v in tr.items() if k not in SKIP}
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
    return out, first


def build_examples(
    lm: LoadedModel,
    prompts: list[str | tuple[str, str]],
    max_tokens: int,
    model_dir: Path,
    cache_root: Path | None = None,
) -> tuple[list[manifest.Example], dict[str, np.ndarray]]:
    """Manifest entries for `prompts` (files under model_dir/examples/) and the first trace
    (float32, as PyTorch computed it).
    A prompt is a string (English) or (prompt, lang).

    With `cache_root`, the traces are cached like the other stages, keyed by the weights, the
    prompts' ids and tokens, and the modules that compute them."""
    pairs = [(p, "en") if isinstance(p, str) else tuple(p) for p in prompts]
    runs = [(prompt, lang, encode(lm.tokenizer, prompt)[:max_tokens]) for prompt, lang in pairs]
    if cache_root is None:
        return _write_examples(lm, runs, model_dir)
    else:
        config = {"runs": [(p, lang, ids, [lm.tokenizer.decode([t]) for t in ids]) for p, lang, ids in runs]}
        # numerics: top_tokens' softmax; sources: the tokenizer's encode; attribution: the dla
        # entries; manifest: their shape; preopt: the session level verify runs them at
        key = stages.stage_key(
            lm, config, [sys.modules[__name__], attribution, graph, manifest, numerics, preopt, trace, verify, sources]
        )

        def fill(tmp: Path) -> None:
            entries, first = _write_examples(lm, runs, tmp)
            (tmp / "examples.json").write_text(json.dumps(entries))
            np.savez(tmp / "first-trace.npz", **first)  # stays in the cache: never copied to the site

        folder, _ = cache.cached_dir(cache_root, "examples", key, fill)
        entries = json.loads((folder / "examples.json").read_text())
        (model_dir / "examples").mkdir(parents=True, exist_ok=True)
        for e in entries:
            shutil.copyfile(folder / e["trace"]["path"], model_dir / e["trace"]["path"])
    if not entries:
        raise IndexError(f"{folder}: the cached example runs are empty")
    with np.load(folder / "first-trace.npz") as first:
        return entries, {k: first[k] for k in first.files}


def lens_tops(lm: LoadedModel, tr: dict[str, np.ndarray], k: int = 5) -> list[list[dict]]:
    """The logit lens at the last position: top-k after the embedding, then after each block."""
    rows = np.concatenate([tr["embed"][-1:], tr["resid_post"][:, -1]])  # (L+1, C)
    logits = trace.lens_logits(lm.model, rows)
    return [stages.top_tokens(lm.tokenizer, row[None], k) for row in logits]
