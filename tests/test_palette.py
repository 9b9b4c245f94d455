"""The live figures (web/) colour like the build-time figures they replace (build/txbuild/article/viz):
the same viridis stops, the same colours between them, the same bar colour. A figure must not
change colours when it goes live."""

import json
import re
import subprocess

import numpy as np

from txbuild import REPO_ROOT
from txbuild.article.viz import common, probs

JS = """
import { VIRIDIS, BAR } from './web/viz/lib/palette.js';
import { viridis } from './web/viz/lib/scales.js';
const s = viridis(1);
const xs = Array.from({ length: 201 }, (_, i) => i / 200);
console.log(JSON.stringify({ VIRIDIS, BAR, at: xs.map((x) => s(x)), beyond: [s(-0.5), s(1.5)], max4: viridis(4)(2) }));
"""


def _rgb(c: str) -> list[int]:
    if c.startswith("#"):
        return [int(c[i : i + 2], 16) for i in (1, 3, 5)]
    return [int(v) for v in re.findall(r"\d+", c)[:3]]


def js() -> dict:
    proc = subprocess.run(
        ["node", "--input-type=module", "-e", JS], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)


def test_the_tables_are_the_same():
    got = js()
    assert got["VIRIDIS"] == common.VIRIDIS
    assert got["BAR"] == probs.BAR


def test_the_interpolated_colours_are_the_same():
    got = js()
    want = [_rgb(common.sequential(i / 200)) for i in range(201)]
    # rounding of an exact half may differ by one unit between Python's round and d3's
    assert np.abs(np.array([_rgb(c) for c in got["at"]]) - np.array(want)).max() <= 1
    assert [_rgb(c) for c in got["beyond"]] == [_rgb(common.VIRIDIS[0]), _rgb(common.VIRIDIS[-1])]  # clamped
    assert np.abs(np.array(_rgb(got["max4"])) - _rgb(common.sequential(2, 0, 4))).max() <= 1


def test_the_live_figures_use_it():
    """live-figures.js draws with viridis and the build's bar colour, not the explainer's orange."""
    src = (REPO_ROOT / "web" / "src" / "live-figures.js").read_text()
    assert "viridis(" in src and "BAR" in src
    assert "sequential(" not in src
