"""The `txbuild` command line: site (build), export, verify, serve, train."""

from __future__ import annotations

import copy
import json
import shutil
import sys
import time
from pathlib import Path

import click
from rich.table import Table

from . import PRECISIONS, seconds_since_start
from .report import Reporter, human_bytes, verify_table
from .train.cli import train

MODEL_HELP = (
    "'auto' (GPT-2 small if cached or the hub answers, else the bundled model), "
    "'bundled', a Hugging Face id such as gpt2, or a checkpoint folder"
)


VARIANTS_HELP = "Variants that ship, comma-separated (fp32,fp16,int8,q4) or 'all'."


def _reporter(verbose: int, quiet: bool) -> Reporter:
    return Reporter(-1 if quiet else min(verbose, 1))


def _variants(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(v.strip() for v in text.split(",") if v.strip()))
    if text == "all":
        return PRECISIONS
    bad = [v for v in names if v not in PRECISIONS]
    if bad or not names:
        raise click.BadParameter(f"choose from {', '.join(PRECISIONS)} (comma-separated) or 'all'")
    return names


def _size(text: str) -> int:
    """'1GB', '400 MB', '750M', '1e9' -> bytes (powers of 1000, as GitHub states its limits)."""
    units = {"": 1, "b": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9}
    t = text.strip().lower()
    num = t.rstrip("kmgb ")
    try:
        n = float(num) * units[t[len(num) :].strip()]
    except (ValueError, KeyError):
        raise click.BadParameter(f"{text!r} is not a size such as 1GB or 500MB") from None
    if n <= 0:
        raise click.BadParameter(f"{text!r}: the size must be positive")
    return int(n)


common = [
    click.option("--model", "-m", default="auto", show_default=True, help=MODEL_HELP),
    click.option("-v", "--verbose", count=True, help="More detail."),
    click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors."),
    click.option(
        "--cache-dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Cache of the expensive stages  [default: $TXBUILD_CACHE, else ./.txbuild/cache].",
    ),
]


def _stacked(options):
    """A decorator applying `options` in order (as if written one above the other)."""

    def apply(f):
        for opt in reversed(options):
            f = opt(f)
        return f

    return apply


with_common = _stacked(common)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="txbuild")
def main():
    """Build a static site in which a GPT-2-family model explains itself, in the browser."""


def _project_defaults(ctx: click.Context, values: dict) -> dict:
    """Fill each option not given on the command line from ./txbuild.toml (txbuild.project)."""
    from click.core import ParameterSource

    from .project import load_project

    project = load_project()
    for key, value in project.items():
        name = {"out": "out" if "out" in values else "root", "cache_dir": "cache_dir"}.get(key, key)
        if name not in values or ctx.get_parameter_source(name) is not ParameterSource.DEFAULT:
            continue
        if name == "variants" and isinstance(value, list):
            value = ",".join(value)
        values[name] = value
    if "title" in project:
        values["title"] = project["title"]
    return values


content_options = [
    click.option(
        "--content",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="The article: a folder with en/ and ko/ (Markdown sections, strings.toml)  [default: txbuild's own].",
    ),
    click.option(
        "--templates",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="The page templates (a copy of txbuild's templates/)  [default: txbuild's own].",
    ),
]


with_content = _stacked(content_options)


def _build_options(values: dict):
    from .cache import default_root
    from .project import check_content, check_templates
    from .site import BuildOptions

    return BuildOptions(
        model=values["model"],
        out=Path(values["out"]),
        precision=values["precision"],
        variants=None if values["variants"] is None else _variants(values["variants"]),
        max_site_bytes=_size(values["max_site_size"]),
        clean=values.get("clean", False),
        strict=values.get("strict", False),
        max_tokens=values["max_tokens"],
        cache_root=default_root(values["cache_dir"]),
        content_dir=check_content(Path(values["content"])) if values.get("content") else None,
        templates_dir=check_templates(Path(values["templates"])) if values.get("templates") else None,
        title=values.get("title"),
    )


@main.command("site", short_help="Build the site: export, verify, render, bundle.")
@with_common
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="The folder the site is written to (replaced whole; files txbuild did not write are kept).",
)
@click.option(
    "--precision",
    type=click.Choice(PRECISIONS),
    default=None,
    help="The variant the page loads first  [default: chosen by measurement: bytes, verification, speed].",
)
@click.option(
    "--variants",
    "variants",
    default=None,
    help="Variants that ship, comma-separated (fp32,fp16,int8,q4) or 'all'  "
    "[default: the default variant and at most one fallback, within 400 MB].",
)
@click.option(
    "--max-site-size",
    "max_site_size",
    default="1GB",
    show_default=True,
    help="Fail when the site is larger (GitHub Pages takes 1 GB); e.g. 500MB, 2GB.",
)
@click.option(
    "--max-tokens",
    type=click.IntRange(1, 1024),
    default=64,
    show_default=True,
    help="Longest prompt the explainer runs in the browser.",
)
@click.option("--clean", is_flag=True, help="Ignore the cache and rebuild every stage.")
@click.option("--strict", is_flag=True, help="Turn warnings (missing translation, broken link) into failures.")
@with_content
@click.pass_context
def site_cmd(ctx, **values):
    """Build site/: export, verify, render the article, bundle the browser code.

    In a folder with a txbuild.toml (`txbuild new`), its values are the defaults."""
    from . import site

    values = _project_defaults(ctx, values)
    rep = _reporter(values["verbose"], values["quiet"])
    opts = _build_options(values)
    res = site.build_site(opts, rep)  # a TxbuildError is one line and exit 1 (click prints it)
    t = Table(title=f"txbuild site → {res.out}")
    for col in ("model", "variant", "bytes", "verify", "top-1", "logits rel err"):
        t.add_column(col, justify="right" if col in ("bytes", "top-1", "logits rel err") else "left")
    cfg = res.model.model.config
    label = f"{res.model.source.id} ({cfg.n_layer}L×{cfg.n_head}H×{cfg.n_embd})"
    for prec, v in res.variants.items():
        mark = " (default)" if prec == res.default_variant else ""
        r = res.reports[prec]
        t.add_row(
            label,
            prec + mark,
            human_bytes(v.bytes),
            "[green]pass[/]" if r["passed"] else "[red]FAIL[/]",
            f"{r['top1']:.3f}",
            f"{r['outputs']['logits']['max_rel']:.1e}",
        )
        label = ""
    rep.table(t)
    if res.kept:
        rep.info(f"kept {len(res.kept)} file(s) in {res.out} that txbuild did not write: {', '.join(res.kept)}")
    took = seconds_since_start()  # from the process's start: Python, the imports, every stage
    rep.info(
        f"site: {human_bytes(res.site_bytes)} (limit {human_bytes(opts.max_site_bytes)}) in {took:.1f}s"
        " · serve it with [bold]txbuild serve[/]"
    )


# `txbuild build`: the old name, still accepted, not listed
build_alias = copy.copy(site_cmd)
build_alias.hidden = True
main.add_command(build_alias, "build")


@main.command("export", short_help="Export the model to ONNX, each variant sharded.")
@with_common
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    default=Path(".txbuild/export"),
    show_default=True,
    help="Where the graphs go: <out>/<model id>/<variant>/.",
)
@click.option("--variants", "variants", default="all", show_default=True, help=VARIANTS_HELP)
def export_cmd(model, verbose, quiet, cache_dir, out, variants):
    """Export the model to ONNX (each variant, sharded) without building the site."""
    from . import stages
    from .cache import default_root
    from .ownership import expand_out, replace_dir
    from .sources import load, resolve

    rep = _reporter(verbose, quiet)
    out = expand_out(out)
    source = resolve(model)
    for note in source.notes:
        rep.warn(note)
    lm = load(source)
    folders = stages.export_variants(lm, list(_variants(variants)), default_root(cache_dir), rep)
    for prec, folder in folders.items():
        dst = out / lm.source.id / prec
        replace_dir(folder, dst, ignore=shutil.ignore_patterns(".complete", "verify-*.json"))
        rep.info(f"{prec}: {dst}")


@main.command("verify", short_help="Compare ONNX Runtime with PyTorch; write verify.json.")
@with_common
@click.option("--variants", "variants", default="all", show_default=True, help=VARIANTS_HELP)
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    default=Path("verify.json"),
    show_default=True,
    help="The report: each variant's errors against PyTorch.",
)
def verify_cmd(model, verbose, quiet, cache_dir, variants, out):
    """Compare ONNX Runtime with PyTorch for each variant; write verify.json; exit 1 on a failure."""
    from . import stages
    from .cache import default_root
    from .errors import UsageError
    from .ownership import expand_out
    from .sources import load, resolve

    rep = _reporter(verbose, quiet)
    out = expand_out(out)
    if out.is_dir():  # before the export and the verification, not after them
        raise UsageError(f"--out {out} is a folder; give the path of the JSON file to write (e.g. {out}/verify.json)")
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: the folder {out.parent} does not exist")
    lm = load(resolve(model))
    folders = stages.export_variants(lm, list(_variants(variants)), default_root(cache_dir), rep)
    reports = stages.verify_variants(lm, folders, default_root(cache_dir), rep)
    out.write_text(json.dumps(reports, indent=1))
    rep.table(verify_table(reports))
    for prec, r in reports.items():
        for f in r["failures"]:
            rep.console.print(f"[red]{prec}:[/] {f}")
    sys.exit(0 if all(r["passed"] for r in reports.values()) else 1)


def _port(ctx, param, value) -> int:
    from .errors import UsageError

    try:
        port = int(value)
    except ValueError:
        raise UsageError(f"--port {value!r} is not a number (0-65535; 0 picks a free port)") from None
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is out of range (0-65535; 0 picks a free port)")
    return port


def watch_options(root: Path, values: dict):
    """`serve --watch`'s build: txbuild.toml's values (else `txbuild site`'s defaults), into --dir."""
    from .project import load_project

    build = {"model": "auto", "precision": None, "variants": None, "max_tokens": 64, "cache_dir": None}
    build["max_site_size"] = "1GB"
    build.update({k: v for k, v in load_project().items() if k in build})
    if isinstance(build["variants"], list):
        build["variants"] = ",".join(build["variants"])
    build.update(out=root, content=values["content"], templates=values["templates"], title=values.get("title"))
    return _build_options(build)


class PortType(click.ParamType):
    """An integer 0-65535; a bad one is one line (exit 2), as every usage error."""

    name = "integer"

    def convert(self, value, param, ctx):
        return _port(ctx, param, value)


@main.command("serve", short_help="Serve the site locally (--watch: rebuild and reload on edits).")
@click.option(
    "--dir",
    "root",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site"),
    help="The built site to serve  [default: txbuild.toml's out, else site].",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", "-p", type=PortType(), default=8000, show_default=True, help="The port; 0 picks a free one.")
@click.option(
    "--watch",
    is_flag=True,
    help="Build the site, then rebuild its pages when content/ or templates/ change and reload the open page.",
)
@with_content
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
@click.pass_context
def serve_cmd(ctx, root, host, port, watch, content, templates, verbose):
    """Serve site/ locally with the headers multi-threaded wasm needs.

    In a folder with a txbuild.toml, --dir defaults to its out (and --watch builds with its values)."""
    from .errors import TxbuildError
    from .serve import make_server

    values = _project_defaults(ctx, {"root": root, "content": content, "templates": templates})
    root = Path(values["root"])
    live = watcher = None
    if watch:
        from .site import build_site
        from .watch import LiveReload, Watcher

        res = build_site(watch_options(root, values), _reporter(0, False))
        live = LiveReload()
        watcher = Watcher(res.pages, live, report=click.echo)
    elif not (root / "index.html").exists():
        raise TxbuildError(f"{root}/index.html not found: build the site first (txbuild site)")
    server = make_server(root, host, port, verbose, live=live)
    click.echo(f"Serving {root} at http://{host}:{server.server_port}/ (Ctrl+C to stop)")
    if watcher is not None:
        click.echo(f"Watching {', '.join(str(f) for f in watcher.folders)}: edits rebuild the pages")
    try:
        if watcher is None:
            server.serve_forever()
        else:
            import threading

            threading.Thread(target=server.serve_forever, daemon=True).start()
            while True:
                time.sleep(0.5)
                watcher.check()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown() if watcher is not None else None
        server.server_close()


@main.command("new", short_help="Start a project folder: txbuild.toml, the article, a README.")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--model", "-m", default="bundled", show_default=True, help=MODEL_HELP)
@click.option("--title", default=None, help="The page title  [default: the model card's].")
@click.option(
    "--variants",
    "variants",
    default=None,
    help=VARIANTS_HELP + "  [default: left to the build: the default variant and at most one fallback].",
)
def new_cmd(folder, model, title, variants):
    """Start a project: txbuild.toml, an editable copy of the article, a README on what to edit."""
    from .project import new_project

    if variants is not None:
        _variants(variants)
    new_project(folder, model=model, variants=variants, title=title)
    click.echo(f"Wrote {folder}/: txbuild.toml, content/en, content/ko, README.md")
    click.echo(f"Next: cd {folder} && txbuild site && txbuild serve --watch")


train.short_help = train.short_help or "Train a small GPT-2 from scratch on plain text."
# Help for the train options that train/cli.py leaves without (every option has help text).
TRAIN_HELP = {
    "layers": "Transformer blocks.",
    "heads": "Attention heads per block (divides --width).",
    "dropout": "Dropout on the residual stream and the MLP.",
    "weight_decay": "AdamW weight decay.",
    "grad_clip": "Clip the gradient's global norm to this.",
    "log_every": "Steps between held-out evaluations and log lines.",
    "seed": "Random seed of the initial weights and the batches.",
}
for _p in train.params:
    if isinstance(_p, click.Option) and not _p.help and _p.name in TRAIN_HELP:
        _p.help = TRAIN_HELP[_p.name]
main.add_command(train)
