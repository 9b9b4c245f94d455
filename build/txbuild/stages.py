"""The cached model stages: export each precision variant, then verify it against PyTorch."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

from . import cache, default_variant, export, graph, lens, numerics, preopt, q4, shards, sources, trace, verify
from .graph import GRAPH, dims_of
from .report import Reporter
from .sources import LoadedModel, encode


def stage_key(lm: LoadedModel, config: dict, modules: list) -> str:
    """A stage's cache key: the weights, the model's config (epsilon, activation, ...), the
    stage's config and the source of the modules that compute it, this one included."""
    model_config = {k: v for k, v in lm.model.config.to_dict().items() if k not in ("_name_or_path",)}
    return cache.stage_key(lm.weights_hash, {**config, "model_config": model_config}, [sys.modules[__name__], *modules])


def export_variants(lm: LoadedModel, precisions: list[str], cache_root: Path, rep: Reporter) -> dict[str, Path]:
    """{precision: folder holding model.onnx, its shards and shards.json}, from the cache if it can."""
    fp32_proto = None
    out: dict[str, Path] = {}
    for prec in precisions:
        # q4 for every precision: export.py imports it, so its source shapes every variant's code path
        key = stage_key(
            lm, {"precision": prec, "opset": export.OPSET}, [graph, trace, export, shards, lens, q4, preopt]
        )

        def fill(tmp: Path, prec=prec):
            nonlocal fp32_proto
            if fp32_proto is None:
                with rep.stage("export", "fp32 graph (dynamo)"):
                    fp32_proto = export.export_fp32(lm.model)
            with rep.stage("variant", prec):
                proto = export.make_variant(fp32_proto, prec)
            with rep.stage("optimise", f"{prec} graph for the browser's session (ONNX Runtime, offline)"):
                proto = preopt.preoptimize(proto)
            with rep.stage("shards", prec):
                written = shards.save_sharded(proto, tmp, GRAPH)
            (tmp / "shards.json").write_text(json.dumps([s.__dict__ for s in written], indent=1))
            lens_shards = lens.extract_lens(tmp, GRAPH)
            (tmp / "lens.json").write_text(
                json.dumps(
                    {
                        "graph": lens.LENS_GRAPH,
                        "input": lens.LENS_INPUT,
                        "output": lens.LENS_OUTPUT,
                        "shards": lens_shards,
                    }
                )
            )

        folder, hit = cache.cached_dir(cache_root, f"onnx-{prec}", key, fill, say=rep.warn)
        if hit:
            rep.info(f"[green]✓[/] {prec} graph [dim](cached)[/]")
        rep.detail(f"cache entry {folder}")
        out[prec] = folder
    return out


def probe_refs(lm: LoadedModel) -> list[tuple[list[int], dict]]:
    """PyTorch traces of the probe prompts, plus the logit lens of each one's last token."""
    refs = []
    for prompt in verify.PROBE_PROMPTS:
        ids = encode(lm.tokenizer, prompt)[: lm.model.config.n_positions]
        tr = trace.trace_ids(lm.model, ids)
        tr["lens"] = trace.lens_logits(lm.model, tr["resid_post"][:, -1])
        refs.append((ids, tr))
    return refs


def verify_variants(lm: LoadedModel, folders: dict[str, Path], cache_root: Path, rep: Reporter) -> dict[str, dict]:
    """{precision: report dict}; each report is cached next to the graph it judged."""
    reports: dict[str, dict] = {}
    refs = None
    dims = dims_of(lm.model.config)
    for prec, folder in folders.items():
        key = stage_key(
            lm, {"graph": folder.name}, [graph, verify, numerics, preopt, trace, lens, sources, default_variant]
        )
        cached = folder / f"verify-{key}.json"
        try:
            reports[prec] = json.loads(cached.read_text())
            continue
        except (OSError, ValueError):  # not there yet, or damaged: verify again
            pass
        if refs is None:
            with rep.stage("trace", "PyTorch reference on the probe prompts"):
                refs = probe_refs(lm)
        with rep.stage("verify", prec):
            report = verify.verify_variant(
                prec, folder / GRAPH, refs, dims, lens_graph=folder / lens.LENS_GRAPH
            ).as_dict()
            # measurements for the default-variant rule (default_variant.py), cached with the report
            report["native_init_ms"], sess = default_variant.timed_session(folder / GRAPH)
            report["native_step_ms"] = default_variant.native_step_ms(sess, dims)
        part = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")  # two builds may write it at once
        part.write_text(json.dumps(report, indent=1))
        os.replace(part, cached)
        reports[prec] = report
    return reports


def measure_model(lm: LoadedModel, prompts: list[str], cache_root: Path, rep: Reporter) -> dict:
    """The article's measurements of the model (article/modelfacts.py: heads over the reference
    text, embedding neighbours, the training run), cached like the graphs: the key covers the
    weights, the prompts, the reference text, the checkpoint's metrics.json and the code."""
    import hashlib

    from . import train
    from .article import modelfacts

    def sha(path: Path | None) -> str | None:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None and path.is_file() else None

    folder = Path(lm.source.ref) if lm.source.kind in ("bundled", "folder") else None
    config = {
        "prompts": prompts,
        "reference": sha(modelfacts.REFERENCE),
        "metrics": sha(folder / "metrics.json" if folder else None),
    }
    key = stage_key(lm, config, [modelfacts, graph, trace, numerics, train])

    def fill(tmp: Path) -> None:
        with rep.stage("measure", "the model on the reference text (heads, embeddings)"):
            measured = modelfacts.measure_model(lm, prompts)
        (tmp / "measured.json").write_text(json.dumps(measured))

    folder_out, hit = cache.cached_dir(cache_root, "measure", key, fill)
    if hit:
        rep.info("[green]✓[/] model measurements [dim](cached)[/]")
    rep.detail(f"cache entry {folder_out}")
    return json.loads((folder_out / "measured.json").read_text())


def top_tokens(tokenizer, logits: np.ndarray, k: int = 10) -> list[dict]:
    """The k most probable next tokens after the last position (softmax over the whole vocabulary)."""
    p = numerics.softmax(logits[-1])
    best = numerics.top_k(p, k)
    return [{"id": int(i), "token": tokenizer.decode([int(i)]), "prob": float(p[i])} for i in best]
