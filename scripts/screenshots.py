"""Retake the README's screenshots (docs/screenshots/) from a built site/.

    make site && .venv/bin/python scripts/screenshots.py [--site site] [--out docs/screenshots]

Headless Debian chromium through the browser tests' helpers (tests/browser.py). Element
shots are cut from a full-page capture at scroll 0, so the sticky bars sit in place.
"""

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from browser import chromium, served  # noqa: E402

OUT = REPO / "docs" / "screenshots"  # set by main()
DESK, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def live(ctx, base, lang, size, query=""):
    page = ctx.new_page()
    page.set_viewport_size(size)
    page.goto(f"{base}{lang}/index.html{query}")
    page.wait_for_selector("#explorer[data-trace='live']", timeout=180_000)
    return page


def shot(page, selector, path):
    """An element, from a full-page capture at scroll 0, so sticky bars sit where they belong."""
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    box = page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; }""",
        selector,
    )
    page.screenshot(path=str(path), full_page=True, clip=box)


def mid_step(page, n=4):
    """Attention walked to step n (1-based) of the step control."""
    stage(page, "attention")
    for _ in range(n):
        page.click("#attn-step-next")
    page.wait_for_timeout(400)


def stage(page, st):
    page.click(f"#tab-{st}")
    page.wait_for_selector(f"#stage-{st}:not([hidden])")
    page.wait_for_timeout(400)


# i10: the first screen (what this is, the prompt and its prediction, the overview), the
# overview alone and a tour step, in the sizes the issue names
FIRST_DESK, FIRST_PHONE = {"width": 1280, "height": 800}, {"width": 375, "height": 740}


def ready(page):
    page.wait_for_selector("#overview .ov-logit", timeout=60_000)
    page.wait_for_timeout(600)


def take(site: Path) -> None:
    with served(site) as base:
        with chromium() as ctx:
            p = live(ctx, base, "en", DESK)
            for st in ("mlp", "output"):
                stage(p, st)
                shot(p, "#explorer", str(OUT / f"explainer-{st}-en.png"))
            mid_step(p)
            shot(p, "#explorer", str(OUT / "explainer-attention-en.png"))
            # generation with top-k sampling
            p.click("#tab-tokens")
            p.locator("#gen-n").fill("16")
            p.click("#gen-run")
            p.wait_for_selector("#gen-controls[data-running='false'] #gen-text[data-ids]", timeout=120_000)
            p.wait_for_timeout(800)
            shot(p, ".txb-gen-section", str(OUT / "generation-sampling-en.png"))
            p.close()
            p = live(ctx, base, "ko", DESK)
            p.locator("#prompt").fill("안녕하세요, 좋은 아침입니다 my friend")
            p.wait_for_selector("#explorer[data-trace='live']", timeout=60_000)
            p.wait_for_timeout(2500)
            stage(p, "tokens")
            p.evaluate("window.scrollTo(0, 0)")
            p.wait_for_timeout(300)
            box = p.evaluate("""() => { const a = document.querySelector('section#explainer').getBoundingClientRect();
                const b = document.querySelector('#explorer').getBoundingClientRect();
                return {x: a.left + scrollX, y: a.top + scrollY, width: a.width, height: b.bottom - a.top}; }""")
            p.screenshot(path=str(OUT / "explainer-tokens-ko.png"), full_page=True, clip=box)
            p.close()
            p = live(ctx, base, "ko", PHONE)
            p.locator("#prompt").fill("안녕하세요, 좋은 아침")  # Korean byte tokens labelled by their syllable
            p.wait_for_selector("#explorer[data-trace='live']", timeout=60_000)
            p.wait_for_timeout(2500)
            mid_step(p, 2)
            shot(p, "#explorer", str(OUT / "explainer-attention-ko-phone.png"))
            p.locator("#gen-n").fill("12")
            p.click("#gen-run")
            p.wait_for_selector("#gen-controls[data-running='false'] #gen-text[data-ids]", timeout=120_000)
            p.wait_for_timeout(800)
            shot(p, ".txb-gen-section", str(OUT / "generation-ko-phone.png"))
            p.close()
            for lang, size, name in (("ko", DESK, "article-ko-desktop"), ("en", PHONE, "article-en-phone")):
                p = live(ctx, base, lang, size)
                p.evaluate("window.scrollTo(0, 0)")
                p.wait_for_timeout(300)
                p.screenshot(path=str(OUT / f"{name}.png"))
                p.close()
        with chromium(java_script=False) as ctx:
            for lang, size, name in (("en", DESK, "article-en-desktop-nojs"), ("ko", PHONE, "article-ko-phone-nojs")):
                p = ctx.new_page()
                p.set_viewport_size(size)
                p.goto((site / lang / "index.html").as_uri())
                p.wait_for_timeout(500)
                p.screenshot(path=str(OUT / f"{name}.png"))
                p.close()

    with served(site) as base, chromium() as ctx:
        for lang in ("en", "ko"):
            for size, kind in ((FIRST_DESK, "desktop"), (FIRST_PHONE, "phone")):
                p = live(ctx, base, lang, size)
                ready(p)
                p.evaluate("window.scrollTo(0, 0)")
                p.screenshot(path=str(OUT / f"first-screen-{lang}-{kind}.png"))
                p.close()
        p = live(ctx, base, "en", DESK)
        ready(p)
        shot(p, "#overview", OUT / "overview-en.png")
        p.close()
        for lang, size, step, name in (
            ("en", FIRST_DESK, 7, "tour-step-en"),
            ("ko", FIRST_PHONE, 10, "tour-step-ko-phone"),
        ):
            p = live(ctx, base, lang, size, f"?tour={step}")
            ready(p)
            p.wait_for_timeout(900)
            p.screenshot(path=str(OUT / f"{name}.png"))
            p.close()
    # dark mode (the reader's colour scheme)
    with served(site) as base, chromium(color_scheme="dark") as ctx:
        p = live(ctx, base, "en", DESK)
        mid_step(p, 3)
        shot(p, "#explorer", str(OUT / "explainer-attention-en-dark.png"))
        p.wait_for_selector('#lens-table[data-status="ready"]', timeout=120_000)
        p.wait_for_timeout(500)
        shot(p, ".txb-gen-section", str(OUT / "generation-en-dark.png"))
        p.close()
        p = live(ctx, base, "ko", PHONE)
        stage(p, "output")
        shot(p, "#explorer", str(OUT / "explainer-output-ko-phone-dark.png"))


def main() -> None:
    global OUT
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=REPO / "site", help="a built site (default: site/)")
    ap.add_argument("--out", type=Path, default=OUT, help="where the PNGs go (default: docs/screenshots/)")
    args = ap.parse_args()
    if not (args.site / "index.html").exists():
        ap.error(f"{args.site} is not a built site (no index.html): run make site first")
    OUT = args.out
    OUT.mkdir(parents=True, exist_ok=True)
    take(args.site)
    print("ok", sorted(x.name for x in OUT.iterdir()))


if __name__ == "__main__":
    main()
