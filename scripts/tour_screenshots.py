"""Screenshots of the guided tour on a phone, steps 1-16 (docs/screenshots/tour-phone-en-NN.png).

    make site && .venv/bin/python scripts/tour_screenshots.py [LANG] [OUT_DIR]

Headless Debian chromium through the browser tests' helpers (tests/browser.py), 375 x 667 CSS
px at scale 1 (small PNGs), reduced motion so each step's scroll has ended when it is taken.
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from browser import chromium, served  # noqa: E402

SITE = REPO / "site"
LANG = sys.argv[1] if len(sys.argv) > 1 else "en"
OUT = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "docs" / "screenshots"
OUT.mkdir(parents=True, exist_ok=True)

with served(SITE) as base, chromium(reduced_motion="reduce") as ctx:
    page = ctx.new_page()
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(f"{base}{LANG}/index.html")
    page.wait_for_selector("#explorer[data-trace='live']", timeout=180_000)
    page.wait_for_selector("#overview .ov-logit", timeout=60_000)
    page.click("#tour-start")
    for step in range(16):
        page.wait_for_selector(f"#tour[data-step='{step}']:not([hidden])")
        page.evaluate("document.activeElement.blur()")  # no focus ring in the picture
        page.wait_for_timeout(700)  # the step's numbers and the views it opens settle
        page.screenshot(path=str(OUT / f"tour-phone-{LANG}-{step + 1:02d}.png"))
        if step < 15:
            page.click("#tour-next")
    print(f"16 steps -> {OUT}")
