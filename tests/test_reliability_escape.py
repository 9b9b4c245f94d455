"""Nothing from a checkpoint runs in the reader's browser (issue 13, section 2): a build from a
checkpoint whose every text field holds script writes pages with none of it, and every page
carries the Content-Security-Policy."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from txbuild.htmlsafe import CSP, SECURITY_HEADERS, markdown_text

HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"
CARD = {
    "trained": False,
    "name": f"Evil{HOSTILE}[x](javascript:alert(3))",
    "default_prompt": f'Hi {HOSTILE} " onmouseover="alert(4)',
    "example_prompts": [
        f'Hi {HOSTILE} " onmouseover="alert(4)',
        "<svg onload=alert(5)>",
        "[click](javascript:alert(6)) <a href='javascript:alert(7)'>a</a>",
    ],
    "description": {
        "en": f'{HOSTILE} <a href="javascript:alert(8)">x</a> $\\alert$',
        "ko": "<iframe src=javascript:alert(9)></iframe>",
    },
}


def build_hostile(tmp_path_factory, cache_root) -> Path:
    from conftest import make_checkpoint
    from txbuild.report import Reporter
    from txbuild.site import BuildOptions, build_site

    # the shared site's weights (browser.SHARED_SITE): its exported graphs come from the cache
    ckpt = make_checkpoint(tmp_path_factory.mktemp("hostile-ckpt"), seed=1, embedding_scale=40)
    (ckpt / "txbuild.json").write_text(json.dumps(CARD))
    out = tmp_path_factory.mktemp("hostile-site") / "site"
    build_site(
        BuildOptions(model=str(ckpt), out=out, precision="fp32", variants=("fp32",), cache_root=cache_root),
        Reporter(-1),
    )
    return out


class Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in_script: dict | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "script":
            self._in_script = a
            self.scripts.append((a, ""))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            a, body = self.scripts[-1]
            self.scripts[-1] = (a, body + data)
        else:
            self.text.append(data)


def pages(site: Path) -> dict[str, Tags]:
    out = {}
    for p in sorted(site.rglob("*.html")):
        t = Tags()
        t.feed(p.read_text(encoding="utf-8"))
        out[p.relative_to(site).as_posix()] = t
    return out


def test_no_markup_from_the_checkpoint_reaches_any_page(hostile_site):
    found = pages(hostile_site)
    assert {"index.html", "en/index.html", "ko/index.html"} <= set(found)
    for name, t in found.items():
        for tag, attrs in t.tags:
            handlers = [k for k in attrs if k.lower().startswith("on")]
            assert not handlers, (name, tag, attrs)
            for k, v in attrs.items():
                assert not (v or "").strip().lower().startswith("javascript:"), (name, tag, k, v)
            assert tag not in ("iframe", "object", "embed", "base"), (name, tag)
            assert not (tag == "img" and attrs.get("src") == "x"), (name, attrs)
            assert not (tag == "svg" and "onload" in attrs), name
        for attrs, body in t.scripts:
            # scripts come from the site's files; a JSON data block holds no checkpoint text
            assert attrs.get("src") or attrs.get("type") == "application/json", (name, attrs, body[:80])
            assert "alert(" not in body, (name, body[:200])
    # the checkpoint's text is on the page, as text
    en = " ".join(found["en/index.html"].text)
    assert "Evil<img src=x onerror=alert(1)>" in en
    assert "[x](javascript:alert(3))" in en


def test_every_page_carries_the_content_security_policy(hostile_site):
    for name, t in pages(hostile_site).items():
        metas = [
            a for tag, a in t.tags if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy"
        ]
        assert [m["content"] for m in metas] == [CSP], name
    assert (
        "script-src 'self' 'wasm-unsafe-eval'" in CSP
        and "'unsafe-inline'" not in CSP.split("script-src")[1].split(";")[0]
    )
    for part in ("default-src 'self'", "object-src 'none'", "base-uri 'none'"):
        assert part in CSP


def test_the_service_worker_sends_the_python_headers(hostile_site):
    """sw.js gets its headers from htmlsafe.SECURITY_HEADERS (build.mjs's define): the built
    worker carries each name and value, the page's CSP among them."""
    sw = (hostile_site / "sw.js").read_text()
    assert SECURITY_HEADERS["Content-Security-Policy"] == CSP
    for name, value in SECURITY_HEADERS.items():
        assert json.dumps(name) in sw and json.dumps(value) in sw, name


@pytest.mark.parametrize(
    "value, must_not",
    [
        ("[x](javascript:alert(1))", "]("),
        ("<b onclick=x>", "<b"),
        ("*bold* _it_ `code` $x$", "*"),
    ],
)
def test_markdown_text_is_inert(value, must_not):
    import markdown

    html = markdown.markdown(f"Name: {markdown_text(value)}")
    assert must_not not in html.replace("&#", "")
    assert "<a" not in html and "<em" not in html and "<code" not in html and "<b " not in html
