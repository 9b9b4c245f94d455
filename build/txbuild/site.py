"""`txbuild site`: gather everything into a temporary folder, then swap it into place.

Nothing half-written: a failure anywhere leaves the previous `site/` untouched.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import bundle, cache, stages
from . import default_variant as default_rule
from .examples import build_examples, lens_tops
from .cache import default_root
from . import PRECISIONS
from .manifest import build_manifest, write_manifest
from .report import Reporter
from .errors import TxbuildError
from .ownership import MARKER, build_lock  # noqa: F401  (MARKER re-exported)
from .ownership import check_replaceable, remove_owned, swap_into_place, write_marker
from .sources import LoadedModel, load, resolve

GENERIC_PROMPTS = {
    "default": "Data visualization empowers users to",
    "examples": ["Data visualization empowers users to", "The capital of France is",
                 "Once upon a time, there was a"],
    # the Korean page's examples (after its own, it offers the English ones); its default stays
    # the English one unless a card names a Korean default
    "examples_ko": ["대한민국의 수도는", "옛날 옛적에 한 마을에"],
}


# Stands in until the variants are verified; then default_variant.py picks by measurement.
PREFERRED = "fp16"


class BuildError(TxbuildError):
    """The build cannot produce a correct site; one line for the user."""


@dataclass
class BuildOptions:
    model: str = "auto"
    out: Path = Path("site")
    precision: str | None = None  # the variant the page loads first; None: PREFERRED if shipped
    variants: tuple[str, ...] = PRECISIONS  # the variants that ship
    clean: bool = False  # ignore the cache and rebuild every stage
    strict: bool = False
    max_tokens: int = 64  # longest prompt the explainer runs (browser memory)
    cache_root: Path = field(default_factory=default_root)  # --cache-dir, $TXBUILD_CACHE, ./.txbuild/cache


@dataclass
class BuildResult:
    out: Path
    model: LoadedModel
    variants: dict[str, dict]
    default_variant: str
    site_bytes: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # files in --out txbuild did not write, kept


def prompts_for(lm: LoadedModel) -> dict:
    """{default, examples} (English) and, where there are Korean ones, {default_ko, examples_ko}."""
    card = lm.card
    if "default_prompt" not in card:
        return GENERIC_PROMPTS
    out = {"default": card["default_prompt"], "examples": card.get("example_prompts", [card["default_prompt"]])}
    ko = card.get("example_prompts_ko", [card["default_prompt_ko"]] if "default_prompt_ko" in card else [])
    if ko:
        out["examples_ko"] = ko
    if "default_prompt_ko" in card:
        out["default_ko"] = card["default_prompt_ko"]
        if card["default_prompt_ko"] not in ko:  # every default has its precomputed run
            out["examples_ko"] = [card["default_prompt_ko"], *ko]
    return out


def example_runs(prompts: dict) -> list[tuple[str, str]]:
    """(prompt, lang) of every example: the English ones first (examples[0] is the English
    default's, which the article is written about), then the Korean ones."""
    return [(p, "en") for p in prompts["examples"]] + [(p, "ko") for p in prompts.get("examples_ko", [])]


def _copy(src: Path, dst: Path) -> None:
    # A copy, not a hard link: onnx refuses external data with several links, and the
    # GitHub Pages artifact must not contain links.
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def _place_variants(folders: dict[str, Path], reports: dict[str, dict], model_dir: Path) -> dict[str, dict]:
    entries = {}
    for prec, folder in folders.items():
        shard_list = json.loads((folder / "shards.json").read_text())
        _copy(folder / stages.GRAPH, model_dir / prec / stages.GRAPH)
        for s in shard_list:
            _copy(folder / s["name"], model_dir / prec / s["name"])
        lens = json.loads((folder / "lens.json").read_text())
        _copy(folder / lens["graph"], model_dir / prec / lens["graph"])
        graph_bytes = (folder / stages.GRAPH).stat().st_size
        missing = [sh["name"] for sh in shard_list if not _is_sha256(sh.get("sha256"))]
        if missing:
            raise BuildError(f"{prec}: shard(s) {', '.join(missing)} have no sha256; rebuild with --clean")
        r = reports[prec]
        entries[prec] = {
            "graph": f"{prec}/{stages.GRAPH}",
            # the graph holds every small tensor (LayerNorm weights): checked like the shards
            "graph_sha256": _sha256_file(model_dir / prec / stages.GRAPH),
            "graph_bytes": graph_bytes,
            "bytes": graph_bytes + sum(s["bytes"] for s in shard_list),
            "shards": [{**s, "path": f"{prec}/{s['name']}"} for s in shard_list],
            # The logit lens: a small graph reading the same shard files (no extra download).
            "lens": {**lens, "graph": f"{prec}/{lens['graph']}",
                     "sha256": _sha256_file(model_dir / prec / lens["graph"]),
                     "bytes": (model_dir / prec / lens["graph"]).stat().st_size},
            "verify": {k: r[k] for k in ("passed", "top1", "top5", "max_tv", "confident_top1", "kv_max_rel",
                                         "lens_max_rel")}
                      | {"logits_max_rel": r["outputs"]["logits"]["max_rel"]},
        }
    return entries


def _sha256_file(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _is_sha256(v) -> bool:
    return isinstance(v, str) and len(v) == 64 and all(c in "0123456789abcdef" for c in v)


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_site(opts: BuildOptions, rep: Reporter) -> BuildResult:
    out = opts.out.resolve()
    check_replaceable(out)
    with build_lock(out):
        return _build_site(opts, rep, out)


def _build_site(opts: BuildOptions, rep: Reporter, out: Path) -> BuildResult:
    from .article import PageContext, StrictError, render_pages
    from .article.modelfacts import measure_model

    t0 = time.perf_counter()
    default_variant = opts.precision or (PREFERRED if PREFERRED in opts.variants else opts.variants[0])
    if default_variant not in opts.variants:
        raise BuildError(f"--precision {opts.precision} is not among the shipped variants {', '.join(opts.variants)}")
    check_replaceable(out)
    source = resolve(opts.model)
    for note in source.notes:
        rep.warn(note)
    with rep.stage("load", f"{source.kind} model {source.ref}"):
        lm = load(source)
    n_ctx = lm.model.config.n_positions
    if opts.max_tokens > n_ctx:  # the page must never promise more positions than the model has
        rep.warn(f"--max-tokens {opts.max_tokens} is above the model's context of {n_ctx} positions; using {n_ctx}")
        opts = dataclasses.replace(opts, max_tokens=n_ctx)
    if opts.clean:
        cache.clear(opts.cache_root)
    folders = stages.export_variants(lm, list(opts.variants), opts.cache_root, rep)
    reports = stages.verify_variants(lm, folders, opts.cache_root, rep)
    failed = [p for p, r in reports.items() if not r["passed"]]
    if failed:
        raise BuildError("verification failed: " + "; ".join(
            f"{p}: {', '.join(reports[p]['failures'])}" for p in failed))

    tmp = out.parent / f".{out.name}.tmp"
    remove_owned(tmp, "a stale build folder")
    try:
        tmp.mkdir(parents=True)
        write_marker(tmp, None)  # still being written: everything in it is txbuild's
    except OSError as e:
        raise BuildError(f"cannot write the site next to --out {out}: {e.strerror}") from None
    kept: list[str] = []
    try:
        model_dir = tmp / "model" / lm.source.id
        variants = _place_variants(folders, reports, model_dir)
        default_variant = opts.precision or default_rule.from_build(variants, reports)  # by measurement
        prompts = prompts_for(lm)
        with rep.stage("examples", "precomputed example runs"):
            examples, first_trace = build_examples(lm, example_runs(prompts), opts.max_tokens, model_dir,
                                                  opts.cache_root)
        dims = stages.dims_of(lm.model.config)
        manifest = build_manifest(lm=lm, dims=dims, variants=variants, default_variant=default_variant,
                                  max_tokens=opts.max_tokens, prompts=prompts, examples=examples)
        write_manifest(model_dir, manifest)
        (model_dir / "verify.json").write_text(json.dumps(reports, indent=1))
        with rep.stage("bundle", "browser code (esbuild)"):
            assets = bundle.bundle_web(tmp)
        with rep.stage("render", "pages"):
            ctx = PageContext(out_dir=tmp, model={**manifest["config"], **{k: manifest[k] for k in
                              ("id", "name", "trained", "description", "source", "title", "build_note",
                                                   "reader_name")}},
                              manifest_href=f"model/{lm.source.id}/manifest.json", assets=assets,
                              example=examples[0], trace=first_trace, lens=lens_tops(lm, first_trace),
                              strict=opts.strict, measured=measure_model(lm, prompts["examples"]))
            try:
                warnings = render_pages(ctx)
            except StrictError as e:
                raise BuildError(f"--strict: {e}") from None
        for w in warnings:
            rep.warn(w)
        kept = swap_into_place(tmp, out)
    except OSError as e:  # a full disk, a read-only folder: one line, the previous site intact
        raise BuildError(f"cannot write the site ({e.strerror}: {e.filename or out})") from None
    finally:
        try:
            remove_owned(tmp, "the unfinished build folder")
        except TxbuildError as e:
            rep.warn(str(e))
    return BuildResult(out, lm, variants, default_variant, _dir_bytes(out), time.perf_counter() - t0, warnings,
                       kept)
