"""A NumPy reference of the sampling pipeline agrees with web/src/sampling.js.

logits → ÷ temperature → top-k / top-p over the whole vocabulary → softmax → draw, with the
same seeded generator (mulberry32) re-implemented here.
"""

import json
import subprocess

import numpy as np
import pytest

from txbuild import REPO_ROOT
from txbuild.sources import encode, load, resolve
from txbuild.trace import trace_ids

M32 = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M32


def mulberry32(seed):
    a = seed & M32

    def nxt():
        nonlocal a
        a = (a + 0x6D2B79F5) & M32
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    return nxt


def reference(logits, settings, seed, draws):
    x = np.asarray(logits, dtype=np.float32).astype(np.float64)
    order = np.lexsort((np.arange(len(x)), -x))  # by logit descending, ties by id
    mode = settings["mode"]
    temperature = 1.0 if mode == "greedy" else settings["temperature"]
    scaled = x[order] / temperature
    before = np.exp(scaled - scaled[0])
    before /= before.sum()
    cumulative = np.cumsum(before)
    finite = int(np.isfinite(scaled).sum())
    kept = {
        "greedy": 1,
        "none": finite,
        "topk": min(settings.get("topK", 0), finite),
        "topp": min(int(np.searchsorted(cumulative, settings.get("topP", 1.0) - 1e-15)) + 1, finite),
    }[mode]
    probs = np.zeros_like(before)
    probs[:kept] = before[:kept] / before[:kept].sum()
    rng, ids, us = mulberry32(seed), [], []
    for _ in range(draws):
        u = None if mode == "greedy" else rng()
        rank = 0 if u is None else min(int(np.searchsorted(np.cumsum(probs[:kept]), u, side="right")), kept - 1)
        ids.append(int(order[rank]))
        us.append(u)
    return {
        "order": order[:20].tolist(),
        "kept": kept,
        "probs": probs[:20].tolist(),
        "cumulative": cumulative[:20].tolist(),
        "ids": ids,
        "us": us,
    }


def js(cases):
    proc = subprocess.run(
        ["node", str(REPO_ROOT / "web" / "tools" / "sample.mjs")],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def model_logits(tiny_checkpoint):
    lm = load(resolve(str(tiny_checkpoint)))
    # A sharper distribution than the random model's own, so the filters cut somewhere.
    return (trace_ids(lm.model, encode(lm.tokenizer, "Sampling is a choice"))["logits"][-1] * 300).tolist()


SETTINGS = [
    {"mode": "greedy"},
    {"mode": "none", "temperature": 1.0},
    {"mode": "none", "temperature": 0.3},
    {"mode": "topk", "temperature": 1.0, "topK": 1},
    {"mode": "topk", "temperature": 0.8, "topK": 40},
    {"mode": "topk", "temperature": 2.5, "topK": 50257},
    {"mode": "topp", "temperature": 1.0, "topP": 0.9},
    {"mode": "topp", "temperature": 0.7, "topP": 0.5},
    {"mode": "topp", "temperature": 4.0, "topP": 0.99},
]


def test_js_sampling_matches_the_numpy_reference(model_logits):
    cases = [{"logits": model_logits, "settings": s, "seed": 1234 + i, "draws": 30} for i, s in enumerate(SETTINGS)]
    for case, got in zip(cases, js(cases)):
        want = reference(case["logits"], case["settings"], case["seed"], case["draws"])
        label = json.dumps(case["settings"])
        assert got["order"] == want["order"], label
        assert got["kept"] == want["kept"], label
        np.testing.assert_allclose(got["probs"], want["probs"], rtol=1e-9, atol=1e-12, err_msg=label)
        np.testing.assert_allclose(got["cumulative"], want["cumulative"], rtol=1e-9, atol=1e-12, err_msg=label)
        assert got["us"] == want["us"], label  # the same seeded numbers, bit for bit
        assert got["ids"] == want["ids"], label


def test_top_p_is_computed_over_the_whole_vocabulary(model_logits):
    """With a hot temperature the nucleus spans more than 50 tokens: nothing may cap it."""
    softer = [v / 5 for v in model_logits]
    case = {"logits": softer, "settings": {"mode": "topp", "temperature": 4.0, "topP": 0.99}, "seed": 1, "draws": 1}
    got = js([case])[0]
    assert got["kept"] == reference(case["logits"], case["settings"], 1, 1)["kept"] > 50
