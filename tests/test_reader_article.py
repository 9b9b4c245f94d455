"""The article where a phone reader met hidden content (issue 22, item 14): a display formula of
parts separated by \\qquad becomes one formula per part (they wrap on a narrow screen instead
of scrolling the mask's definition out of view), and the heads figure keeps every head inside a
phone's text column."""

from __future__ import annotations

import re

import markdown
import numpy as np

from txbuild.article.mathext import MathExtension, split_qquad


def test_qquad_splits_a_display_formula_into_parts_outside_braces_only():
    assert split_qquad(r"a = 1, \qquad M_{ij} = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases}") == [
        "a = 1,",
        r"M_{ij} = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases}",
    ]
    assert split_qquad(r"\text{a \qquad b}") == [r"\text{a \qquad b}"]  # inside braces: one part
    assert split_qquad(r"a \qquadx") == [r"a \qquadx"]  # another command, not \qquad
    assert split_qquad("x + y") == ["x + y"]


def test_the_attention_formula_renders_as_two_formulas_in_one_block():
    md = markdown.Markdown(extensions=[MathExtension()])
    html = md.convert("$$\nA = B,\n\\qquad\nM_{ij} = 0\n$$\n\n$$x = y$$\n")
    blocks = re.findall(r'<div class="(math-display[^"]*)">(.*?)</div>', html, re.S)
    assert [cls for cls, _ in blocks] == ["math-display math-split", "math-display"]
    assert blocks[0][1].count("<math") == 2 and "<mi>M</mi>" in blocks[0][1].split("</math>")[1]
    assert blocks[1][1].count("<math") == 1


def test_the_heads_figure_fits_a_phone_text_column():
    from txbuild.article.viz.attention import draw_heads

    class D:  # the fields of VizData that draw_heads reads
        trace = {"attn_probs": [np.full((12, 9, 9), 1 / 9)]}
        model = {"n_layer": 1, "n_head": 12}
        tokens = ["t"] * 9
        facts: dict = {}

        def s(self, key, **kw):
            return key

    drawing = draw_heads(D(), {"layer": 1, "head": 1})
    # 375 px screen, 16 px margins: 343 px of text column; every one of 12 heads drawn
    assert drawing.width <= 343
    assert drawing.body.count("fig_heads_label") == 12
