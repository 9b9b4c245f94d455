"""The WebGPU path in headless Chromium's software adapter (SwiftShader): the same numbers as
the WebAssembly run of the same graph, and the page says which backend runs.

SwiftShader runs WebGPU on the CPU: this checks correctness only; its speed means nothing.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from browser import ARGS, own_browser, served, variant_for_worker, watch_errors
from txbuild.sources import encode

pytestmark = pytest.mark.browser

GPU_ARGS = [a for a in ARGS if a != "--disable-gpu"] + [
    "--enable-unsafe-webgpu",
    "--enable-unsafe-swiftshader",
    "--use-webgpu-adapter=swiftshader",
]
PROMPT = "The quick brown fox jumps over"
VARIANTS = ("fp32", "q4")
# max |webgpu - wasm| / max |wasm| per output (fp32 maths on both; summation order differs)
REL_TOL = 1e-3


@pytest.fixture(scope="module")
def gpu_browser():
    """One Chromium with WebGPU for the module (a launch costs seconds); a context per test."""
    with own_browser(GPU_ARGS) as browser:
        yield browser


@pytest.fixture(scope="module")
def gpu_site(shared_site):
    assert set(VARIANTS) <= set(shared_site[1]["variants"])
    return shared_site


# Runs one variant in one model worker of the site (the app's own worker bundle) and returns,
# per output, the run's values; both backends run in the same page.
RUN_BOTH = """async ({assets, variant, inputs, dims, ids, outputs, backends}) => {
  const run = (backend) => new Promise((resolve, reject) => {
    const w = new Worker(assets[backend === 'webgpu' ? 'worker-webgpu.js' : 'worker.js'], { type: 'module' });
    const ort = backend === 'webgpu'
      ? { mjs: assets['ort-wasm-simd-threaded.asyncify.mjs'], wasm: assets['ort-wasm-simd-threaded.asyncify.wasm'] }
      : { mjs: assets['ort-wasm-simd-threaded.mjs'], wasm: assets['ort-wasm-simd-threaded.wasm'] };
    w.onmessage = ({ data }) => {
      if (data.type === 'progress') return;
      if (data.type === 'error') { w.terminate(); reject(new Error(backend + ': ' + data.message)); }
      else if (data.id === 1) w.postMessage({ id: 2, type: 'run', ids, outputs });
      else { w.terminate(); resolve({ backend: data.result.backend, outputs: data.result.outputs }); }
    };
    w.postMessage({ id: 1, type: 'load', variant, inputs, dims, ort, numThreads: 1 });
  });
  const res = {};
  for (const b of backends) {
    const r = await run(b);
    res[b] = Object.fromEntries(Object.entries(r.outputs).map(([k, t]) => [k, { dims: t.dims, data: Array.from(t.data) }]));
  }
  return res;
}"""


@pytest.mark.slow  # a Chromium of its own, with WebGPU on a software adapter
@pytest.mark.parametrize("variant", VARIANTS)
def test_webgpu_run_equals_the_wasm_run(gpu_site, gpu_browser, variant):
    site_dir, manifest, tok = gpu_site
    assets = json.loads((site_dir / "assets" / "assets.json").read_text())
    ids = encode(tok, PROMPT)
    outputs = [o["name"] for o in manifest["outputs"]]  # every kind of intermediate, and the caches
    with served(site_dir) as base, gpu_browser.new_context() as ctx:
        page = ctx.new_page()
        # a page of the site without the app (which would load a model of its own): the workers
        # need only an http://127.0.0.1 document, a secure context of the same origin
        page.goto(f"{base}assets/assets.json")
        assert page.evaluate("!!navigator.gpu && navigator.gpu.requestAdapter().then(a => !!a)")
        got = page.evaluate(
            RUN_BOTH,
            {
                "assets": {k: base + v for k, v in assets.items() if isinstance(v, str)},
                "variant": variant_for_worker(base, manifest, variant),
                "inputs": manifest["inputs"],
                "dims": manifest["dims"],
                "ids": ids,
                "outputs": outputs,
                "backends": ["wasm", "webgpu"],
            },
        )
    for name in outputs:
        a = np.array(got["wasm"][name]["data"], dtype=np.float64)
        b = np.array(got["webgpu"][name]["data"], dtype=np.float64)
        assert got["wasm"][name]["dims"] == got["webgpu"][name]["dims"], name
        fin = np.isfinite(a)
        assert np.array_equal(fin, np.isfinite(b)), name  # the same masked positions
        scale = max(np.abs(a[fin]).max(), 1e-12)
        assert np.abs(a[fin] - b[fin]).max() <= REL_TOL * scale, name
    v = len(tok)
    last = lambda r: np.array(r["logits"]["data"][-v:])  # noqa: E731
    top = lambda x: list(np.argsort(-x, kind="stable")[:10])  # noqa: E731
    assert top(last(got["webgpu"])) == top(last(got["wasm"]))


def test_the_page_runs_on_webgpu_and_switches_to_wasm(gpu_site, gpu_browser):
    site_dir, manifest, tok = gpu_site
    ids = ",".join(map(str, encode(tok, manifest["examples"][manifest["default_example"]["en"]]["prompt"])))
    problems = []
    with served(site_dir) as base, gpu_browser.new_context() as ctx:
        page = ctx.new_page()
        watch_errors(page, problems)
        page.goto(f"{base}en/index.html")
        page.wait_for_selector('.txb-model[data-phase="ready"][data-backend="webgpu"]', timeout=120_000)
        page.wait_for_selector(f'#top-tokens[data-status="ready"][data-ids="{ids}"]', timeout=120_000)
        gpu_top = page.eval_on_selector_all("#top-tokens li", "els => els.map(e => Number(e.dataset.tokenId))")
        assert page.eval_on_selector("#backend", "s => [...s.options].map(o => o.value)") == ["webgpu", "wasm"]
        page.select_option("#backend", "wasm")
        page.wait_for_selector('.txb-model[data-phase="ready"][data-backend="wasm"]', timeout=120_000)
        page.wait_for_selector(f'#top-tokens[data-status="ready"][data-ids="{ids}"]', timeout=120_000)
        wasm_top = page.eval_on_selector_all("#top-tokens li", "els => els.map(e => Number(e.dataset.tokenId))")
        assert "backend=wasm" in page.url
    assert gpu_top == wasm_top
    assert not problems, problems
