"""Screenshots of the guided tour on a phone, steps 1-16 (docs/screenshots/tour-phone-LANG-NN.png).

    make site && .venv/bin/python scripts/tour_screenshots.py [--lang en] [--site site] [--out DIR]

Headless Debian chromium through the browser tests' helpers (tests/browser.py), 375 x 667 CSS
px at scale 1 (small PNGs), reduced motion so each step's scroll has ended when it is taken.
"""

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STEPS = 16


def shoot(site: Path, lang: str, out: Path) -> None:
    sys.path.insert(0, str(REPO / "tests"))
    from browser import chromium, served

    out.mkdir(parents=True, exist_ok=True)
    with served(site) as base, chromium(reduced_motion="reduce") as ctx:
        page = ctx.new_page()
        page.set_viewport_size({"width": 375, "height": 667})
        page.goto(f"{base}{lang}/index.html")
        page.wait_for_selector("#explorer[data-trace='live']", timeout=180_000)
        page.wait_for_selector("#overview .ov-logit", timeout=60_000)
        page.click("#tour-start")
        for step in range(STEPS):
            page.wait_for_selector(f"#tour[data-step='{step}']:not([hidden])")
            page.evaluate("document.activeElement.blur()")  # no focus ring in the picture
            page.wait_for_timeout(700)  # the step's numbers and the views it opens settle
            page.screenshot(path=str(out / f"tour-phone-{lang}-{step + 1:02d}.png"))
            if step < STEPS - 1:
                page.click("#tour-next")
    print(f"{STEPS} steps -> {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", choices=("en", "ko"), default="en", help="the page's language (default: en)")
    ap.add_argument("--site", type=Path, default=REPO / "site", help="a built site (default: site/)")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots", help="where the PNGs go")
    args = ap.parse_args()
    if not (args.site / args.lang / "index.html").is_file():
        ap.error(f"{args.site} is not a built site (no {args.lang}/index.html): run make site first")
    shoot(args.site, args.lang, args.out)


if __name__ == "__main__":
    main()
