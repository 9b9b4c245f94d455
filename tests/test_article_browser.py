"""The article in headless Chromium, opened from file:// (no server), with JavaScript off and on."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import shared_browser
from txbuild.article import render_pages
from txbuild.article.demo import demo_context

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("article-browser") / "site"
    render_pages(demo_context(out))  # real Pretendard if web/node_modules is there, else system fonts
    return out


@pytest.fixture(scope="module")
def browser():
    return shared_browser()  # fails, as everywhere, when Chromium is missing


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("width", [1280, 390])
def test_reads_from_file_without_javascript(site, browser, lang, width):
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 900})
    page = ctx.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((site / lang / "index.html").as_uri())
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").is_visible()
    assert page.locator("section.chapter > h2").count() >= 8
    math = page.locator("math").first
    math.scroll_into_view_if_needed()
    assert math.is_visible()
    box = page.locator(".math-display math").first.bounding_box()
    assert box and box["height"] > 15 and box["width"] > 40  # laid out as MathML, not as raw text
    fig = page.locator("figure[data-viz] svg").first
    fig.scroll_into_view_if_needed()
    assert fig.is_visible() and page.locator("figure[data-viz] svg").count() >= 10
    noscript = page.locator("#explainer .explainer-message").first
    noscript.scroll_into_view_if_needed()
    assert noscript.is_visible() and "JavaScript" in noscript.inner_text() or "자바스크립트" in noscript.inner_text()
    assert not page.locator(".file-warning").is_visible()  # hidden until the inline script runs
    # Nothing sideways-scrolls the page itself on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, overflow
    assert all(u.startswith("file://") or u.startswith("data:") for u in requests), requests
    ctx.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_file_warning_and_language_switch_with_javascript(site, browser, lang):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / lang / "index.html").as_uri())
    warning = page.locator(".file-warning")
    warning.scroll_into_view_if_needed()
    assert warning.is_visible() and "txbuild serve" in warning.inner_text()
    # Scroll to a section, switch language: the other page opens at the same section.
    page.evaluate("document.fonts.ready.then(() => true)")
    page.goto((site / lang / "index.html").as_uri() + "#attention")
    # Wait until #attention is the reading position the switch carries over (the inline
    # script's rule: the last mark above the reading line), with the fonts laid out.
    page.wait_for_function("""() => {
      if (document.fonts.status !== 'loaded') return false;
      const line = Math.min(innerHeight * 0.3, 200);
      const marks = [...document.querySelectorAll('#article section[id], #article h3[id], #article figure[id], #explainer')];
      const above = marks.filter((m) => m.getBoundingClientRect().top <= line);
      return above.length > 0 && above[above.length - 1].id === 'attention';
    }""")
    other = "ko" if lang == "en" else "en"
    # (A script click: Playwright's own click scrolls even a sticky element "into view" first.)
    with page.expect_navigation():
        page.evaluate("document.querySelector('.site-header a[data-switch-lang]').click()")
    assert page.url.endswith(f"/{other}/index.html#attention"), page.url
    assert errors == []
    ctx.close()


def test_chooser_picks_the_browser_language(site, browser):
    for locale, lang in (("ko-KR", "ko"), ("en-US", "en"), ("fr-FR", "en")):
        ctx = browser.new_context(locale=locale)
        page = ctx.new_page()
        page.goto((site / "index.html").as_uri())
        page.wait_for_url(f"**/{lang}/index.html")
        ctx.close()
    ctx = browser.new_context(java_script_enabled=False, locale="ko-KR")
    page = ctx.new_page()
    page.goto((site / "index.html").as_uri())
    assert page.url.endswith("/index.html") and "/ko/" not in page.url
    assert page.locator("a[hreflang=ko]").is_visible() and page.locator("a[hreflang=en]").is_visible()
    ctx.close()
