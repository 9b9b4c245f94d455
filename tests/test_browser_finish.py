"""The finished interface (issue 10 §5 and the keyboard test), in headless Chromium.

axe-core (npm, pinned in web/package.json) checks colour contrast on every stage, the
sampling panel, generation, the KV view and the logit lens, in the light and the dark colour
scheme. Tab from the top of the page reaches every control of the explainer in DOM order,
each with a visible focus ring, and leaves it again (nothing traps or drops the focus). The
generated text reads as text, the token count follows generation, and a long chip row collapses.
"""

from __future__ import annotations

import pytest

from browser import chromium, drop_chapters, served, watch_errors
from txbuild import REPO_ROOT

pytestmark = pytest.mark.browser

AXE = REPO_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
STAGES = ["tokens", "embedding", "blocks", "qkv", "attention", "attn_output", "mlp", "norm", "output"]


@pytest.fixture(scope="module")
def site(shared_site):
    return shared_site


def browser_context(**kw):
    # the pages' CSP admits scripts from the site only; axe is injected by the test. Motion
    # reduced: scrolls are instant and panels need not fade in (the colours are the same, the
    # contrast check waited for every animation to end)
    return chromium(bypass_csp=True, reduced_motion="reduce", **kw)


def ready(ctx, url, problems, size=(1280, 900)):
    page = ctx.new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    watch_errors(page, problems)
    page.goto(url)
    page.wait_for_selector("#explorer[data-trace='live']", timeout=90_000)
    page.wait_for_selector('#top-tokens[data-status="ready"]', timeout=90_000)
    return page


def contrast(page):
    """axe's colour-contrast violations inside the explainer, as 'selector: message' lines,
    once every running animation has finished: the colours that stay, not a fade's midpoint."""
    res = page.evaluate("""async () => {
        await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
        const r = await axe.run(document.querySelector('#explainer'), {runOnly: ['color-contrast'], resultTypes: ['violations']});
        return r.violations.flatMap(v => v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary.split('\\n').slice(1).join(' ')));
    }""")
    return res


@pytest.mark.parametrize("lang,schemes", [("en", ("dark", "light")), ("ko", ("dark",))], ids=["en", "ko"])
def test_colour_contrast_on_every_view(site, lang, schemes):
    """One page per language; at each view every scheme in turn (page.emulate_media, no reload)."""
    site_dir, manifest, _ = site
    problems = []
    with served(site_dir) as base, browser_context(color_scheme=schemes[0]) as ctx:
        page = ready(ctx, f"{base}{lang}/index.html?variant=fp32", problems)
        page.wait_for_selector('#lens-table[data-status="ready"]', timeout=90_000)
        page.add_script_tag(path=str(AXE))
        drop_chapters(page)  # only the explainer is checked, ten times in each scheme
        bad = {}

        def check():
            for scheme in schemes:
                page.emulate_media(color_scheme=scheme)
                assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
                bad.setdefault(f"{lang}-{scheme}", []).extend(contrast(page))

        for st in STAGES:
            page.click(f"#tab-{st}")
            page.wait_for_selector(f"#stage-{st}:not([hidden])")
            # a hovered cell (the readout and the live numbers) is part of what must read
            canvas = page.locator(f"#stage-{st} canvas[tabindex='0']")
            if canvas.count():
                canvas.first.focus()
            check()
        # attention mid-step
        page.click("#tab-attention")
        page.click("#attn-step-next")
        page.click("#attn-step-next")
        check()
        # one line per distinct failure (the same element fails on every stage it is shown on)
        lines = sorted({f"{setup}: {v}" for setup, vs in bad.items() for v in vs})
        assert not lines, "\n".join(lines)
    assert not problems, problems


# a control's name: its id, else the nearest id above it and its place there
KEY = """const keyOf = (e) => { if (e.id) return e.id; const up = e.parentElement.closest('[id]') || document.body;
    const all = [...up.querySelectorAll(e.tagName)]; return `${up.id || 'body'}>${e.tagName.toLowerCase()}${all.indexOf(e)}`; };"""

FOCUSABLE = (
    KEY
    + """return [...document.querySelectorAll('.txb-app button, .txb-app select, .txb-app input, .txb-app textarea, .txb-app [tabindex], .txb-app a[href], .txb-app summary')]
    .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0 && !e.closest('[hidden], [inert]')
                 && getComputedStyle(e).visibility !== 'hidden')
    .filter(e => !(e.type === 'radio' && !e.checked && document.querySelector(`input[type=radio][name="${e.name}"]:checked`)))
    .map(keyOf)"""
)

FOCUSED = (
    KEY
    + """const e = document.activeElement; if (!e || e === document.body) return null;
    const s = getComputedStyle(e);
    return {key: keyOf(e), inApp: !!e.closest('.txb-app'), ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
            scroller: ['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth};"""
)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_tab_reaches_every_control_in_order(site, lang):
    site_dir, manifest, _ = site
    problems = []
    with served(site_dir) as base, browser_context() as ctx:
        # the attention stage: the step control, pickers, matrices and heads all take part
        page = ready(ctx, f"{base}{lang}/index.html?variant=fp32&stage=5", problems)
        page.wait_for_selector('#lens-table[data-status="ready"]', timeout=90_000)
        page.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")
        want = page.evaluate(f"() => {{ {FOCUSABLE} }}")
        for key in (
            "prompt",
            "predict",
            "tab-attention",
            "stage-next",
            "attn-step-play",
            "attn-step-mode",
            "attn-scale",
            "gen-next",
            "gen-n",
            "gen-run",
            "kv-measure",
        ):
            assert key in want, (key, want)
        got, before_prompt, left, scrollers = [], 0, False, set()
        for _ in range(len(want) + 200):
            page.keyboard.press("Tab")
            f = page.evaluate(f"() => {{ {FOCUSED} }}")
            if f is None:
                if got:
                    left = True  # past the page's last control
                    break
                continue
            if not f["inApp"]:
                if got:
                    left = True  # out of the explainer at its end
                    break
                before_prompt += 1
                continue
            assert f["ring"], f"no visible focus ring on {f['key']}"
            assert f["key"] not in got, f"focus came back to {f['key']} (stuck)"
            got.append(f["key"])
            if f["scroller"]:
                scrollers.add(f["key"])  # Chromium makes a wide scroll box a stop of its own (to scroll it by keys)
        assert left, "Tab never left the explainer"
        # a box that overflows is a stop (Chromium's own, or the tabindex scrollers.js gives it)
        assert [k for k in got if k not in scrollers] == [k for k in want if k not in scrollers]
        print(
            f"{lang}: {before_prompt} Tab stops before the explainer, {len(got)} inside, up to #prompt {got.index('prompt') + 1 + before_prompt}"
        )
    assert not problems, problems


def test_generated_text_reads_as_text_and_the_count_follows(site):
    site_dir, manifest, tok = site
    problems = []
    with served(site_dir) as base, browser_context() as ctx:
        page = ready(ctx, f"{base}en/index.html?variant=fp32&mode=greedy&prompt=The%20quick%20brown%20fox", problems)
        n0 = len(page.get_attribute("#top-tokens", "data-ids").split(","))
        page.fill("#gen-n", "5")
        page.click("#gen-run")
        page.wait_for_function(
            "() => document.querySelector('#gen-text').dataset.ids.split(',').filter(Boolean).length === 5 && "
            "document.querySelector('#gen-controls').dataset.running === 'false'",
            timeout=90_000,
        )
        ids = [int(x) for x in page.get_attribute("#gen-text", "data-ids").split(",")]
        assert page.text_content("#gen-text .txb-gen-tokens") == tok.decode(ids)  # the text, not visible-space marks
        assert page.get_attribute("#gen-text .txb-gen-tokens", "data-boundaries") == "false"
        page.check("#gen-boundaries")
        spans = page.eval_on_selector_all("#gen-text .txb-gen-tok", "els => els.map(e => e.textContent)")
        assert "".join(spans) == tok.decode(ids) and len(spans) == 5
        assert f"{n0 + 5} tokens" in page.text_content("#tokens-count")
        # a long prompt: its chips collapse behind a button
        page.fill("#prompt", " ".join(["a"] * 60))
        page.wait_for_selector("#tokens[data-collapsed='true']")
        hidden = page.eval_on_selector_all("#tokens > li", "els => els.filter(e => e.hidden).length")
        assert hidden > 0 and page.is_visible("#tokens-more")
        page.click("#tokens-more")
        page.wait_for_selector("#tokens[data-collapsed='false']")
        assert page.eval_on_selector_all("#tokens > li", "els => els.filter(e => e.hidden).length") == 0
    assert not problems, problems


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_phone_sticky_controls_stay_small(site, lang):
    """At 375 px, what stays on screen while reading the explainer is one row of at most 64 px,
    and a matrix wider than the screen says it scrolls."""
    site_dir, manifest, _ = site
    problems = []
    with served(site_dir) as base, browser_context() as ctx:
        page = ready(ctx, f"{base}{lang}/index.html?variant=fp32&stage=2", problems, size=(375, 740))
        # scrolled into the stage (again on each poll, in case the page above it grows)
        page.wait_for_function("""() => { const y = document.querySelector('#stage-embedding').getBoundingClientRect().top;
            scrollBy(0, y - 40); return Math.abs(document.querySelector('#explorer .txb-stages').getBoundingClientRect().top) < 2; }""")
        stuck = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
            const s = getComputedStyle(e); if (!['sticky', 'fixed'].includes(s.position)) return false;
            const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < 2 && r.height > 0; })
            .map(e => e.getBoundingClientRect().height)""")
        assert stuck and sum(stuck) <= 64, stuck
        frames = page.eval_on_selector_all("#stage-embedding .txb-scroll-frame", "els => els.map(e => e.dataset.more)")
        assert any("right" in (m or "") for m in frames), frames
    assert not problems, problems
