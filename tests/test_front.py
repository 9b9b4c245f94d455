"""The first screen's words: the title names the model built, build details stay in the footnote,
and a checkpoint's strings are escaped where they enter the page."""

import re

import numpy as np

from txbuild.article.context import PageContext
from txbuild.article.render import render_pages
from txbuild.front import page_title

T = {
    "en": {"site_title": "Inside GPT-2", "site_title_named": "Inside {name}"},
    "ko": {"site_title": "GPT-2 들여다보기", "site_title_named": "{name} 들여다보기"},
}


def test_page_title_names_the_model():
    assert page_title({"name": "gpt2"}, "en", T["en"]) == "Inside GPT-2"
    assert page_title({"name": "openai-community/gpt2"}, "ko", T["ko"]) == "GPT-2 들여다보기"
    assert page_title({"name": "distilgpt2"}, "en", T["en"]) == "Inside distilgpt2"
    card = {"name": "x (bundled)", "title": {"en": "Inside a small GPT-2 trained on Shakespeare", "ko": "셰익스피어"}}
    assert page_title(card, "en", T["en"]) == "Inside a small GPT-2 trained on Shakespeare"
    assert page_title(card, "ko", T["ko"]) == "셰익스피어"
    assert page_title({"name": "m", "title": {"en": "Only English"}}, "ko", T["ko"]) == "Only English"


def test_checkpoint_strings_are_escaped_and_build_notes_stay_in_the_footnote(tmp_path):
    import torch
    import transformers

    from test_article import fake_fonts
    from txbuild.trace import trace_ids

    evil = '<img src=x onerror="alert(1)">'
    model = {
        "id": "tiny",
        "name": f"tiny {evil} (bundled)",
        "trained": True,
        "title": {"en": f"Inside {evil}", "ko": f"{evil} 들여다보기"},
        "reader_name": {"en": f"a {evil}"},
        "description": {"en": "A test model.", "ko": "시험용 모델입니다."},
        "build_note": {"en": "Build with --model gpt2.", "ko": "--model gpt2로 빌드하세요."},
        "source": {"kind": "dir", "ref": "/some/path"},
        "n_layer": 2,
        "n_head": 2,
        "n_embd": 32,
        "head_dim": 16,
        "vocab_size": 50257,
        "n_ctx": 64,
        "n_params": 1000,
    }
    torch.manual_seed(0)
    hf = transformers.GPT2LMHeadModel(transformers.GPT2Config(n_layer=2, n_head=2, n_embd=32, n_positions=64)).eval()
    trace = trace_ids(hf, [64, 275, 269])
    top = [{"id": int(i), "token": f" t{i}", "prob": 0.1} for i in np.argsort(-trace["logits"][-1])[:10]]
    ctx = PageContext(
        out_dir=tmp_path / "site",
        model=model,
        manifest_href="model/tiny/manifest.json",
        assets={},
        example={"prompt": "a b c", "ids": [64, 275, 269], "tokens": ["a", " b", " c"], "top": top},
        trace=trace,
    )
    ctx.fonts_dir = fake_fonts(tmp_path)
    render_pages(ctx)
    for lang in ("en", "ko"):
        html = (tmp_path / "site" / lang / "index.html").read_text(encoding="utf-8")
        assert evil not in html and "&lt;img src=x" in html
        note = re.search(r'<aside class="model-note.*?</aside>', html, re.S).group(0)
        assert "--model" not in note and "(bundled)" not in note and "/some/path" not in note
        about = re.search(r'<aside class="about-build".*?</aside>', html, re.S).group(0)
        assert "--model gpt2" in about and "(bundled)" in about and "/some/path" in about
        # one sentence on what this is, then the explainer, then the article
        assert html.index('class="subtitle"') < html.index('id="explainer"') < html.index('id="article"')
        assert 'href="#explainer"' in html.split("</header>")[0] and 'href="#article"' in html.split("</header>")[0]
