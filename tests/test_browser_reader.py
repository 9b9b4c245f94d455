"""What a reader meets in the explainer and the tour (issue 22, items 1-9 and 14), in headless
Chromium on the shared site.

- The phone tour: every step's part is inside the room between the top of the window and the
  sheet, ←/→ work as soon as the tour opens, the start button does not offer to resume the tour
  that is open, and no `{placeholder}` reaches the sheet or the page (both languages).
- axe: no serious or critical violation on any tour step (the 16 steps set every stage), light
  and dark (every rule in one, the colour rules in the other, alternating), en and ko, 1280 and
  375 px; every id on the page is unique at every step.
- One page per language for the rest: an empty prompt, a long prompt (the last max_tokens kept,
  the beginning greyed), the URL after an overview click, the Tokens part scrolling to its
  stage, formulas that fit the side panel, Hangul in monospace labels drawn by Pretendard (this
  machine has no CJK font), the Korean note on the English prompt, the cache speed-up's range.
"""

from __future__ import annotations

import json
import re

import pytest

from browser import STRINGS, chromium, drop_chapters, served, watch_errors
from txbuild import REPO_ROOT
from txbuild.sources import encode

pytestmark = pytest.mark.browser

AXE = REPO_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESK = (375, 740), (1280, 900)
PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}")


@pytest.fixture(scope="module")
def site(shared_site):
    return shared_site


def open_page(ctx, url, problems, size):
    page = ctx.new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    watch_errors(page, problems)
    page.goto(url)
    page.wait_for_selector("#explorer[data-trace='live']", timeout=90_000)
    page.wait_for_selector("#overview .ov-logit", timeout=60_000)
    return page


# the part a step points at: its `look` panel, else the first part the overview highlights;
# the room: below a sticky header (if any) and above the sheet
IN_VIEW = """() => { const s = document.getElementById('tour');
    const el = (s.dataset.look && document.querySelector(s.dataset.look)) || document.querySelector('.ov-part.ov-hl, .ov-block.ov-hl');
    if (!el) return 'nothing highlighted';
    const h = document.querySelector('.site-header');
    const top = h && getComputedStyle(h).position !== 'static' ? h.getBoundingClientRect().bottom : 0;
    const bottom = innerHeight - s.getBoundingClientRect().height;
    const r = el.getBoundingClientRect();
    const fits = r.height <= bottom - top;
    const ok = fits ? r.top >= top - 1 && r.bottom <= bottom + 1 : r.top >= top - 1 && r.top < bottom - 40;
    return ok ? 'ok' : `${s.dataset.id}: part ${Math.round(r.top)}..${Math.round(r.bottom)}, room ${Math.round(top)}..${Math.round(bottom)}`; }"""

DUPLICATE_IDS = """() => { const seen = new Map();
    for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) || 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} x${n}`); }"""


def in_view(page, step):
    try:
        page.wait_for_function(f"() => ({IN_VIEW})() === 'ok'", timeout=5_000)
    except Exception:
        raise AssertionError(f"step {step + 1}: {page.evaluate(IN_VIEW)}") from None


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_phone_tour_keeps_each_step_in_view_and_its_words_filled(site, lang):
    site_dir, manifest, _ = site
    problems: list = []
    s = STRINGS[lang]
    with served(site_dir) as base, chromium() as ctx:  # smooth scrolling, as most readers have it
        page = open_page(ctx, f"{base}{lang}/index.html", problems, PHONE)
        page.click("#tour-start")
        page.wait_for_selector("#tour[data-step='0']:not([hidden])")
        # the start button now closes the open tour, it does not offer to resume it
        assert page.text_content("#tour-start") == s["tour_close_label"]
        assert page.get_attribute("#tour-start", "aria-expanded") == "true"
        n = 0
        while True:
            step = int(page.get_attribute("#tour", "data-step"))
            assert step == n
            in_view(page, step)
            text = page.text_content("#tour")
            assert not PLACEHOLDER.search(text), f"step {step + 1}: {text}"
            body = page.evaluate("document.body.innerText")
            assert not PLACEHOLDER.findall(body), f"step {step + 1}: {PLACEHOLDER.findall(body)}"
            if page.text_content("#tour-next").strip() == s["tour_done"]:
                break
            # ← / → work from where the focus is (the sheet's heading when it opened)
            page.keyboard.press("ArrowRight")
            page.wait_for_selector(f"#tour[data-step='{step + 1}']")
            n += 1
        assert n + 1 == 16
        page.keyboard.press("ArrowLeft")
        page.wait_for_selector(f"#tour[data-step='{n - 1}']")
    assert not problems, problems


def axe_serious(page, context="document", rules=None):
    """axe's serious and critical violations in `context` (of `rules` only, if given), as
    'rule: target' lines, once every running animation has finished."""
    only = f"runOnly: {json.dumps(rules)}, " if rules else ""
    return page.evaluate(
        f"""async () => {{
        await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const r = await axe.run({context}, {{{only}resultTypes: ['violations']}});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .flatMap(v => v.nodes.map(n => v.id + ': ' + n.target.join(' ')));
    }}"""
    )


# (none: every serious rule passes; name any exception here with its reason)
AXE_EXCEPTIONS: dict[str, str] = {}
# the rules whose verdict depends on the colours: the only ones a colour scheme can change
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
SCHEMES = ("light", "dark")


@pytest.mark.parametrize("size", [DESK, PHONE], ids=["1280", "375"])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_axe_serious_is_zero_on_every_tour_step_and_ids_are_unique(site, lang, size):
    """One page per language and size. At every step, every rule in one colour scheme and the
    colour rules in the other (emulate_media, no reload): each scheme gets every check that
    can differ between them, at half the page loads and tour walks."""
    site_dir, manifest, _ = site
    problems: list = []
    bad: dict[str, list] = {}
    with served(site_dir) as base, chromium(bypass_csp=True, color_scheme="light", reduced_motion="reduce") as ctx:
        page = open_page(ctx, f"{base}{lang}/index.html", problems, size)
        page.add_script_tag(path=str(AXE))

        def check(where, context="document", first=0):
            for i, scheme in enumerate(SCHEMES[first:] + SCHEMES[:first]):
                page.emulate_media(color_scheme=scheme)
                assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
                found = axe_serious(page, context, None if i == 0 else COLOUR_RULES)
                bad.setdefault(f"{where} ({scheme})", []).extend(found)

        # the whole page once (the article too), then the explainer and the sheet at each step
        check("page")
        drop_chapters(page)
        page.click("#tour-start")
        stages = set()
        for step in range(16):
            page.wait_for_selector(f"#tour[data-step='{step}']:not([hidden])")
            stage = page.get_attribute("#tour", "data-stage")
            page.wait_for_selector(f"#explorer .txb-panel:nth-child({int(stage) + 1}):not([hidden])")
            stages.add(stage)
            # every rule in light on even steps and in dark on odd ones
            check(f"step {step + 1}", "{include: [['#explorer'], ['#overview'], ['#tour']]}", first=step % 2)
            assert page.evaluate(DUPLICATE_IDS) == [], f"step {step + 1}"
            if step < 15:
                page.click("#tour-next")
        assert len(stages) == 9  # the tour sets every stage
    lines = sorted({f"{where}: {v}" for where, vs in bad.items() for v in vs if v.split(":")[0] not in AXE_EXCEPTIONS})
    assert not lines, "\n".join(lines)
    assert not problems, problems


STAGES = ["tokens", "embedding", "blocks", "qkv", "attention", "attn_output", "mlp", "norm", "output"]


def test_reader_items_on_the_english_page(site):
    site_dir, manifest, tok = site
    s = STRINGS["en"]
    problems: list = []
    with served(site_dir) as base, chromium() as ctx:
        page = open_page(ctx, f"{base}en/index.html", problems, DESK)
        # 9: an overview click shows in the URL at once (no lag of one click), and the Tokens
        # part brings its stage up like every other part (smooth scrolling, as readers have it)
        for part, stage in (("ov-mlp-0", 6), ("ov-tokens", 0), ("ov-lnf", 7)):
            page.evaluate("window.scrollTo(0, 0)")
            page.click(f"#{part}")
            assert f"stage={stage + 1}" in page.evaluate("location.search") or (
                stage == 0 and "stage=" not in page.evaluate("location.search")
            ), (part, page.evaluate("location.search"))
            page.wait_for_function(
                "() => Math.abs(document.getElementById('explorer').getBoundingClientRect().top) < 120", timeout=5_000
            )
        # 7: each stage's formula fits the side panel (nothing cut at the right edge)
        for st in STAGES:
            page.click(f"#tab-{st}")
            page.wait_for_selector(f"#stage-{st}:not([hidden])")
            w = page.evaluate(
                "() => { const f = document.querySelector('.txb-formula'); return [f.scrollWidth, f.clientWidth]; }"
            )
            assert w[0] <= w[1], (st, w)
        # 7: the article's "Softmax and temperature" heading is the only #temperature
        assert page.evaluate("document.querySelectorAll('#temperature').length") <= 1
        assert page.evaluate("document.getElementById('sampling-temperature').type") == "range"
        # 9: the cache speed-up comes with the range of its runs
        page.click("#tab-attention")
        page.click("#kv-measure")
        page.wait_for_function(
            "() => document.getElementById('kv-timing')?.dataset.ratio && !document.getElementById('kv-measure').disabled",
            timeout=60_000,
        )
        ratio = page.text_content("#kv-ratio")
        lo, hi = (float(x) for x in re.search(r"from ([\d.]+)× to ([\d.]+)×", ratio).groups())
        x = float(re.search(r"([\d.]+)× faster", ratio).group(1))
        assert lo <= hi and ratio.startswith(s["kv_ratio_range"].split("{")[0]), ratio
        # the mean of the runs' ratios, weighted by their cached times, lies within their range
        assert lo - 0.05 <= x <= hi + 0.05, ratio
        # 8: a prompt longer than max_tokens keeps its last max_tokens, the beginning greyed
        words = " ".join(f"w{i}" for i in range(60))
        ids = encode(tok, words)
        M = manifest["max_tokens"]
        assert len(ids) > M
        page.fill("#prompt", words)
        want = ",".join(map(str, ids[-M:]))
        page.wait_for_selector(f"#explorer[data-trace='live'][data-ids='{want}']", timeout=60_000)
        assert page.is_visible("#tokens-dropped")
        dropped = page.text_content("#tokens-dropped .txb-dropped-text")
        assert dropped and tok.decode(ids[: len(ids) - M]).endswith(dropped.lstrip("…"))
        assert page.text_content("#tokens-count") == s["tokens_truncated"].format(n=len(ids), max=M)
        # 5: an empty prompt says what to do; nothing says "Computing…" for ever
        page.fill("#prompt", "")
        page.wait_for_function(
            "(t) => document.getElementById('ov-predict').textContent === t", arg=s["prompt_empty"], timeout=10_000
        )
        assert s["top_loading"] not in page.evaluate("document.body.innerText")
    assert not problems, problems


def test_reader_items_on_the_korean_page(site):
    site_dir, manifest, _ = site
    s = STRINGS["ko"]
    problems: list = []
    with served(site_dir) as base, chromium() as ctx:
        page = open_page(ctx, f"{base}ko/index.html", problems, PHONE)
        # 9: the English prompt on the Korean page says why, with the Korean example one click away
        # ("the model learned English" only for a trained model; the test model is random weights)
        note = page.text_content("#prompt-lang-note")
        assert note.startswith(s["prompt_lang_note" if manifest["trained"] else "prompt_lang_note_untrained"])
        ko = next(i for i, ex in enumerate(manifest["examples"]) if ex["lang"] == "ko")
        page.click("#prompt-lang-example")
        page.wait_for_function(
            "(p) => document.getElementById('prompt').value === p", arg=manifest["examples"][ko]["prompt"]
        )
        page.wait_for_selector("#prompt-lang-note", state="hidden")
        # 14: on a phone the article's heads figure shows every head, and the attention formula
        # its mask's definition (its parts wrap instead of scrolling out of view)
        heads = page.eval_on_selector("#fig-heads .viz", "e => [e.scrollWidth, e.clientWidth]")
        assert heads[0] <= heads[1] + 1, heads
        parts = page.eval_on_selector_all(
            ".math-split",
            "els => els.flatMap(d => [...d.querySelectorAll('math')].map(m => [m.getBoundingClientRect().right, d.getBoundingClientRect().right, m.textContent]))",
        )
        mask = [p for p in parts if "M" in p[2] and "∞" in p[2]]
        assert mask and all(right <= box + 1 for right, box, _ in mask), parts
        # 6: Hangul in a monospace label is drawn by Pretendard (the site's font), not as boxes:
        # this machine has no CJK font, so without the fallback no face has the glyphs
        page.wait_for_function("() => /[가-힣]/.test(document.querySelector('#overview .ov-chips').textContent)")
        i = page.evaluate(
            "() => [...document.querySelectorAll('#overview .ov-chip')].findIndex(e => /[가-힣]/.test(e.textContent))"
        )
        chip = f"#overview .ov-chip:nth-child({i + 1})"
        assert "monospace" in page.eval_on_selector(chip, "e => getComputedStyle(e).fontFamily")
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": chip})["nodeId"]
        # the face that covers these characters has loaded (Pretendard comes in unicode-range subsets)
        page.wait_for_function(
            "(sel) => document.fonts.check(\"16px 'Pretendard Variable'\", document.querySelector(sel).textContent)",
            arg=chip,
            timeout=10_000,
        )
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert any("Pretendard" in f["familyName"] for f in fonts), fonts
    assert not problems, problems
