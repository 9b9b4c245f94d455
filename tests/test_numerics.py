"""txbuild.numerics against independent references: PyTorch's softmax and GELU, and plain loops."""

import json
import math
import subprocess

import numpy as np
import pytest
import torch

from txbuild.numerics import gelu, softmax, top_k, top_p_count

rng = np.random.default_rng(3)


@pytest.mark.parametrize("temperature", [1.0, 0.5, 2.0, 1e-3])
def test_softmax_matches_torch(temperature):
    x = rng.normal(0, 4, (5, 300))
    ref = torch.softmax(torch.tensor(x, dtype=torch.float64) / temperature, dim=-1).numpy()
    got = softmax(x, temperature)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(got.sum(-1), 1.0, rtol=1e-12)


def test_softmax_other_axis_and_float32_input():
    x = rng.normal(0, 3, (7, 4)).astype(np.float32)
    ref = torch.softmax(torch.tensor(x, dtype=torch.float64), dim=0).numpy()
    np.testing.assert_allclose(softmax(x, axis=0), ref, rtol=1e-12)


def test_softmax_is_stable_and_masks():
    # exp(1000) overflows; a stable softmax does not care
    np.testing.assert_allclose(softmax(np.array([1000.0, 1000.0, -1000.0])), [0.5, 0.5, 0.0], atol=1e-300)
    x = np.array([[0.0, -np.inf, -np.inf], [math.log(3), 0.0, -np.inf]])
    np.testing.assert_allclose(softmax(x), [[1, 0, 0], [0.75, 0.25, 0]], rtol=1e-15)


def test_gelu_matches_torch_tanh_form():
    x = np.linspace(-8, 8, 2001)
    ref = torch.nn.functional.gelu(torch.tensor(x, dtype=torch.float64), approximate="tanh").numpy()
    np.testing.assert_allclose(gelu(x), ref, rtol=1e-14, atol=1e-15)
    # and it is the tanh form, not the erf one GPT-2 does not use
    erf = torch.nn.functional.gelu(torch.tensor(x, dtype=torch.float64)).numpy()
    assert np.abs(gelu(x) - erf).max() > 1e-4


def test_top_k_matches_a_full_sort_with_ties_by_index():
    x = rng.integers(0, 20, 500).astype(np.float32)  # many ties
    ref = sorted(range(x.size), key=lambda i: (-float(x[i]), i))[:25]
    assert top_k(x, 25).tolist() == ref
    assert top_k(x, 10_000).tolist() == sorted(range(x.size), key=lambda i: (-float(x[i]), i))
    rows = rng.normal(size=(3, 50))
    assert top_k(rows, 5).tolist() == [sorted(range(50), key=lambda i: -r[i])[:5] for r in rows]


def brute_top_p(probs, p):
    """Keep adding the most probable remaining token until the kept mass reaches p."""
    ranked = sorted(probs.tolist(), reverse=True)
    kept, mass = 0, 0.0
    while kept < len(ranked):
        mass += ranked[kept]
        kept += 1
        if mass >= p:
            break
    return kept


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 0.9, 0.99, 1.0])
def test_top_p_count_matches_brute_force(p):
    for scale in (0.5, 2.0, 6.0):
        probs = softmax(rng.normal(0, scale, 2000))
        rng.shuffle(probs)  # order does not matter
        assert top_p_count(probs, p) == brute_top_p(probs, p)


def test_top_p_count_by_hand():
    probs = np.array([0.1, 0.5, 0.3, 0.1])
    assert [top_p_count(probs, p) for p in (0.0, 0.5, 0.79, 0.81, 0.95)] == [1, 1, 2, 3, 4]
    assert top_p_count(np.full(3, 1 / 3), 1.0) <= 3  # rounding below 1 still keeps every token, not one more


def _node(script: str, payload) -> dict:
    from txbuild import REPO_ROOT

    proc = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps(payload),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


JS_NUMERICS = """
import { softmax, topK, topPCount, gelu } from './web/src/numerics.js';
let s = '';
for await (const c of process.stdin) s += c;
const { x, temps, k, cuts, g } = JSON.parse(s);
const p = softmax(x);
const inRank = topK(x, x.length).map((i) => p[i]);
console.log(JSON.stringify({ soft: temps.map((T) => Array.from(softmax(x, T))), top: topK(x, k),
  nucleus: cuts.map((c) => topPCount(inRank, c)), gelu: g.map(gelu) }));
"""


def test_the_js_numerics_agree_with_these_and_with_torch():
    """web/src/numerics.js is the browser's copy of this module: same inputs, same answers."""
    x = np.round(rng.normal(0, 5, 400), 3)
    x[::37] = np.round(x[::37])  # a few ties
    temps, cuts, g = [1.0, 0.5, 2.0], [0.0, 0.5, 0.9, 0.99, 1.0], np.linspace(-6, 6, 97)
    got = _node(JS_NUMERICS, {"x": x.tolist(), "temps": temps, "k": 30, "cuts": cuts, "g": g.tolist()})
    for T, js in zip(temps, got["soft"]):
        ref = torch.softmax(torch.tensor(x, dtype=torch.float64) / T, -1).numpy()
        np.testing.assert_allclose(js, ref, rtol=1e-12)
        np.testing.assert_allclose(js, softmax(x, T), rtol=1e-13)
    assert got["top"] == top_k(x, 30).tolist()
    assert got["nucleus"] == [top_p_count(softmax(x), c) for c in cuts]
    ref = torch.nn.functional.gelu(torch.tensor(g), approximate="tanh").numpy()
    np.testing.assert_allclose(got["gelu"], ref, rtol=1e-13, atol=1e-15)
