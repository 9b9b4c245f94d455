"""The `txbuild` command line: site (build), export, verify, serve, train."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import click
from rich.table import Table

from . import PRECISIONS
from .report import Reporter, human_bytes, verify_table
from .train.cli import train

MODEL_HELP = (
    "'auto' (GPT-2 small if cached or the hub answers, else the bundled model), "
    "'bundled', a Hugging Face id such as gpt2, or a checkpoint folder"
)


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


def with_common(f):
    for opt in reversed(common):
        f = opt(f)
    return f


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="txbuild")
def main():
    """Build a static site in which a GPT-2-family model explains itself, in the browser."""


@main.command("site")
@with_common
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
@click.option(
    "--precision",
    type=click.Choice(PRECISIONS),
    default=None,
    help="The variant the page loads first  [default: chosen by measurement: bytes, verification, speed].",
)
@click.option(
    "--variants",
    "variants",
    default="all",
    show_default=True,
    help="Variants that ship, comma-separated (fp32,fp16,int8,q4) or 'all'.",
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
def site_cmd(model, verbose, quiet, cache_dir, out, precision, variants, max_tokens, clean, strict):
    """Build site/: export, verify, render the article, bundle the browser code."""
    from .cache import default_root
    from .site import BuildOptions, build_site

    rep = _reporter(verbose, quiet)
    opts = BuildOptions(
        model=model,
        out=out,
        precision=precision,
        variants=_variants(variants),
        clean=clean,
        strict=strict,
        max_tokens=max_tokens,
        cache_root=default_root(cache_dir),
    )
    res = build_site(opts, rep)  # a TxbuildError is one line and exit 1 (click prints it)
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
    rep.info(f"site: {human_bytes(res.site_bytes)} in {res.seconds:.1f}s · serve it with [bold]txbuild serve[/]")


main.add_command(site_cmd, "build")


@main.command("export")
@with_common
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path(".txbuild/export"), show_default=True)
@click.option("--variants", "variants", default="all", show_default=True)
def export_cmd(model, verbose, quiet, cache_dir, out, variants):
    """Export the model to ONNX (each variant, sharded) without building the site."""
    from . import stages
    from .cache import default_root
    from .sources import load, resolve

    from .ownership import expand_out, replace_dir

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


@main.command("verify")
@with_common
@click.option("--variants", "variants", default="all", show_default=True)
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("verify.json"), show_default=True)
def verify_cmd(model, verbose, quiet, cache_dir, variants, out):
    """Compare ONNX Runtime with PyTorch for each variant; write verify.json; exit 1 on a failure."""
    from . import stages
    from .cache import default_root
    from .sources import load, resolve

    from .errors import UsageError
    from .ownership import expand_out

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


@main.command("serve")
@click.option(
    "--dir", "root", type=click.Path(path_type=Path, file_okay=False), default=Path("site"), show_default=True
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", "-p", default="8000", show_default=True, callback=_port, help="0 picks a free port.")
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
def serve_cmd(root, host, port, verbose):
    """Serve site/ locally with the headers multi-threaded wasm needs."""
    from .errors import TxbuildError
    from .serve import make_server

    if not (root / "index.html").exists():
        raise TxbuildError(f"{root}/index.html not found: build the site first (txbuild site)")
    server = make_server(root, host, port, verbose)
    click.echo(f"Serving {root} at http://{host}:{server.server_port}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


main.add_command(train)
