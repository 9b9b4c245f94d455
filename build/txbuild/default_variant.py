"""Which variant the page loads first, chosen from measurements of the model being built.

The rule is a pure function of what the build measured per variant: its bytes, whether it
passed verification, how far its next-token distribution is from PyTorch's (total variation),
and, in ONNX Runtime with one thread (timed at verification), the session start and one
cached generation step.

1. Only variants that passed verification.
2. Of those, the ones that read like the original (max TV <= QUALITY_TV), if any.
3. The one a reader waits least for: the download at BANDWIDTH, the session start, and
   STEPS cached steps.

For GPT-2 small that is q4 or int8 (fp16's 249 MB cost 25 s at 10 MB/s); for a small model
whose q4 rounding shows (TV above the bar) it is the smallest variant that reads the same.
q4 folds its 4-bit weights to fp32 when the session starts (q4.py), which its start time
carries.
"""

from __future__ import annotations

import time

import numpy as np

QUALITY_TV = 0.1  # next-token total variation to PyTorch fp32 under which a variant reads the same
BANDWIDTH = 10e6  # bytes/s a first visit is assumed to download at (80 Mbit/s)
STEPS = 64  # cached generation steps a visit is assumed to run


def wait_seconds(m: dict) -> float:
    return m["bytes"] / BANDWIDTH + ((m.get("init_ms") or 0.0) + STEPS * (m.get("step_ms") or 0.0)) / 1000


def choose(measured: dict[str, dict]) -> str:
    """`measured` = {precision: {"bytes", "passed", "max_tv", "init_ms", "step_ms"}} -> the precision to load first."""
    passed = {p: m for p, m in measured.items() if m["passed"]}
    if not passed:
        raise ValueError("no variant passed verification")
    good = {p: m for p, m in passed.items() if m["max_tv"] <= QUALITY_TV} or passed
    return min(good, key=lambda p: (wait_seconds(good[p]), p))


def from_build(variants: dict[str, dict], reports: dict[str, dict]) -> str:
    """The rule on a build's manifest entries (bytes) and verification reports (quality, speed)."""
    return choose(measurements(variants, reports))


def timed_session(graph) -> tuple[float, object]:
    """(ms to create it, a one-thread session doing the browser's wasm maths)."""
    import onnxruntime as ort

    from .verify import options

    t0 = time.perf_counter()
    sess = ort.InferenceSession(str(graph), options(threads=1), providers=["CPUExecutionProvider"])
    return (time.perf_counter() - t0) * 1000, sess


def native_step_ms(sess, dims: dict, prompt: int = 16, steps: int = 8) -> float:
    """Median time of one cached step (one new token after a `prompt`-token prefill), fetching
    only what generation fetches. A measurement for the rule above, never a test's expectation."""
    empty = np.zeros((dims["layer"], dims["head"], 0, dims["head_dim"]), dtype=np.float32)
    ids = np.arange(prompt, dtype=np.int64)[None] % dims["vocab"]
    want = ["logits", "present_key", "present_value"]
    _, k, v = sess.run(want, {"input_ids": ids, "past_key": empty, "past_value": empty})
    times = []
    for i in range(steps):
        t0 = time.perf_counter()
        _, k, v = sess.run(want, {"input_ids": np.array([[i + 1]], dtype=np.int64), "past_key": k, "past_value": v})
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))


# What a build ships when --variants is not given (see `auto_candidates` and `shipped`).
SITE_BUDGET = 400e6  # bytes of model variants a default build may ship (GitHub Pages takes 1 GB a site)
MAX_FALLBACKS = 1  # variants shipped beside the default: one the reader can switch to
# download bytes per parameter, measured on the GPT-2-small config (497.8 / 249.2 / 124.9 / 71.6 MB
# for 124.4 M parameters); an estimate to decide what to export before anything is exported
BYTES_PER_PARAM = {"fp32": 4.0, "fp16": 2.0, "int8": 1.0, "q4": 0.58}


def auto_candidates(n_params: int, precisions=("fp32", "fp16", "int8", "q4")) -> tuple[str, ...]:
    """The variants a build without --variants exports and verifies: those whose estimated
    download is at most half of SITE_BUDGET (so the default and a fallback fit), or the
    smallest one when none is. GPT-2 small (124 M): int8 and q4; fp32 (498 MB) and fp16
    (249 MB) stay out unless asked for."""
    fit = tuple(p for p in precisions if n_params * BYTES_PER_PARAM[p] <= SITE_BUDGET / 2)
    return fit or (min(precisions, key=BYTES_PER_PARAM.__getitem__),)


def shipped(default: str, measured: dict[str, dict]) -> tuple[str, ...]:
    """The default and at most MAX_FALLBACKS fallbacks: of the other variants that passed
    verification, those a reader waits least for (the ones that read like the original first),
    as long as the variants together stay within SITE_BUDGET. `measured` as for `choose`."""
    total = measured[default]["bytes"]
    out = [default]
    rest = [p for p, m in measured.items() if p != default and m["passed"]]
    rest.sort(key=lambda p: (measured[p]["max_tv"] > QUALITY_TV, wait_seconds(measured[p]), p))
    for p in rest:
        if len(out) > MAX_FALLBACKS:
            break
        if total + measured[p]["bytes"] <= SITE_BUDGET:
            out.append(p)
            total += measured[p]["bytes"]
    return tuple(out)


def measurements(variants: dict[str, dict], reports: dict[str, dict]) -> dict[str, dict]:
    """`choose`'s input from a build's manifest entries (bytes) and verification reports."""
    return {
        p: {
            "bytes": v["bytes"],
            "passed": reports[p]["passed"],
            "max_tv": reports[p]["max_tv"],
            "init_ms": reports[p].get("native_init_ms"),
            "step_ms": reports[p].get("native_step_ms"),
        }
        for p, v in variants.items()
    }
