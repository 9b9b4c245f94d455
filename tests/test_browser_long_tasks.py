"""Issue 19's "never freeze", the parts a test can check without a clock: the article's chapters
are laid out only near the viewport (content-visibility), and the page does not lay them out
itself (its scroll-box scan waits until a chapter is rendered; until then each box of it is a
Tab stop, axe's scrollable-region-focusable holds); a run redraws only the stage in
view (tests/test_browser_page_state.py). The longest task itself is measured by
scripts/bench_browser.py --first-prediction (docs/benchmarks.md), not here."""

from __future__ import annotations

import pytest

from browser import chromium, open_live, served

pytestmark = pytest.mark.browser

# (a chapter itself is rendered; what content-visibility skips is its content)
SKIPPED = "sel => !document.querySelector(sel).checkVisibility({ contentVisibilityAuto: true })"


def test_a_chapter_is_laid_out_near_the_viewport_and_its_scroll_boxes_become_tab_stops(shared_site):
    site_dir, _, _ = shared_site
    problems: list = []
    with served(site_dir) as base, chromium() as ctx:
        page = open_live(ctx, f"{base}en/index.html", problems, size=(375, 740))
        # a figure wider than a phone, in a chapter far below: not rendered, so not measured; a
        # Tab stop until it is ("?")
        assert page.evaluate(SKIPPED, "#architecture h2")
        box = "#fig-architecture .viz"
        assert page.get_attribute(box, "data-txb-scroll") == "?" and page.get_attribute(box, "tabindex") == "0"
        page.locator("#architecture h2").scroll_into_view_if_needed()
        page.wait_for_selector(f"{box}[data-txb-scroll='1'][tabindex='0']", timeout=10_000)  # measured: it scrolls
        assert not page.evaluate(SKIPPED, "#architecture h2")
        assert page.evaluate(
            "sel => document.querySelector(sel).scrollWidth > document.querySelector(sel).clientWidth", box
        )
        # wide enough for it: no longer a Tab stop
        page.set_viewport_size({"width": 1280, "height": 900})
        page.wait_for_selector(f"{box}:not([tabindex]):not([data-txb-scroll])", timeout=10_000)
    assert not problems, problems


@pytest.mark.parametrize("size", [(1280, 900), (375, 740)], ids=["1280", "375"])
def test_a_jump_to_a_late_chapter_lands_on_it(shared_site, size):
    """Chapters above an anchor are laid out before the jump (templates/static/page.js): at
    their estimated heights the contents' link to a late chapter landed a screen away from it."""
    site_dir, _, _ = shared_site
    problems: list = []
    with served(site_dir) as base, chromium(reduced_motion="reduce") as ctx:
        page = open_live(ctx, f"{base}en/index.html", problems, size=size)
        # where a jump puts a section: the page's scroll-padding below the top (under the header)
        margin = page.evaluate("parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop)")
        for target in ("#training", "#attention"):
            page.click(f".toc a[href='{target}']")
            top = page.evaluate(f"document.querySelector('{target}').getBoundingClientRect().top")
            assert abs(top - margin) <= 2, (target, top, margin)
        # and a link from outside: the page opened at an anchor
        page.goto(f"{base}en/index.html#output")
        page.wait_for_load_state("load")
        top = page.evaluate("document.querySelector('#output').getBoundingClientRect().top")
        assert abs(top - margin) <= 2, ("#output on load", top, margin)
    assert not problems, problems
