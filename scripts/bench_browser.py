#!/usr/bin/env python3
"""The same graph in headless Chromium and in ONNX Runtime for Python, in one run: one table.

    .venv/bin/python scripts/bench_browser.py --site /tmp/site-gpt2small [--site /tmp/site-before] [--variants int8,q4]
        [--threads 1] [--webgpu-software] [--first-prediction]

Per model, variant and backend: bytes, download + init (browser: fetch, sha256 and session
creation in the site's own model worker; native: session creation), forward T=16 and T=64
with every output, decode ms/token over 32 cached steps (after a 16-token prefill), the same
figures natively with the same thread count, the ratio browser ÷ native, and the peak RSS and PSS of
all Chromium processes while the variant loads and runs. `--webgpu-software` adds rows on
SwiftShader's software WebGPU adapter: those check that the path runs; their speed means
nothing. Numbers for notes and the README, never for a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import ARGS, CHROMIUM, served, variant_for_worker  # noqa: E402

PROMPT_T = 16  # the prefill before the decode steps

# Runs in a page of the site: the app's model worker, the messages the app sends.
BENCH_JS = """async ({worker, ort, variant, inputs, dims, outputs, threads, T, steps, repeat}) => {
  const w = new Worker(worker, { type: 'module' });
  let next = 1;
  const call = (msg) => new Promise((resolve, reject) => {
    const id = next++;
    const on = ({ data }) => {
      if (data.id !== id) return;
      w.removeEventListener('message', on);
      data.type === 'error' ? reject(new Error(data.message)) : resolve(data.result);
    };
    w.addEventListener('message', on);
    w.postMessage({ ...msg, id });
  });
  const ids = (n, from = 0) => Array.from({ length: n }, (_, i) => (from + i * 7919) % dims.vocab);
  const t0 = performance.now();
  const info = await call({ type: 'load', variant, inputs, dims, ort, numThreads: threads });
  const load = performance.now() - t0;
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const forward = {};
  for (const t of T) {
    const ms = [];
    for (let r = 0; r < repeat; r++) ms.push((await call({ type: 'run', ids: ids(t, r), outputs })).ms);
    forward[t] = median(ms);
  }
  let seq = ids(16, 1); // PROMPT_T
  await call({ type: 'step', ids: seq, norms: false });
  const step = [];
  for (let i = 0; i < steps; i++) {
    seq = [...seq, (seq[seq.length - 1] * 31 + 7) % dims.vocab];
    step.push((await call({ type: 'step', ids: seq, norms: false })).ms);
  }
  w.terminate();
  return { load, init: info.initMs, threads: info.threads, backend: info.backend, forward, step: median(step) };
}"""


class RssPeak:
    """Peak memory of the Chromium process tree marked with `tag` (polled every 50 ms): the sum
    of its processes' RSS (`peak`: counts a page shared by several processes, Chromium's own
    code among them, once per process) and of their PSS (`peak_pss`: a shared page split among
    its sharers, so the tree's real footprint)."""

    def __init__(self, tag: str):
        self.tag, self.peak, self.peak_pss, self._stop = tag, 0, 0, threading.Event()

    def _tree(self) -> list[int]:
        procs = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                procs[int(d)] = ppid
            except (OSError, IndexError, ValueError):
                continue
        roots = [p for p in procs if self.tag in _cmdline(p)]
        tree, frontier = set(roots), list(roots)
        while frontier:
            parent = frontier.pop()
            for p, pp in procs.items():
                if pp == parent and p not in tree:
                    tree.add(p)
                    frontier.append(p)
        return list(tree)

    def _run(self):
        while not self._stop.is_set():
            total = pss = 0
            for p in self._tree():
                total += _kib(f"/proc/{p}/status", "VmRSS:")
                pss += _kib(f"/proc/{p}/smaps_rollup", "Pss:")
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, pss)
            self._stop.wait(0.05)

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _kib(path: str, field: str) -> int:
    """The bytes of a `field:  N kB` line of a /proc file (0 when the process is gone)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def browser_run(site: Path, manifest: dict, variant: str, backend: str, threads: int, plan: dict) -> dict:
    from playwright.sync_api import sync_playwright

    assets = json.loads((site / "assets" / "assets.json").read_text())
    tag = f"--txb-bench={uuid.uuid4().hex}"
    args = ARGS + [tag]
    if backend == "webgpu":
        args = [a for a in args if a != "--disable-gpu"] + [
            "--enable-unsafe-webgpu",
            "--enable-unsafe-swiftshader",
            "--use-webgpu-adapter=swiftshader",
        ]
    gpu = backend == "webgpu"
    ort = (
        {"mjs": assets["ort-wasm-simd-threaded.asyncify.mjs"], "wasm": assets["ort-wasm-simd-threaded.asyncify.wasm"]}
        if gpu
        else {"mjs": assets["ort-wasm-simd-threaded.mjs"], "wasm": assets["ort-wasm-simd-threaded.wasm"]}
    )
    with served(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_context().new_page()
            page.goto(f"{base}index.html")  # the language chooser: same origin, no model of its own
            with RssPeak(tag) as rss:
                r = page.evaluate(
                    BENCH_JS,
                    {
                        "worker": base + assets["worker-webgpu.js" if gpu else "worker.js"],
                        "ort": {k: base + v for k, v in ort.items()},
                        "variant": variant_for_worker(base, manifest, variant),
                        "inputs": manifest["inputs"],
                        "dims": manifest["dims"],
                        "threads": threads,
                        "outputs": [o["name"] for o in manifest["outputs"]],
                        "T": plan["T"],
                        "steps": plan["steps"],
                        "repeat": plan["repeat"],
                    },
                )
        finally:
            browser.close()
    r["peak_rss"], r["peak_pss"] = rss.peak, rss.peak_pss
    return r


def preoptimised(site: Path, manifest: dict, variant: str) -> bool:
    """Whether the build optimised this graph already (txbuild/preopt.py stamps it); a site
    built before that ships graphs that its own worker optimises at level 'all'."""
    import onnx

    from txbuild.preopt import STAMP

    graph = onnx.load(
        site / "model" / manifest["id"] / manifest["variants"][variant]["graph"], load_external_data=False
    )
    return any(p.key == STAMP for p in graph.metadata_props)


def native_run(site: Path, manifest: dict, variant: str, threads: int, plan: dict) -> dict:
    import onnxruntime as ort

    graph = site / "model" / manifest["id"] / manifest["variants"][variant]["graph"]
    d = manifest["dims"]
    from txbuild.verify import options

    opts = options(threads)  # the maths the wasm worker does (q4: weights folded to fp32)
    if not preoptimised(site, manifest, variant):  # what that site's own worker asks for
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    t0 = time.perf_counter()
    sess = ort.InferenceSession(str(graph), opts, providers=["CPUExecutionProvider"])
    init = (time.perf_counter() - t0) * 1000
    empty = np.zeros((d["layer"], d["head"], 0, d["head_dim"]), dtype=np.float32)
    names = [o["name"] for o in manifest["outputs"]]
    ids = lambda n, f=0: np.array([[(f + i * 7919) % d["vocab"] for i in range(n)]], dtype=np.int64)  # noqa: E731

    def timed(feeds, want):
        t = time.perf_counter()
        out = sess.run(want, feeds)
        return (time.perf_counter() - t) * 1000, out

    forward = {
        t: statistics.median(
            timed({"input_ids": ids(t, r), "past_key": empty, "past_value": empty}, names)[0]
            for r in range(plan["repeat"])
        )
        for t in plan["T"]
    }
    seq = ids(PROMPT_T, 1)
    kv = ["logits", "present_key", "present_value"]
    _, (_, k, v) = timed({"input_ids": seq, "past_key": empty, "past_value": empty}, kv)
    step, last = [], int(seq[0, -1])
    for _ in range(plan["steps"]):
        last = (last * 31 + 7) % d["vocab"]
        ms, (_, k, v) = timed({"input_ids": np.array([[last]], dtype=np.int64), "past_key": k, "past_value": v}, kv)
        step.append(ms)
    return {"init": init, "forward": forward, "step": statistics.median(step)}


# Registered before any of the page's own scripts: every main-thread task over 50 ms.
LONGTASKS_JS = """(() => {
  window.__txbLong = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__txbLong.push(e.duration);
  }).observe({ type: 'longtask' });
})();"""


def kind_of(path: str) -> str:
    """What a request fetched, for the bytes-per-kind columns."""
    if "/examples/" in path:
        return "examples"
    if path.startswith("/model/"):
        return "model"
    if path.endswith(".wasm") or "/ort" in path:
        return "wasm"
    return "other"


@contextlib.contextmanager
def counting_server(root: Path):
    """A plain static server (no COOP/COEP headers, as GitHub Pages serves) that counts the
    bytes it sends per kind and how often each file was fetched; yields (base URL, counts)."""
    import functools
    from collections import Counter
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    counts = {"bytes": Counter(), "fetches": Counter()}
    lock = threading.Lock()

    class Counting(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def copyfile(self, source, outputfile):
            n = os.fstat(source.fileno()).st_size if hasattr(source, "fileno") else 0
            super().copyfile(source, outputfile)
            path = self.path.split("?")[0]
            with lock:
                counts["bytes"][kind_of(path)] += n
                counts["fetches"][path] += 1

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Counting, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", counts
    finally:
        server.shutdown()
        server.server_close()


def first_prediction(site: Path, variant: str, generate: int = 0, lang: str = "en") -> dict:
    """The app opened cold (a fresh browser profile) on a plain static server: ms from
    navigation to the first live top-10, the bytes fetched before it per kind, files fetched
    more than once, the main thread's longest task and the peak RSS of Chromium meanwhile."""
    from playwright.sync_api import sync_playwright

    tag = f"--txb-bench={uuid.uuid4().hex}"
    with counting_server(site) as (base, counts), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + [tag])
        try:
            ctx = browser.new_context()
            ctx.add_init_script(LONGTASKS_JS)
            page = ctx.new_page()
            with RssPeak(tag) as rss:
                page.goto(f"{base}{lang}/index.html?variant={variant}")
                page.wait_for_function(
                    "() => performance.getEntriesByName('txb:first-prediction').length > 0", timeout=600_000
                )
                ms = float(page.evaluate("() => performance.getEntriesByName('txb:first-prediction')[0].startTime"))
                bytes_before = dict(counts["bytes"])
                longest = max(page.evaluate("() => window.__txbLong"), default=0.0)
                gen_longest = None
                if generate:  # then N tokens with the page's Generate button: the longest task meanwhile
                    page.evaluate("() => { window.__txbLong = []; }")
                    page.fill("#gen-n", str(generate))
                    page.click("#gen-run")
                    page.wait_for_function(
                        "() => document.querySelector('#gen-controls').dataset.running === 'false' && "
                        "document.querySelector('#kv-timing').dataset.cachedMs !== ''",
                        timeout=600_000,
                    )
                    gen_longest = max(page.evaluate("() => window.__txbLong"), default=0.0)
        finally:
            browser.close()
    twice = sorted(f for f, n in counts["fetches"].items() if n > 1 and f.startswith("/model/"))
    return {
        "ms": ms,
        "bytes": bytes_before,
        "longest_task": longest,
        "gen_longest_task": gen_longest,
        "twice": twice,
        "peak_rss": rss.peak,
        "peak_pss": rss.peak_pss,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--site",
        action="append",
        required=True,
        type=Path,
        help="repeatable: sites of the same model built before and after a change run side by side",
    )
    ap.add_argument("--variants", default=None, help="comma-separated; default: every variant of the site")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--webgpu-software", action="store_true", help="also SwiftShader's WebGPU (speed meaningless)")
    ap.add_argument(
        "--first-prediction",
        action="store_true",
        help="also open the app cold per variant on a plain static server: time to the first live "
        "top-10, bytes fetched before it, the longest main-thread task, peak RSS",
    )
    ap.add_argument(
        "--generate",
        type=int,
        default=0,
        help="with --first-prediction: then generate N tokens and report the longest main-thread task meanwhile",
    )
    ap.add_argument("--lang", default="en", help="with --first-prediction: the page opened (default en)")
    ap.add_argument("--forward", default="16,64", help="sequence lengths of the forward runs (default 16,64)")
    ap.add_argument("--steps", type=int, default=32, help="cached decode steps (default 32)")
    ap.add_argument("--repeat", type=int, default=3, help="forward runs per length, median (default 3)")
    args = ap.parse_args()
    plan = {"T": [int(t) for t in args.forward.split(",")], "steps": args.steps, "repeat": args.repeat}
    load_before = os.getloadavg()
    sites = [(site, json.loads(next((site / "model").glob("*/manifest.json")).read_text())) for site in args.site]
    names = (
        args.variants.split(",") if args.variants else list(dict.fromkeys(v for _, m in sites for v in m["variants"]))
    )
    rows = []
    for variant in names:  # the sites alternate per variant, so a change in load hits both alike
        for site, manifest in sites:
            if variant not in manifest["variants"]:
                continue
            d = manifest["dims"]
            label = f"{manifest['id']} ({d['layer']}L×{d['head']}H×{d['embd']})"
            graph = "pre-optimised" if preoptimised(site, manifest, variant) else "as exported"
            native = native_run(site, manifest, variant, args.threads, plan)
            for backend in ["wasm"] + (["webgpu"] if args.webgpu_software else []):
                b = browser_run(site, manifest, variant, backend, args.threads, plan)
                if args.first_prediction and backend == "wasm":
                    b["first"] = first_prediction(site, variant, args.generate, args.lang)
                label_site = f"{label} `{site.name}`" if len(sites) > 1 else label
                rows.append((label_site, variant, graph, backend, manifest["variants"][variant]["bytes"], b, native))
                print(f"done: {label} {variant} {graph} {backend}", file=sys.stderr)
    load_after = os.getloadavg()
    print(
        f"threads: {args.threads} (browser and native); medians; browser ÷ native in brackets; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (1 min), {os.cpu_count()} cores; "
        f"{time.strftime('%Y-%m-%d %H:%M')}\n"
    )
    fwd = " | ".join(f"forward T={t}" for t in plan["T"])
    print(
        "| model | variant | graph | backend | bytes | download + init (browser) | init: browser / native | "
        f"{fwd} | decode ms/token | peak RSS / PSS (Chromium) |"
    )
    print("| --- | --- | --- | --- | ---: | ---: | ---: | " + "---: | " * len(plan["T"]) + "---: | ---: |")
    for label, variant, graph, backend, nbytes, b, n in rows:
        r = lambda x, y: f"{x:.1f} / {y:.1f} ms ({x / y:.1f}×)"  # noqa: E731
        name = "WebGPU (software adapter, speed meaningless)" if backend == "webgpu" else "wasm"
        fw = " | ".join(r(b["forward"][str(t)], n["forward"][t]) for t in plan["T"])
        print(
            f"| {label} | {variant} | {graph} | {name} | {nbytes / 1e6:.1f} MB | {b['load'] / 1000:.2f} s | "
            f"{b['init']:.0f} / {n['init']:.0f} ms ({b['init'] / n['init']:.1f}×) | {fw} | "
            f"{r(b['step'], n['step'])} | {b['peak_rss'] / 2**30:.2f} / {b['peak_pss'] / 2**30:.2f} GiB |"
        )
    firsts = [(label, variant, graph, b["first"]) for label, variant, graph, backend, _, b, _ in rows if "first" in b]
    if firsts:
        print(
            f"\nThe app ({args.lang}/index.html), cold, on a plain static server (no COOP/COEP), until the first "
            "live prediction:\n\n"
            "| model | variant | graph | first prediction | fetched: model | wasm | examples | other | "
            "fetched twice | longest main-thread task | longest task while generating | peak RSS / PSS (Chromium) |"
        )
        print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
        for label, variant, graph, f in firsts:
            mb = lambda k, f=f: f"{f['bytes'].get(k, 0) / 1e6:.1f} MB"  # noqa: E731
            print(
                f"| {label} | {variant} | {graph} | {f['ms'] / 1000:.2f} s | {mb('model')} | {mb('wasm')} | "
                f"{mb('examples')} | {mb('other')} | {', '.join(f['twice']) or 'none'} | "
                f"{f['longest_task']:.0f} ms | "
                + (f"{f['gen_longest_task']:.0f} ms" if f["gen_longest_task"] is not None else "–")
                + f" | {f['peak_rss'] / 2**30:.2f} / {f['peak_pss'] / 2**30:.2f} GiB |"
            )


if __name__ == "__main__":
    main()
