"""The article's "try it" links open the explainer in the state they name, the math font loads,
and the first layout finds its fonts preloaded, in both languages (issue 11, §6 and §8; #19).
A real site of a tiny random model, served."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from browser import chromium, served, watch_errors

pytestmark = pytest.mark.browser
READY = 90_000
# web/src/gen/url-state.js: SAMPLING_DEFAULTS and the 1-based pickers, as they appear in a URL
DEFAULTS = {"mode": "topk", "temp": "1", "k": "40", "p": "0.9", "seed": "42", "layer": "1", "head": "1", "stage": "1"}


@pytest.fixture(scope="module")
def site(shared_site):
    out, manifest, _ = shared_site
    return out, manifest


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_first_layout_uses_exactly_the_preloaded_fonts_and_formulas_the_math_font(site, lang):
    """Every Pretendard file the static page's first layout asks for was preloaded (a file it
    asked for itself would come from the stylesheet, initiator 'css'), and every preloaded one
    is used (loaded faces = preloads). Scripts are blocked: the page as laid out before any runs
    (fonts and formulas need none)."""
    out, _ = site
    with served(out) as base, chromium() as ctx:
        page = ctx.new_page()
        page.set_viewport_size({"width": 1280, "height": 800})
        page.route("**/*.js", lambda route: route.abort())
        page.goto(f"{base}{lang}/index.html")
        page.evaluate("document.fonts.ready")
        preloads = page.eval_on_selector_all("link[rel=preload][as=font]", "ls => ls.map(l => l.href)")
        assert preloads and all("/fonts/pretendard-" in h for h in preloads)
        fetched = page.evaluate(
            """() => performance.getEntriesByType('resource').filter(e => e.name.includes('/fonts/pretendard-'))
                .map(e => [e.name, e.initiatorType])"""
        )
        assert sorted(fetched) == sorted([h, "link"] for h in preloads)
        used = page.evaluate(
            "[...document.fonts].filter(f => f.family.includes('Pretendard') && f.status === 'loaded').length"
        )
        assert used == len(preloads)

        # the formulas: Noto Sans Math loads once one is shown, and MathML's font list starts with it
        page.locator(".math-display math").first.scroll_into_view_if_needed()
        page.evaluate("document.fonts.ready")
        page.wait_for_function(
            """() => [...document.fonts].some(f => f.family.replace(/"/g, '') === 'Noto Sans Math'
                                   && f.status === 'loaded')""",
            timeout=20_000,
        )
        family = page.eval_on_selector("math", "m => getComputedStyle(m).fontFamily")
        assert family.startswith('"Noto Sans Math"')
        assert page.evaluate("document.fonts.check('16px \"Noto Sans Math\"', '∑√∞')")


def _try_it_links(out) -> dict[str, list[str]]:
    """{href: the languages whose page has it}, read from the built pages."""
    links: dict[str, list[str]] = {}
    for lang in ("en", "ko"):
        html = (out / lang / "index.html").read_text(encoding="utf-8")
        hrefs = [unescape(h) for h in re.findall(r'<a class="try-it" href="([^"]*)"', html)]
        assert len(hrefs) >= 5, (lang, hrefs)
        for href in hrefs:
            if lang not in links.setdefault(href, []):
                links[href].append(lang)
    return links


def test_every_try_it_link_restores_its_state(site):
    """Each distinct link, opened once: in one of the languages whose page has it, alternating
    (the state a query names does not depend on the page's language)."""
    out, manifest = site
    links = _try_it_links(out)
    problems: list = []
    with served(out) as base, chromium() as ctx:
        page = ctx.new_page()
        watch_errors(page, problems)
        opened = [(href, langs[i % len(langs)]) for i, (href, langs) in enumerate(links.items())]
        assert {lang for _, lang in opened} == {"en", "ko"}
        for href, lang in opened:
            assert href.startswith("index.html?") and href.endswith("#explainer")  # relative, same page
            want = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
            page.goto(f"{base}{lang}/{href}")
            page.wait_for_selector('#top-tokens[data-status="ready"]', timeout=READY)
            if "prompt" in want:
                assert page.input_value("#prompt") == want["prompt"], href
            if "temp" in want:
                assert float(page.text_content("#temperature-value")) == pytest.approx(float(want["temp"]), abs=0.01)
            if "mode" in want:
                assert page.is_checked(f"#mode-{want['mode']}"), href
            if "p" in want:
                assert float(page.text_content("#top-p-value")) == pytest.approx(float(want["p"]), abs=0.01)
            if "stage" in want:
                assert page.get_attribute("#tab-attention", "aria-selected") == "true", href
                # the link lands on the stage views, not on the explainer's top a screen above them
                top = page.eval_on_selector("#explorer", "e => e.getBoundingClientRect().top")
                assert 0 <= top < page.viewport_size["height"] / 2, (href, top)
            # the page writes its state back into the URL (defaults left out): the link's state survives
            now = page.evaluate("Object.fromEntries(new URLSearchParams(location.search))")
            defaults = {**DEFAULTS, "prompt": manifest["examples"][manifest["default_example"]["en"]]["prompt"]}
            for k, v in want.items():
                if defaults.get(k) == v:
                    assert k not in now
                    continue
                assert k in now and (now[k] == v or float(now[k]) == pytest.approx(float(v))), (href, k, now)
    assert not problems, problems
