"""The article stage: both languages, links, the explainer mount, numbers from the model, strict mode.

Fast: a synthetic trace (txbuild.article.demo), no model export."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
import pytest

from txbuild import REPO_ROOT
from txbuild.article import LANGS, PageContext, StrictError, render_pages
from txbuild.article.demo import demo_context
from txbuild.article.mathext import MathExtension

CONTENT = REPO_ROOT / "content"


# --- helpers ---------------------------------------------------------------------------------


class Page(HTMLParser):
    """ids, links, headings and visible text of one page, without third-party parsers."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.srcs: list[str] = []
        self.sections: list[str] = []
        self.h3: list[str] = []
        self.text: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.append(a["id"])
        if tag in ("a", "link") and a.get("href") is not None:
            self.links.append(a["href"])
        if tag in ("script", "img", "source") and a.get("src") is not None:
            self.srcs.append(a["src"])
        if tag == "section" and "chapter" in (a.get("class") or ""):
            self.sections.append(a["id"])
        if tag == "h3" and a.get("id"):
            self.h3.append(a["id"])
        if tag in ("script", "style", "title", "svg"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title", "svg"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    @property
    def prose(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text))


def fake_fonts(tmp: Path) -> Path:
    """A stand-in for web/node_modules/pretendard/.../variable: one CSS rule and one 'woff2'."""
    d = tmp / "fonts"
    (d / "woff2-dynamic-subset").mkdir(parents=True, exist_ok=True)
    (d / "woff2-dynamic-subset" / "PretendardVariable.subset.0.woff2").write_bytes(b"wOF2 fake font")
    (d / "pretendardvariable-dynamic-subset.css").write_text(
        "@font-face { font-family: 'Pretendard Variable'; "
        "src: url(./woff2-dynamic-subset/PretendardVariable.subset.0.woff2) format('woff2-variations'); }\n"
    )
    return d


def build(
    out: Path, tmp: Path, content: Path = CONTENT, strict: bool = False, **model_kw
) -> tuple[PageContext, list[str]]:
    ctx = demo_context(out, strict=strict, **model_kw)
    ctx.content_dir = content
    ctx.fonts_dir = fake_fonts(tmp)
    return ctx, render_pages(ctx)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list[str]]:
    tmp = tmp_path_factory.mktemp("article")
    out = tmp / "site"
    # A manifest and app assets where the other stages would put them, so every link resolves.
    (out / "model" / "demo").mkdir(parents=True)
    (out / "model" / "demo" / "manifest.json").write_text("{}")
    (out / "assets").mkdir(parents=True)
    (out / "assets" / "app-0123456789.js").write_text("")
    (out / "assets" / "app-0123456789.css").write_text("")
    ctx = demo_context(out, strict=True)
    ctx.fonts_dir = fake_fonts(tmp)
    ctx.assets = {"app.js": "assets/app-0123456789.js", "app.css": "assets/app-0123456789.css"}
    warnings = render_pages(ctx)  # strict: raises on any warning
    return out, warnings


def page(out: Path, rel: str) -> Page:
    return Page((out / rel).read_text(encoding="utf-8"))


# --- the pages -------------------------------------------------------------------------------


def test_pages_written_without_warnings(site):
    out, warnings = site
    assert warnings == []
    for rel in ("index.html", "en/index.html", "ko/index.html"):
        assert (out / rel).stat().st_size > 500
    css = list((out / "assets").glob("site-*.css"))
    assert len(css) == 1 and re.fullmatch(r"site-[0-9a-f]{10}\.css", css[0].name)
    assert list((out / "assets" / "fonts").glob("pretendard-0-*.woff2"))


def test_both_languages_have_the_same_sections(site):
    out, _ = site
    en, ko = page(out, "en/index.html"), page(out, "ko/index.html")
    assert len(en.sections) >= 8, en.sections
    assert en.sections == ko.sections
    assert en.h3 == ko.h3
    assert sorted(p.name for p in (CONTENT / "en").glob("*.md")) == sorted(
        p.name for p in (CONTENT / "ko").glob("*.md")
    )
    for lang, p in (("en", en), ("ko", ko)):
        html_tag = next(a for t, a in p.tags if t == "html")
        assert html_tag["lang"] == lang
        alternates = {a["hreflang"]: a["href"] for t, a in p.tags if t == "link" and a.get("rel") == "alternate"}
        assert alternates == {"en": "../en/index.html", "ko": "../ko/index.html", "x-default": "../index.html"}


def test_no_broken_internal_link_or_anchor(site):
    out, _ = site
    pages = {rel: page(out, rel) for rel in ("index.html", "en/index.html", "ko/index.html")}
    checked = 0
    for rel, p in pages.items():
        assert len(p.ids) == len(set(p.ids)), f"duplicate ids on {rel}"
        base = (out / rel).parent
        for url in p.links + p.srcs:
            parts = urlsplit(url)
            if parts.scheme == "data":  # inline (the favicon): no request
                continue
            if parts.scheme in ("http", "https", "mailto"):
                assert (url in p.links) and url not in p.srcs, f"{rel}: loads {url} from another site"
                continue
            assert not parts.scheme and not url.startswith("/"), f"{rel}: {url} is not relative"
            target = (base / unquote(parts.path)).resolve() if parts.path else (out / rel).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{rel}: {url} -> {target} missing"
            if parts.fragment:
                tp = pages[str(target.relative_to(out.resolve()))]
                assert parts.fragment in tp.ids, f"{rel}: {url}: no such anchor"
            checked += 1
    assert checked > 50


def test_explainer_mount(site):
    out, _ = site
    for lang in LANGS:
        html = (out / lang / "index.html").read_text(encoding="utf-8")
        m = re.search(r'<section id="explainer"[^>]*>', html)
        assert m
        assert 'data-manifest="../model/demo/manifest.json"' in m.group(0)
        assert f'data-lang="{lang}"' in m.group(0)
        body = html[m.end() : html.index("</section>", m.end())]
        assert "<noscript>" in body and re.search(r'<p class="file-warning[^"]*" hidden>', body)
        assert '<script type="module" src="../assets/app-0123456789.js"></script>' in html
        assert '<link rel="stylesheet" href="../assets/app-0123456789.css">' in html
        strings = json.loads(
            re.search(r'<script type="application/json" id="txb-strings">(.*?)</script>', html, re.S).group(1)
        )
        import tomllib

        assert strings == tomllib.loads((CONTENT / lang / "strings.toml").read_text(encoding="utf-8"))
        # the file:// warning script: a classic script file (the CSP allows no inline script)
        src = re.search(r'<script src="\.\./(assets/page-[0-9a-f]{10}\.js)"></script>', html).group(1)
        assert "location.protocol" in (out / src).read_text()


def test_chooser_links_both_languages(site):
    out, _ = site
    p = page(out, "index.html")
    assert "en/index.html" in p.links and "ko/index.html" in p.links
    html = (out / "index.html").read_text(encoding="utf-8")
    src = re.search(r'<script src="(assets/chooser-[0-9a-f]{10}\.js)" data-langs="[^"]*"', html).group(1)
    script = (out / src).read_text()
    assert "navigator.language" in script and "location.replace" in script


def test_math_and_figures_are_in_the_html(site):
    out, _ = site
    for lang in LANGS:
        html = (out / lang / "index.html").read_text(encoding="utf-8")
        assert html.count("<math") >= 4, lang
        assert "$" not in re.sub(r"<(script|svg)\b.*?</\1>", "", html, flags=re.S).replace("\\$", ""), lang
        figs = re.findall(r'<figure[^>]*data-viz="([^"]+)"', html)
        assert {"architecture", "attention", "probs", "embedding"} <= set(figs), figs
        assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == len(figs)
        for title in re.findall(r'<title id="fig-[^"]+-title">([^<]+)</title>', html):
            assert len(title) > 30  # every figure has a text alternative


def test_model_numbers_in_prose_follow_the_config(tmp_path):
    """Two different configs: each page states its own numbers, in both languages."""
    a_ctx, _ = build(tmp_path / "a", tmp_path, n_layer=3, n_head=5, n_embd=80, n_ctx=96, trained=False)
    b_ctx, _ = build(tmp_path / "b", tmp_path, n_layer=7, n_head=9, n_embd=144, n_ctx=160, trained=True)
    for ctx in (a_ctx, b_ctx):
        m = ctx.model
        for lang in LANGS:
            prose = page(ctx.out_dir, f"{lang}/index.html").prose
            n_params = f"{m['n_params']:,}"
            assert n_params in prose, (lang, n_params)
            for key in ("n_layer", "n_head", "n_embd", "n_ctx"):
                assert re.search(rf"(?<![\d,.]){m[key]}(?![\d,])", prose), (lang, key, m[key])
            assert f"{m['n_embd'] * 4:,}" in prose  # the MLP's hidden width
            assert f"{m['vocab_size'] * m['n_embd']:,}" in prose  # token-embedding parameters
            assert str(len(ctx.example["tokens"])) in prose
            # GPT-2 small's published numbers are explained too.
            for fact in ("50,257", "768", "1,024", "3,072"):
                assert fact in prose, (lang, fact)
    a_prose = page(a_ctx.out_dir, "en/index.html").prose
    assert f"{b_ctx.model['n_params']:,}" not in a_prose
    assert "untrained" in a_prose.lower() or "not been trained" in a_prose
    assert "학습하지 않은" in page(a_ctx.out_dir, "ko/index.html").prose


# --- strict mode -----------------------------------------------------------------------------


def copy_content(tmp: Path) -> Path:
    dst = tmp / "content"
    shutil.copytree(CONTENT, dst)
    return dst


def test_strict_fails_on_a_missing_translation(tmp_path):
    content = copy_content(tmp_path)
    victim = sorted((content / "ko").glob("*.md"))[2]
    victim.unlink()
    _, warnings = build(tmp_path / "site", tmp_path, content=content)
    assert any(victim.name in w and "no translation" in w for w in warnings), warnings
    with pytest.raises(StrictError) as e:
        build(tmp_path / "site2", tmp_path, content=content, strict=True)
    assert victim.name in str(e.value)
    assert not (tmp_path / "site2" / "en" / "index.html").exists()  # nothing half-written


def test_strict_lists_every_problem(tmp_path):
    content = copy_content(tmp_path)
    for lang in LANGS:
        f = sorted((content / lang).glob("*.md"))[1]
        f.write_text(
            f.read_text(encoding="utf-8")
            + '\n\n<figure data-viz="no-such-view" markdown>x</figure>\n\n[dangling](#no-such-anchor)\n',
            encoding="utf-8",
        )
    with (content / "ko" / "strings.toml").open("a", encoding="utf-8") as f:
        f.write('\nonly_in_korean = "한국어에만"\n')
    with pytest.raises(StrictError) as e:
        build(tmp_path / "site", tmp_path, content=content, strict=True)
    msg = str(e.value)
    assert "no-such-view" in msg
    assert "no-such-anchor" in msg
    assert "only_in_korean" in msg
    assert len(e.value.warnings) >= 5  # 2 unknown views, 2 anchors, 1 string


def test_missing_fonts_warn_and_fall_back(tmp_path):
    ctx = demo_context(tmp_path / "site")
    ctx.fonts_dir = tmp_path / "nowhere"
    ctx.math_font_dir = tmp_path / "nowhere"
    warnings = render_pages(ctx)
    assert any("Pretendard" in w for w in warnings) and any("Noto Sans Math" in w for w in warnings)
    css = next((tmp_path / "site" / "assets").glob("site-*.css")).read_text()
    assert "@font-face" not in css and "system-ui" in css
    ctx.strict = True
    with pytest.raises(StrictError):
        render_pages(ctx)


def test_real_pretendard_is_self_hosted(tmp_path):
    # web/node_modules is part of the set-up (make setup); without it this fails, never skips
    ctx = demo_context(tmp_path / "site")
    assert render_pages(ctx) == []
    css = next((tmp_path / "site" / "assets").glob("site-*.css")).read_text()
    urls = re.findall(r"url\(([^)]+)\)", css)
    assert len(urls) > 50 and all(u.startswith(("fonts/pretendard-", "fonts/noto-sans-math-")) for u in urls)
    assert sum(u.startswith("fonts/noto-sans-math-") for u in urls) == 1
    for u in urls:
        assert (tmp_path / "site" / "assets" / u).exists()


# --- math ------------------------------------------------------------------------------------


def test_minus_and_infinity_have_no_operator_gap():
    from txbuild.article.mathext import to_mathml

    prefix = '<mo form="prefix" lspace="0" rspace="0">&#x02212;</mo>'
    assert prefix + "<mn>2.7</mn>" in to_mathml("x = -2.7", False)
    assert prefix + "<mi>&#x0221E;</mi>" in to_mathml(
        r"M = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases}", True
    )
    binary = to_mathml("a - b", False)
    assert "<mi>a</mi><mo>&#x02212;</mo><mi>b</mi>" in binary  # a binary minus keeps its spacing


def test_math_extension_protects_formulas_and_code():
    import markdown

    errors: list[str] = []
    md = markdown.Markdown(extensions=[MathExtension(errors=errors)])
    html = md.convert(
        "Inline $a_i * b_i$ and `code $x$` cost $5 and $6.\n\n$$\n\\frac{1}{\\sqrt{d_k}}\n$$\n\n```\n$not_math$\n```\n"
    )
    assert html.count("<math") == 2
    assert "<code>code $x$</code>" in html
    assert "$5 and $6" in html
    assert "$not_math$" in html
    assert 'display="block"' in html and '<div class="math-display">' in html
    assert "<em>" not in html
    assert errors == []


def test_inline_math_may_wrap_a_line_but_not_a_paragraph():
    import markdown

    md = markdown.Markdown(extensions=[MathExtension()])
    assert md.convert("costs $2 \\times\n3$ here").count("<math") == 1
    md.reset()
    assert "<math" not in md.convert("a $5 bill\n\nand 6$ more")


def test_every_documented_ui_string_is_translated():
    """web/strings-keys.md lists the keys the browser app reads; both languages must have them."""
    import tomllib

    doc = REPO_ROOT / "web" / "strings-keys.md"
    keys = set(re.findall(r"^\| `([a-z0-9_]+)`", doc.read_text(encoding="utf-8"), re.M))
    assert keys
    for lang in LANGS:
        have = tomllib.loads((CONTENT / lang / "strings.toml").read_text(encoding="utf-8"))
        assert keys <= set(have), (lang, sorted(keys - set(have)))


def test_real_trace_of_a_tiny_gpt2(tmp_path):
    """The trace module's real arrays (not synthetic ones) render cleanly, and a Korean prompt's
    split characters appear as bytes, never as a row of replacement characters."""
    import torch
    import transformers

    from txbuild.article.bpe import tokenizer_dirs
    from txbuild.trace import trace_ids

    tok_dir = next(d for d in tokenizer_dirs() if (d / "vocab.json").exists())  # committed with the bundled model
    tok = transformers.GPT2TokenizerFast.from_pretrained(str(tok_dir))
    torch.manual_seed(0)
    hf = transformers.GPT2LMHeadModel(transformers.GPT2Config(n_layer=2, n_head=2, n_embd=32, n_positions=64)).eval()
    prompt = "안녕, world"
    ids = tok.encode(prompt)
    trace = trace_ids(hf, ids)
    z = trace["logits"][-1].astype("float64")
    p = (lambda e: e / e.sum())(__import__("numpy").exp(z - z.max()))
    top = [{"id": int(i), "token": tok.decode([int(i)]), "prob": float(p[i])} for i in p.argsort()[::-1][:10]]
    model = {
        "id": "tiny",
        "name": "tiny",
        "trained": False,
        "description": {},
        "source": {"kind": "test", "ref": "tiny"},
        "n_layer": 2,
        "n_head": 2,
        "n_embd": 32,
        "head_dim": 16,
        "vocab_size": 50257,
        "n_ctx": 64,
        "n_params": sum(x.numel() for x in hf.parameters()),
    }
    ctx = PageContext(
        out_dir=tmp_path / "site",
        model=model,
        manifest_href="model/tiny/manifest.json",
        assets={},
        example={"prompt": prompt, "ids": ids, "tokens": [tok.decode([i]) for i in ids], "top": top},
        trace=trace,
    )
    ctx.fonts_dir = fake_fonts(tmp_path)
    assert render_pages(ctx) == []
    html = (tmp_path / "site" / "en" / "index.html").read_text(encoding="utf-8")
    chips = re.search(r'id="fig-tokens".*?</figure>', html, re.S).group(0)
    assert "⟨EC" in chips and "\ufffd" not in chips


# --- GPT-2 small and the page's model (issue 11, §2) --------------------------------------------


def test_versus_names_gpt2_small_first_and_collapses_when_equal():
    from txbuild.article.filters import versus

    assert versus(768, 256) == "768 in GPT-2 small, 256 in the model on this page"
    assert versus(50257, 50257) == "50,257, in GPT-2 small as in the model on this page"
    assert versus(768, 256, "ko") == "GPT-2 small은 768, 이 페이지의 모델은 256"
    assert "같습니다" in versus(50257, 50257, "ko") and versus(50257, 50257, "ko").count("50,257") == 1


@pytest.mark.parametrize(
    "sizes, same", [({}, False), ({"n_layer": 12, "n_head": 12, "n_embd": 768, "n_ctx": 1024}, True)]
)
def test_gpt2_small_numbers_are_kept_apart_from_the_page_model(tmp_path, sizes, same):
    ctx, _ = build(tmp_path / "site", tmp_path, **sizes)
    en = page(tmp_path / "site", "en/index.html")
    prose = en.prose
    html = (tmp_path / "site" / "en" / "index.html").read_text(encoding="utf-8")
    title = re.search(r'<h3 id="heads">(.*?)</h3>', html).group(1)
    assert title == f"{ctx.model['n_head']} heads"  # never "Twelve heads" over another model
    C, H = ctx.model["n_embd"], ctx.model["n_head"]
    if same:
        assert "12 heads of 64 (12 × 64 = 768), in GPT-2 small as in the model on this page" in prose
        assert "768 to 2,304, in GPT-2 small as in the model on this page" in prose
        assert "50,257, in GPT-2 small as in the model on this page" in prose
    else:
        assert f"12 heads of 64 (12 × 64 = 768) in GPT-2 small, {H} heads of {C // H}" in prose
        assert f"768 to 2,304 in GPT-2 small, {C} to {3 * C:,} in the model on this page" in prose
        assert "brings it back to 768" not in prose


def test_figure_labels_are_at_least_11px(site):
    """Drawings keep their own size on phones (they scroll instead), so this is what a reader sees."""
    out, _ = site
    for lang in LANGS:
        html = (out / lang / "index.html").read_text(encoding="utf-8")
        sizes = [float(x) for x in re.findall(r'<text[^>]*font-size="([0-9.]+)"', html)]
        assert sizes and min(sizes) >= 11, (lang, sorted(set(s for s in sizes if s < 11)))


def test_try_it_links_are_links_not_escaped_text(site):
    # try_it() returns HTML into templates that escape every value that is not Markup
    out, _ = site
    for lang in LANGS:
        html = (out / lang / "index.html").read_text(encoding="utf-8")
        assert html.count('<a class="try-it" href="index.html?') >= 5, lang
        assert "&lt;a class" not in html, lang


def test_values_the_templates_compute_are_html_not_escaped_text(site):
    # figure numbers (figno), token chips and chips with a Korean particle (josa) are the
    # project's own HTML: the escaping templates must not print them as text
    out, _ = site
    for lang in LANGS:
        html = (out / lang / "index.html").read_text(encoding="utf-8")
        assert "@@FIG" not in html, lang
        assert "&lt;code" not in html, lang
        assert '<code class="tok">' in html, lang


# --- the training chapter and percentages in formulas (issue 22, item 10) ---------------------

_PCT = re.compile(r"[0-9][0-9.,]*\s*%")


def test_a_percent_sign_in_a_formula_is_kept():
    from txbuild.article.mathext import to_mathml

    m = to_mathml(r"e^{-4.07} \approx 1.7%", False)
    assert "<mn>1.7</mn><mi>&#x00025;</mi>" in m  # not a TeX comment that eats the rest
    assert to_mathml(r"50\% = 0.5", False).count("&#x00025;") == 1  # an escaped one stays one


def test_training_chapter_states_the_runs_own_numbers(tmp_path):
    """The bundled model's metrics.json: the eval interval it really used, the loss as a
    geometric mean, and no page loses a percent sign inside `$…$`."""
    import html as html_mod
    import math

    from txbuild.article.modelfacts import training_run

    folder = REPO_ROOT / "models" / "gpt2-shakespeare"
    metrics = json.loads((folder / "metrics.json").read_text())
    ctx = demo_context(tmp_path / "site", strict=True)
    ctx.fonts_dir = fake_fonts(tmp_path)
    ctx.measured = {"training": training_run(folder)}
    render_pages(ctx)
    every = metrics["config"]["eval_every"]
    loss = metrics["quality"]["heldout_loss"]
    p_geo = f"{100 * math.exp(-loss):.1f}%"
    for lang, says in (("en", f"every {every} steps"), ("ko", f"{every}스텝마다")):
        html = (tmp_path / "site" / lang / "index.html").read_text(encoding="utf-8")
        prose = page(tmp_path / "site", f"{lang}/index.html").prose
        assert says in prose, lang
        assert ("geometric mean" if lang == "en" else "기하평균") in prose, lang
        assert "few hundred" not in prose and "몇백" not in prose
        # every number with a percent sign in a formula's source is in the formula as drawn
        n_math = 0
        for alt, body in re.findall(r'<math alttext="([^"]*)"[^>]*>(.*?)</math>', html, re.S):
            n_math += 1
            drawn = html_mod.unescape(re.sub(r"<[^>]+>", "", body))
            for want in _PCT.findall(html_mod.unescape(alt).replace("\\%", "%")):
                assert want.replace(" ", "") in drawn.replace(" ", ""), (lang, alt, drawn)
        assert n_math > 10
        assert f"≈{p_geo}" in prose.replace(" ", ""), (lang, p_geo)


# --- teaching gaps (issue 22, item 13) and the long-prompt rule ---------------------------------


def _article(html: str) -> str:
    return html[html.index('<article id="article">') :]


def test_figure_numbers_are_links_to_their_figure(site):
    out, _ = site
    for lang, word in (("en", "Figure"), ("ko", "그림")):
        html = _article((out / lang / "index.html").read_text(encoding="utf-8"))
        order = re.findall(r'<figure\b[^>]*\bid="(fig-[^"]+)"', html)
        refs = re.findall(r'<a class="fig-ref" href="#(fig-[^"]+)">' + word + r" (\d+)</a>", html)
        assert len(refs) >= 12, (lang, refs)
        for fid, n in refs:
            assert order[int(n) - 1] == fid, (lang, fid, n)  # the number is that figure's own
        # no figure number is left as plain text (a caption's own label aside)
        rest = re.sub(r'<figcaption.*?</figcaption>|<a class="fig-ref".*?</a>|<svg.*?</svg>', "", html, flags=re.S)
        assert not re.search(word + r"\s+\d", Page(rest).prose), lang


def test_bright_first_column_and_layer_norm_epsilon_are_explained(tmp_path):
    """The first-column paragraph and the layer-norm sentence quote the page's own trace,
    recomputed here: even spreading's column sums, the head's real ones, and the normalised
    vector's standard deviation σ / sqrt(σ² + ε), which is under 1."""
    ctx = demo_context(tmp_path / "site", strict=True)
    ctx.fonts_dir = fake_fonts(tmp_path)
    render_pages(ctx)
    a = np.asarray(ctx.trace["attn_probs"], dtype=np.float64)
    T = a.shape[-1]
    x = np.asarray(ctx.trace["embed"][-1], dtype=np.float64)
    std_norm = ((x - x.mean()) / np.sqrt(x.var() + ctx.model["ln_eps"])).std()
    assert std_norm < 1
    for lang in LANGS:
        html = (tmp_path / "site" / lang / "index.html").read_text(encoding="utf-8")
        fig = re.search(r'<figure[^>]*data-head="(\d+)"[^>]*data-layer="(\d+)"[^>]*data-viz="attention"', html)
        head, layer = int(fig.group(1)), int(fig.group(2))
        col = a[layer - 1, head - 1].sum(axis=0)
        prose = page(tmp_path / "site", f"{lang}/index.html").prose
        even_first = sum(1 / (i + 1) for i in range(T))
        for v in (even_first, 1 / T, col[0], col[-1]):
            assert f"{v:.2f}" in prose, (lang, v)
        assert f"{std_norm:.4f}" in prose, lang
        # rows are counted from 1, like heads: the row whose previous token is the first is row 2
        assert ("in row 2 the previous" in prose) if lang == "en" else ("두 번째 행에서는 바로 앞 토큰이" in prose)
        assert "row 1 the previous" not in prose and "1번 행" not in prose


def test_try_it_links_keep_their_promise(site):
    """“Try it with your own text” keeps the reader's own prompt (no prompt in the link); the
    “it” → “animal” sentence opens in the explainer; the long-prompt rule is stated."""
    import html as html_mod
    from urllib.parse import parse_qs

    out, _ = site
    for lang, own, limit in (
        ("en", "try it with your own text", "keeps the last 64"),
        ("ko", "직접 쓴 글로 해 보기", "마지막 64개만 남깁니다"),
    ):
        html = (out / lang / "index.html").read_text(encoding="utf-8")
        links = {
            text: parse_qs(html_mod.unescape(href).split("?", 1)[1].split("#")[0])
            for href, text in re.findall(r'<a class="try-it" href="([^"]+)">([^<]+)</a>', html)
        }
        assert "prompt" not in links[own] and links[own]["stage"] == ["5"], links[own]
        animal = [q for q in links.values() if "animal" in q.get("prompt", [""])[0]]
        assert animal and "it was too tired" in animal[0]["prompt"][0]
        assert limit in re.sub(r"\s+", " ", Page(html).prose), lang
