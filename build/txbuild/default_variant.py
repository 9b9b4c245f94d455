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
    return choose(
        {
            p: {
                "bytes": v["bytes"],
                "passed": reports[p]["passed"],
                "max_tv": reports[p]["max_tv"],
                "init_ms": reports[p].get("native_init_ms"),
                "step_ms": reports[p].get("native_step_ms"),
            }
            for p, v in variants.items()
        }
    )


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
