"""A figure keeps its colours when it goes live: the live attention figure paints the build-time
viridis (common.sequential) for the model's weights, the live probability bars take the
build-time bar colour, in light and in dark mode."""

from __future__ import annotations

import numpy as np
import pytest

from browser import chromium, open_live, served
from txbuild.article.viz import common, probs

pytestmark = pytest.mark.browser

PROMPT = "The cat sat on the mat, and"

CANVAS_COLOURS = """(c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const seen = new Set();
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] === 255) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  return [...seen];
}"""


def _rgb(c: str) -> np.ndarray:
    return np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_live_figures_keep_the_build_time_colours(shared_site, scheme):
    site_dir, _, _ = shared_site
    problems = []
    with served(site_dir) as base, chromium(color_scheme=scheme) as ctx:
        page = open_live(ctx, f"{base}en/index.html", problems)
        page.fill("#prompt", PROMPT)
        page.click("#predict")
        for f in ("probs", "attention"):
            page.wait_for_selector(f"#fig-{f}[data-live='shown']", timeout=90_000)

        fig = page.locator("#fig-attention .txb-livefig figure[data-name='attn_probs']")
        n = int(fig.get_attribute("data-rows"))
        values = np.array([float(x) for x in fig.get_attribute("data-values").split(",")]).reshape(n, n)
        painted = np.array(
            [[(c >> 16) & 255, (c >> 8) & 255, c & 255] for c in fig.locator("canvas").evaluate(CANVAS_COLOURS)]
        )
        for i in range(n):
            for j in range(i + 1):
                want = _rgb(common.sequential(values[i, j]))
                assert np.abs(painted - want).max(axis=1).min() <= 1, (scheme, i, j, values[i, j])

        # the bars: the build-time figure's colour, in its SVG and in the live list
        assert f'fill="{probs.BAR}"' in page.inner_html("#fig-probs > .viz")
        fill = page.locator("#fig-probs .txb-livefig .txb-row-fill").first.evaluate(
            "(e) => getComputedStyle(e).backgroundColor"
        )
        assert fill == "rgb({}, {}, {})".format(*_rgb(probs.BAR)), fill
    assert not problems, problems
