"""Save an ONNX model with its weights as external-data shards of bounded size.

GitHub Pages refuses files over 100 MB, so every shard stays under `max_bytes` (95 MiB by
default). A single initializer bigger than that (GPT-2 small's fp32 token embedding is
147 MiB) is split into row blocks joined by a Concat node; ORT folds the Concat back into one
constant when the session starts, so the runtime cost is paid once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

MAX_SHARD_BYTES = 95 * 2**20
INLINE_BYTES = 1024  # tensors smaller than this stay inside the .onnx file


@dataclass
class Shard:
    name: str  # the location string the graph references
    bytes: int
    sha256: str


def _split_big_initializers(model: onnx.ModelProto, max_bytes: int) -> None:
    graph = model.graph
    for init in list(graph.initializer):
        if len(init.raw_data) <= max_bytes and np.prod(init.dims) * 4 <= max_bytes:
            continue  # (checked before decoding: small tensors need no copy)
        arr = numpy_helper.to_array(init)
        if arr.nbytes <= max_bytes:
            continue
        assert arr.ndim >= 1 and arr.shape[0] > 1, f"cannot split initializer {init.name} {arr.shape}"
        n_parts = -(-arr.nbytes // max_bytes)
        parts = np.array_split(arr, n_parts, axis=0)
        names = [f"{init.name}__part{i}" for i in range(len(parts))]
        graph.initializer.remove(init)
        for name, part in zip(names, parts):
            graph.initializer.append(numpy_helper.from_array(np.ascontiguousarray(part), name))
        # Recreate the original name as a node output, first in the graph.
        graph.node.insert(0, helper.make_node("Concat", names, [init.name], axis=0, name=f"{init.name}__join"))


def save_sharded(
    model: onnx.ModelProto, out_dir: Path, graph_name: str = "model.onnx", max_bytes: int = MAX_SHARD_BYTES
) -> list[Shard]:
    """Write `out_dir/graph_name` and its shards `graph_name.data.<i>`; return the shards."""
    out_dir.mkdir(parents=True, exist_ok=True)
    model = onnx.ModelProto.FromString(model.SerializeToString())  # the caller's copy stays intact
    _split_big_initializers(model, max_bytes)
    shards: list[Shard] = []
    handle, offset, digest = None, 0, None

    def close():
        if handle is not None:
            handle.close()
            shards.append(Shard(current, offset, digest.hexdigest()))

    current = ""
    for init in model.graph.initializer:
        # raw_data as stored: int4 tensors are packed two to a byte there (to_array unpacks them)
        raw = init.raw_data if init.HasField("raw_data") else numpy_helper.to_array(init).tobytes()
        if len(raw) < INLINE_BYTES:
            continue
        if handle is None or offset + len(raw) > max_bytes:
            close()
            current = f"{graph_name}.data.{len(shards)}"
            handle, offset, digest = open(out_dir / current, "wb"), 0, hashlib.sha256()
        # Offsets aligned to 4 KiB so the runtime can map them directly.
        pad = (-offset) % 4096 if offset else 0
        if offset + pad + len(raw) <= max_bytes and pad:
            handle.write(b"\0" * pad)
            digest.update(b"\0" * pad)
            offset += pad
        handle.write(raw)
        digest.update(raw)
        init.ClearField("raw_data")
        for f in ("float_data", "int32_data", "int64_data", "double_data", "uint64_data"):
            init.ClearField(f)
        init.data_location = onnx.TensorProto.EXTERNAL
        del init.external_data[:]
        for k, v in (("location", current), ("offset", str(offset)), ("length", str(len(raw)))):
            init.external_data.add(key=k, value=v)
        offset += len(raw)
    close()
    onnx.save_model(model, out_dir / graph_name)
    onnx.checker.check_model(str(out_dir / graph_name))
    return shards
