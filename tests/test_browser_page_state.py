"""Issue 21 in headless Chromium: the page tells the truth about its state. Typing during and
after a generation draws no stale mix of two runs (zero page errors), a lone surrogate in the
prompt still reaches the URL, bad URL parameters are named, the WebGPU worker without an
adapter says it runs on WebAssembly, and ?stage=N asks the model worker for the same first run."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from browser import chromium, served, variant_for_worker, watch_errors

pytestmark = pytest.mark.browser
READY = 90_000
LIVE = "#explorer[data-trace='live']"


@pytest.fixture(scope="module")
def site(shared_site):
    return shared_site


# When a generation stops (the reader typed, or it ran to its end), the page runs the whole
# sequence at once; this types a shorter prompt while that run is in flight (the next task).
TYPE_WHEN_STOPPED = """text => {
  const box = document.querySelector('#prompt');
  const gen = document.querySelector('#gen-controls');
  let was = gen.dataset.running;
  new MutationObserver(() => {
    const now = gen.dataset.running;
    const stopped = was === 'true' && now === 'false';
    was = now;
    if (!stopped) return;
    setTimeout(() => {
      box.value = text;
      box.dispatchEvent(new Event('input', { bubbles: true }));
      window.__typed = (window.__typed || 0) + 1;
    }, 0);
  }).observe(gen, { attributes: true, attributeFilter: ['data-running'] });
}"""


def wait_shown(page, tok, text):
    ids = ",".join(map(str, tok.encode(text)))
    page.wait_for_selector(f"{LIVE}[data-ids='{ids}']", timeout=READY)
    page.wait_for_selector(f"#top-tokens[data-status='ready'][data-ids='{ids}']", timeout=READY)
    return ids


def test_typing_during_and_after_a_generation_draws_no_stale_mix(site):
    site_dir, manifest, tok = site
    problems: list = []
    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        watch_errors(page, problems)
        # the attention stage: the views with token labels on both edges
        page.goto(f"{base}en/index.html?variant=fp32&stage=5&mode=greedy&prompt=The%20cat%20sat%20on%20the%20mat")
        page.wait_for_selector(LIVE, timeout=READY)
        page.evaluate(TYPE_WHEN_STOPPED, "A")
        # typing during a generation: the first generated token, then more text
        page.fill("#gen-n", "24")
        page.click("#gen-run")
        page.wait_for_function(
            "() => document.querySelector('#gen-text').dataset.ids.split(',').filter(Boolean).length > 0",
            timeout=READY,
        )
        page.evaluate(
            "() => { const b = document.querySelector('#prompt'); b.value += ' and the dog ran away';"
            " b.dispatchEvent(new Event('input', { bubbles: true })); }"
        )
        page.wait_for_function("() => window.__typed === 1", timeout=READY)
        wait_shown(page, tok, "A")
        # a generation run to its end, then a new prompt
        page.fill("#gen-n", "3")
        page.click("#gen-run")
        page.wait_for_function("() => window.__typed === 2", timeout=READY)
        ids = wait_shown(page, tok, "A")
        # every label of the shown run belongs to it
        assert page.eval_on_selector_all("#pick-pos option", "os => os.length") == len(ids.split(","))

        # a lone surrogate (half an emoji) in the prompt: the URL still follows the prompt
        page.evaluate(
            "() => { const b = document.querySelector('#prompt'); b.value = 'cat \\uD83D';"
            " b.dispatchEvent(new Event('input', { bubbles: true })); }"
        )
        page.wait_for_function("() => new URL(location.href).searchParams.get('prompt') === 'cat \\uFFFD'")
    assert not problems, problems


def test_bad_url_parameters_are_named_and_fall_back(site):
    site_dir, manifest, tok = site
    prompt = "The cat sat"
    n = len(tok.encode(prompt))
    problems: list = []
    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        watch_errors(page, problems)
        page.goto(f"{base}en/index.html?prompt={prompt}&backend=cuda&threads=0&pos={n + 5}&variant=fp64")
        page.wait_for_selector(f"{LIVE}", timeout=READY)
        page.wait_for_function("() => document.querySelector('#url-notice').dataset.bad.includes('pos')")
        bad = page.get_attribute("#url-notice", "data-bad").split(",")
        assert sorted(bad) == ["backend", "pos", "threads", "variant"]
        text = page.text_content("#url-notice")
        assert all(k in text for k in bad)
        # the fallbacks: the last token, the default variant, the backend this browser has
        assert page.input_value("#pick-pos") == str(n - 1)
        assert page.get_attribute(".txb-model", "data-backend") == "wasm"
        page.wait_for_function("() => !new URL(location.href).searchParams.has('pos')")
        assert "pos" not in parse_qs(urlsplit(page.url).query)
    assert not problems, problems


# The WebGPU worker asked to load where no adapter exists (this Chromium runs with
# --disable-gpu): it runs the model on WebAssembly and must say so.
LOAD_WEBGPU_WORKER = """async ({worker, ort, variant, inputs, dims}) => new Promise((resolve, reject) => {
  const w = new Worker(worker, { type: 'module' });
  w.onmessage = ({ data }) => {
    if (data.type === 'progress') return;
    w.terminate();
    if (data.type === 'error') reject(new Error(data.message)); else resolve(data.result);
  };
  w.postMessage({ id: 1, type: 'load', variant, inputs, dims, ort, numThreads: 1 });
})"""


def test_the_webgpu_worker_without_an_adapter_reports_webassembly(site):
    site_dir, manifest, _ = site
    assets = json.loads((site_dir / "assets" / "assets.json").read_text())
    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        page.goto(f"{base}index.html?choose")
        assert not page.evaluate("navigator.gpu ? navigator.gpu.requestAdapter().then(a => !!a) : false")
        got = page.evaluate(
            LOAD_WEBGPU_WORKER,
            {
                "worker": base + assets["worker-webgpu.js"],
                "ort": {
                    "mjs": base + assets["ort-wasm-simd-threaded.asyncify.mjs"],
                    "wasm": base + assets["ort-wasm-simd-threaded.asyncify.wasm"],
                },
                "variant": variant_for_worker(base, manifest, "fp32"),
                "inputs": manifest["inputs"],
                "dims": manifest["dims"],
            },
        )
    assert got["backend"] == "wasm"


# What the page asks the model worker for up to its first live run and lens, by message
# (type, outputs asked for, ids): ?stage=N must not change it (issue 21: every view draws
# every run whatever the stage; the stage only picks the panel shown).
RECORD_WORKER = """
window.__asked = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (m, t) {
  if (m && m.type !== 'load') window.__asked.push([m.type, (m.outputs || []).join(','), (m.ids || []).join(',')]);
  return post.call(this, m, t);
};
"""


def test_the_first_run_asks_the_same_for_every_stage(site):
    site_dir, manifest, _ = site
    asked = {}
    with served(site_dir) as base, chromium() as ctx:
        ctx.add_init_script(RECORD_WORKER)
        for stage in (1, 8, 9):
            page = ctx.new_page()
            page.goto(f"{base}en/index.html?variant=fp32&stage={stage}")
            page.wait_for_selector(LIVE, timeout=READY)
            tabs = page.eval_on_selector_all("[role=tab]", "ts => ts.map(t => t.dataset.stage)")
            assert page.get_attribute("#explorer", "data-stage") == tabs[stage - 1]
            sent = page.evaluate("window.__asked")
            asked[stage] = sent[: [m[0] for m in sent].index("run") + 1]  # up to the first live run
            page.close()
    run = asked[1][-1]
    assert set(run[1].split(",")) == {o["name"] for o in manifest["outputs"] if not o["name"].startswith("present_")}
    assert asked[8] == asked[1] and asked[9] == asked[1], asked


# figures a stage's views have drawn (a matrix sets data-rows when it draws a run)
DRAWN = "sel => [...document.querySelectorAll(sel + ' figure[data-rows]')].map(f => f.dataset.rows)"


def test_a_run_draws_the_stage_in_view_and_the_others_when_shown(site):
    """A new run redraws the views of the stage on screen only (one short task instead of every
    view at once, issue 19); another stage draws that same run when the reader opens it."""
    site_dir, manifest, tok = site
    problems: list = []
    with served(site_dir) as base, chromium() as ctx:
        page = ctx.new_page()
        watch_errors(page, problems)
        page.goto(f"{base}en/index.html?stage=5")  # attention
        page.wait_for_selector(LIVE, timeout=READY)
        n = len(page.get_attribute(LIVE, "data-ids").split(","))
        rows = page.evaluate(DRAWN, "#stage-attention")
        assert rows and set(rows) == {str(n)}, rows
        assert page.evaluate(DRAWN, "#stage-mlp") == []  # not on screen: not drawn

        prompt = "One two three four five six seven"
        ids = tok.encode(prompt)
        page.fill("#prompt", prompt)
        page.click("#predict")
        page.wait_for_selector(f"{LIVE}[data-ids='{','.join(map(str, ids))}']", timeout=READY)
        page.wait_for_function(f"() => ({DRAWN})('#stage-attention').includes('{len(ids)}')")
        assert page.evaluate(DRAWN, "#stage-mlp") == []

        page.click("#tab-mlp")
        rows = page.evaluate(DRAWN, "#stage-mlp")  # drawn in the click's own task
        assert rows and str(len(ids)) in rows, rows
    assert not problems, problems
