"""Benchmark: build time, site size, and time to first prediction in headless Chromium.

    .venv/bin/python scripts/bench_build.py [--model bundled] [--gpt2-small-random]

For each model it builds a fresh site (cold cache), then opens it once per variant and
records the time from navigation to the first live top-10. Prints a table; the numbers go
into issue notes, never into tests. A rebuild with a warm cache is timed as the baseline of
the same run, so the ratio cold/warm shows what the cache saves on this machine. With
--cache-dir the builds start from that cache (the script's smoke test uses it) and the first
is labelled "first", not "cold".
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import chromium, served
from txbuild.report import Reporter, human_bytes


def gpt2_small_random(folder: Path) -> Path:
    """GPT-2 small's shape (12 × 12 × 768, 124 M parameters) with deterministic random weights."""
    from random_checkpoint import random_checkpoint

    return random_checkpoint(folder)


def first_prediction_ms(site: Path, manifest: dict, variant: str) -> float:
    with served(site) as base, chromium() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}en/index.html?variant={variant}")
        page.wait_for_selector('#top-tokens[data-status="ready"]', timeout=600_000)
        return float(page.evaluate("performance.now()"))


def bench(
    model: str, label: str, work: Path, console: Console, variants: tuple[str, ...] | None, cache_dir: Path | None
) -> list[tuple]:
    from txbuild.site import BuildOptions, build_site  # torch and onnx: not for --help

    cache = cache_dir or work / f"cache-{label}"  # an empty one: the first build is cold
    out = work / f"site-{label}"
    t0 = time.perf_counter()
    res = build_site(BuildOptions(model=model, out=out, cache_root=cache, variants=variants), Reporter(-1))
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    build_site(BuildOptions(model=model, out=out, cache_root=cache, variants=variants), Reporter(-1))
    warm = time.perf_counter() - t0
    manifest = json.loads((out / "model" / res.model.source.id / "manifest.json").read_text())
    rows = []
    for prec, v in res.variants.items():
        ms = first_prediction_ms(out, manifest, prec)
        vr = json.loads((out / "model" / res.model.source.id / "verify.json").read_text())[prec]
        rows.append(
            (
                label,
                prec,
                human_bytes(v.bytes),
                f"{vr['outputs']['logits']['max_rel']:.1e}",
                f"{vr['top1']:.3f}",
                f"{vr['max_tv']:.4f}",
                f"{ms / 1000:.1f} s",
            )
        )
        console.print(f"  {label} {prec}: first prediction {ms / 1000:.1f} s")
    rows.append(
        (
            label,
            "site",
            human_bytes(res.site_bytes),
            "",
            "",
            "",
            f"build {cold:.0f} s {'first' if cache_dir else 'cold'}, {warm:.0f} s warm ({cold / warm:.1f}×)",
        )
    )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="bundled", help="as txbuild site --model (default: bundled)")
    ap.add_argument("--variants", default=None, help="comma-separated; default: what txbuild site ships by default")
    ap.add_argument("--gpt2-small-random", action="store_true", help="also a GPT-2-small-sized random model")
    ap.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="start from this stage cache (kept) instead of an empty one: the first build is then not cold",
    )
    args = ap.parse_args()
    console = Console()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        variants = tuple(args.variants.split(",")) if args.variants else None
        rows += bench(args.model, Path(args.model).name, work, console, variants, args.cache_dir)
        if args.gpt2_small_random:
            folder = gpt2_small_random(work / "gpt2-small-random")
            rows += bench(str(folder), "gpt2-small-random", work, console, variants, args.cache_dir)
    t = Table(title="txbuild: build and first prediction (headless Chromium, this machine)")
    for col in ("model", "variant", "bytes", "logits rel err", "top-1", "max TV", "first prediction / build"):
        t.add_column(col)
    for r in rows:
        t.add_row(*r)
    console.print(t)


if __name__ == "__main__":
    main()
