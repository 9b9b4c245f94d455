"""Precomputed example runs: the page draws these before the model has downloaded.

Each example is the PyTorch fp32 trace of one prompt, written as one binary file of
little-endian float32 tensors plus an index in the manifest (name, dims, byte offset,
length), so the browser reads it with one fetch and `new Float32Array(buffer, offset, n)`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import attribution, stages, trace
from .sources import LoadedModel, encode

# The cache tensors repeat k and v; the explainer never needs them for a precomputed run.
SKIP = ("present_key", "present_value")


def write_trace(tr: dict[str, np.ndarray], path: Path) -> list[dict]:
    """Write the tensors of `tr` to `path`; return their index."""
    index, offset = [], 0
    with open(path, "wb") as f:
        for name in trace.OUTPUTS:
            if name in SKIP:
                continue
            arr = np.ascontiguousarray(tr[name], dtype="<f4")
            f.write(arr.tobytes())
            index.append({"name": name, "dims": list(arr.shape), "offset": offset, "length": arr.size})
            offset += arr.nbytes
    return index


def build_examples(lm: LoadedModel, prompts: list[str], max_tokens: int,
                   model_dir: Path) -> tuple[list[dict], dict[str, np.ndarray]]:
    """Manifest entries for `prompts` (files under model_dir/examples/) and the first trace."""
    out, first = [], None
    (model_dir / "examples").mkdir(parents=True, exist_ok=True)
    for i, prompt in enumerate(prompts):
        ids = encode(lm.tokenizer, prompt)[:max_tokens]
        tr = trace.trace_ids(lm.model, ids)
        first = first if first is not None else tr
        rel = f"examples/{i}.bin"
        out.append({"prompt": prompt, "ids": ids,
                    "tokens": [lm.tokenizer.decode([t]) for t in ids],
                    "top": stages.top_tokens(lm.tokenizer, tr["logits"]),
                    # the overview's direct logit attribution for the predicted token
                    "dla": attribution.example_entry(lm.model, tr, int(tr["logits"][-1].argmax())),
                    "trace": {"path": rel, "dtype": "float32", "tensors": write_trace(tr, model_dir / rel)}})
    return out, first


def lens_tops(lm: LoadedModel, tr: dict[str, np.ndarray], k: int = 5) -> list[list[dict]]:
    """The logit lens at the last position: top-k after the embedding, then after each block."""
    rows = np.concatenate([tr["embed"][-1:], tr["resid_post"][:, -1]])  # (L+1, C)
    logits = trace.lens_logits(lm.model, rows)
    return [stages.top_tokens(lm.tokenizer, row[None], k) for row in logits]
