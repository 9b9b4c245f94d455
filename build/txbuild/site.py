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

from . import PRECISIONS, bundle, cache, stages
from . import default_variant as default_rule
from .cache import default_root
from .errors import TxbuildError
from .examples import build_examples, lens_tops
from .manifest import Manifest, Variant
from .ownership import (  # noqa: F401  (MARKER re-exported)
    MARKER,
    build_lock,
    check_replaceable,
    expand_out,
    interrupts_raise,
    recover,
    swap_into_place,
    write_marker,
)
from .report import Reporter
from .sources import LoadedModel, load, resolve

GENERIC_PROMPTS = {
    "default": "Data visualization empowers users to",
    "examples": ["Data visualization empowers users to", "The capital of France is", "Once upon a time, there was a"],
    # the Korean page's examples (after its own, it offers the English ones); its default stays
    # the English one unless a card names a Korean default
    "examples_ko": ["대한민국의 수도는", "옛날 옛적에 한 마을에"],
}


# GitHub Pages: a published site may be no larger than 1 GB, and GitHub takes no file over 100 MB
SITE_LIMIT = 1_000_000_000
FILE_LIMIT = 100_000_000


class BuildError(TxbuildError):
    """The build cannot produce a correct site; one line for the user."""


@dataclass
class BuildOptions:
    model: str = "auto"
    out: Path = Path("site")
    precision: str | None = None  # the variant the page loads first; None: by measurement (default_variant.py)
    # the variants that ship; None: what fits the host (default_variant.auto_candidates, .shipped)
    variants: tuple[str, ...] | None = None
    clean: bool = False  # ignore the cache and rebuild every stage
    strict: bool = False
    max_tokens: int = 64  # longest prompt the explainer runs (browser memory)
    cache_root: Path = field(default_factory=default_root)  # --cache-dir, $TXBUILD_CACHE, ./.txbuild/cache
    content_dir: Path | None = None  # --content: the article (None: txbuild's own, txbuild.resources)
    templates_dir: Path | None = None  # --templates: the page templates (None: txbuild's own)
    title: str | dict | None = None  # txbuild.toml's title: replaces the card's
    max_site_bytes: int = SITE_LIMIT  # --max-site-size: the build fails above it


@dataclass
class BuildResult:
    out: Path
    model: LoadedModel
    variants: dict[str, Variant]
    default_variant: str
    site_bytes: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # files in --out txbuild did not write, kept
    reports: dict[str, dict] = field(default_factory=dict)  # verify.json: each variant's verification
    pages: object | None = None  # the article's PageContext (out_dir: the site): `serve --watch` re-renders


def prompts_for(lm: LoadedModel) -> dict:
    """{default, examples} (English) and, where there are Korean ones, {default_ko, examples_ko}."""
    card = lm.card
    if "default_prompt" not in card:
        return GENERIC_PROMPTS
    default = card["default_prompt"]
    # the default's run first: the article is written about it (and reads its trace)
    out = {"default": default, "examples": [default, *(p for p in card.get("example_prompts", []) if p != default)]}
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


def _place_variants(folders: dict[str, Path], model_dir: Path) -> dict[str, Variant]:
    """Copy each variant's graph, shards and lens graph under model_dir/<precision>/."""
    entries = {}
    for prec, folder in folders.items():
        shard_list = json.loads((folder / "shards.json").read_text())
        _copy(folder / stages.GRAPH, model_dir / prec / stages.GRAPH)
        for s in shard_list:
            _copy(folder / s["name"], model_dir / prec / s["name"])
            size = (model_dir / prec / s["name"]).stat().st_size
            if size != s.get("bytes"):  # never ship a shard that does not match the manifest
                raise BuildError(
                    f"{prec}: shard {s['name']} has {size} bytes, not {s.get('bytes')}; rebuild with --clean"
                )
        lens = json.loads((folder / "lens.json").read_text())
        _copy(folder / lens["graph"], model_dir / prec / lens["graph"])
        missing = [sh["name"] for sh in shard_list if not _is_sha256(sh.get("sha256"))]
        if missing:
            raise BuildError(f"{prec}: shard(s) {', '.join(missing)} have no sha256; rebuild with --clean")
        entries[prec] = Variant.placed(prec, model_dir, shard_list, lens)
    return entries


def _is_sha256(v) -> bool:
    return isinstance(v, str) and len(v) == 64 and all(c in "0123456789abcdef" for c in v)


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def check_size(folder: Path, limit: int = SITE_LIMIT, file_limit: int = FILE_LIMIT) -> int:
    """The bytes of the site in `folder`; one line (BuildError) when it is over `limit` or
    holds a file over `file_limit`, as GitHub Pages would refuse it."""
    from .report import human_bytes

    files = [f for f in folder.rglob("*") if f.is_file()]
    big = [f for f in files if f.stat().st_size > file_limit]
    if big:
        f = max(big, key=lambda f: f.stat().st_size)
        raise BuildError(
            f"{f.relative_to(folder)} is {human_bytes(f.stat().st_size)}, over the {human_bytes(file_limit)} "
            "a static host such as GitHub Pages takes per file"
        )
    total = sum(f.stat().st_size for f in files)
    if total > limit:
        raise BuildError(
            f"the site is {human_bytes(total)}, over the limit of {human_bytes(limit)} (--max-site-size); "
            "ship fewer variants (--variants) or raise the limit"
        )
    return total


def model_files(
    lm: LoadedModel,
    folders: dict[str, Path],
    reports: dict[str, dict],
    model_dir: Path,
    opts: BuildOptions,
    rep: Reporter,
) -> tuple[Manifest, dict]:
    """Everything under site/model/<id>/: the variants' files, the example runs, verify.json and
    the manifest (written in one call). Returns the manifest and the English default's trace."""
    variants = _place_variants(folders, model_dir)
    default_variant = opts.precision  # by measurement unless --precision names it
    if not default_variant or opts.variants is None:
        measured = default_rule.measurements({p: dataclasses.asdict(v) for p, v in variants.items()}, reports)
        default_variant = default_variant or default_rule.choose(measured)
    if opts.variants is None:  # no --variants: the default and what fits beside it
        ships = default_rule.shipped(default_variant, measured)
        for p in [p for p in variants if p not in ships]:
            shutil.rmtree(model_dir / p)
            del variants[p]
            rep.info(f"{p} not shipped (--variants {p} to ship it)")
    prompts = prompts_for(lm)
    with rep.stage("examples", "precomputed example runs"):
        examples, first_trace = build_examples(lm, example_runs(prompts), opts.max_tokens, model_dir, opts.cache_root)
    manifest = Manifest.of(
        lm,
        variants=variants,
        default_variant=default_variant,
        max_tokens=opts.max_tokens,
        examples=examples,
        default_prompts={"en": prompts["default"], "ko": prompts.get("default_ko")},
    )
    manifest.write(model_dir)
    (model_dir / "verify.json").write_text(json.dumps({p: reports[p] for p in variants}, indent=1))
    return manifest, first_trace


def build_site(opts: BuildOptions, rep: Reporter) -> BuildResult:
    out = expand_out(opts.out).resolve()
    with build_lock(out), interrupts_raise(), cache.session():
        for note in recover(out):  # a swap a kill interrupted: completed or rolled back
            rep.warn(note)
        check_replaceable(out)
        return _build_site(opts, rep, out)


def _build_site(opts: BuildOptions, rep: Reporter, out: Path) -> BuildResult:
    from .article import PageContext, StrictError, render_pages

    t0 = time.perf_counter()
    if opts.variants is not None and opts.precision and opts.precision not in opts.variants:
        raise BuildError(f"--precision {opts.precision} is not among the shipped variants {', '.join(opts.variants)}")
    check_replaceable(out)
    source = resolve(opts.model)
    for note in source.notes:
        rep.warn(note)
    with rep.stage("load", f"{source.kind} model {source.ref}"):
        lm = load(source)
    if opts.title:
        lm.card = {**lm.card, "title": opts.title}
    n_ctx = lm.model.config.n_positions
    if opts.max_tokens > n_ctx:  # the page must never promise more positions than the model has
        rep.warn(f"--max-tokens {opts.max_tokens} is above the model's context of {n_ctx} positions; using {n_ctx}")
        opts = dataclasses.replace(opts, max_tokens=n_ctx)
    if opts.clean:
        cache.clear(opts.cache_root)
    precisions = list(opts.variants or default_rule.auto_candidates(lm.model.num_parameters(), PRECISIONS))
    if opts.precision and opts.precision not in precisions:
        precisions.append(opts.precision)
    folders = stages.export_variants(lm, precisions, opts.cache_root, rep)
    reports = stages.verify_variants(lm, folders, opts.cache_root, rep)
    failed = [p for p, r in reports.items() if not r["passed"]]
    if failed:
        raise BuildError(
            "verification failed: " + "; ".join(f"{p}: {', '.join(reports[p]['failures'])}" for p in failed)
        )

    tmp = out.parent / f".{out.name}.tmp"
    recover(out)
    try:
        tmp.mkdir(parents=True)
        write_marker(tmp, None)  # still being written: everything in it is txbuild's
    except OSError as e:
        raise BuildError(f"cannot write the site next to --out {out}: {e.strerror}") from None
    kept: list[str] = []
    try:
        model_dir = tmp / "model" / lm.source.id
        manifest, first_trace = model_files(lm, folders, reports, model_dir, opts, rep)
        with rep.stage("bundle", "browser code (esbuild, cached by its sources)"):
            assets = bundle.bundle_web(tmp, opts.cache_root)
        measured = stages.measure_model(lm, prompts_for(lm)["examples"], opts.cache_root, rep)
        with rep.stage("render", "pages"):
            ctx = PageContext(
                out_dir=tmp,
                model=manifest.page_model(),
                manifest_href=f"model/{lm.source.id}/manifest.json",
                assets=assets,
                example=manifest.examples[manifest.default_example["en"]],
                trace=first_trace,
                lens=lens_tops(lm, first_trace),
                strict=opts.strict,
                measured=measured,
            )
            for key in ("content_dir", "templates_dir"):
                if getattr(opts, key) is not None:
                    setattr(ctx, key, Path(getattr(opts, key)))
            try:
                warnings = render_pages(ctx)
            except StrictError as e:
                raise BuildError(f"--strict: {e}") from None
        for w in warnings:
            rep.warn(w)
        check_size(tmp, opts.max_site_bytes)
        kept = swap_into_place(tmp, out)
    except OSError as e:  # a full disk, a read-only folder: one line, the previous site intact
        raise BuildError(f"cannot write the site ({e.strerror}: {e.filename or out})") from None
    finally:  # an error, a kill (SIGTERM) or Ctrl-C: the unfinished folder goes, a swap is undone
        try:
            recover(out)
        except TxbuildError as e:
            rep.warn(str(e))
    return BuildResult(
        out,
        lm,
        manifest.variants,
        manifest.default_variant,
        _dir_bytes(out),
        time.perf_counter() - t0,
        warnings,
        kept,
        reports,
        dataclasses.replace(ctx, out_dir=out),
    )
