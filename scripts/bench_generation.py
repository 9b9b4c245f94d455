#!/usr/bin/env python3
"""Tokens per second in headless Chromium, with the key/value cache and without it.

Opens each built site, generates greedily with the page's own "Generate" button and reads the
page's timing table: per token, one cached step (only the new token is fed) and, in the same
run, a full re-run of the whole sequence (what generation costs without the cache).

    .venv/bin/python scripts/bench_generation.py --site site --site /tmp/gpt2small:int8 --tokens 32

A site is `DIR` (its default variant) or `DIR:variant`. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import chromium, served  # noqa: E402


def bench(site: Path, variant: str | None, tokens: int, prompt: str) -> dict:
    manifest = json.loads(next((site / "model").glob("*/manifest.json")).read_text())
    variant = variant or manifest["default_variant"]
    with served(site) as base, chromium() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}en/index.html?variant={variant}&mode=greedy&prompt={quote(prompt)}")
        page.wait_for_selector('#top-tokens[data-status="ready"]', timeout=600_000)
        prompt_len = len(page.get_attribute("#top-tokens", "data-ids").split(","))
        page.fill("#gen-n", str(tokens))
        page.click("#gen-run")
        page.wait_for_function(
            "() => document.querySelector('#gen-controls').dataset.running === 'false' && "
            "document.querySelector('#kv-timing').dataset.cachedMs !== ''",
            timeout=600_000,
        )
        # the with/without comparison is measured once, on the button (a few repetitions)
        page.wait_for_function("() => !document.querySelector('#kv-measure').disabled", timeout=600_000)
        page.click("#kv-measure")
        page.wait_for_function("() => document.querySelector('#kv-timing').dataset.fullMs !== ''", timeout=600_000)
        t = page.eval_on_selector("#kv-timing", "t => ({...t.dataset})")
        n = len(page.get_attribute("#gen-text", "data-ids").split(","))
        threads = page.evaluate("crossOriginIsolated ? Math.min(navigator.hardwareConcurrency, 8) : 1")
    c, f = float(t["cachedMs"]), float(t["fullMs"])
    d = manifest["dims"]
    return {
        "model": f"{manifest['id']} ({d['layer']}L×{d['head']}H×{d['embd']})",
        "variant": variant,
        "threads": threads,
        "tokens": f"{prompt_len}→{prompt_len + n}",
        "cached_ms": c,
        "cached_tps": 1000 / c,
        "full_ms": f,
        "full_tps": 1000 / f,
        "ratio": f / c,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", action="append", required=True, help="DIR or DIR:variant (repeatable)")
    ap.add_argument("--tokens", type=int, default=32, help="tokens to generate (default 32)")
    ap.add_argument("--prompt", default="To be, or not to be, that is the question:", help="the prompt")
    args = ap.parse_args()
    rows = []
    for spec in args.site:
        d, _, v = spec.partition(":")
        rows.append(bench(Path(d), v or None, args.tokens, args.prompt))
        print(f"done: {spec}", file=sys.stderr)
    print(
        "| model | variant | threads | tokens | cached ms/token | cached tokens/s | uncached ms/token | uncached tokens/s | cached ÷ uncached speed |"
    )
    print("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['model']} | {r['variant']} | {r['threads']} | {r['tokens']} | {r['cached_ms']:.1f} | {r['cached_tps']:.1f} | "
            f"{r['full_ms']:.1f} | {r['full_tps']:.1f} | {r['ratio']:.1f}× |"
        )


if __name__ == "__main__":
    main()
