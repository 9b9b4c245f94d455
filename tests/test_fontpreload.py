"""The font files a page preloads: the faces whose ranges hold a character the first layout
lays out (build/txbuild/article/fontpreload.py). The browser check that Chromium's first
layout asks for exactly these is in test_article_browser_links.py."""

from __future__ import annotations

from txbuild.article import fontpreload

CSS = """
@font-face { font-family: 'Pretendard Variable'; src: url(fonts/p-0.woff2) format('woff2-variations');
  unicode-range: U+ac00-ac0f, U+b000; }
@font-face { font-family: "Noto Sans Math"; src: url(fonts/math.woff2) format("woff2"); }
@font-face { font-family: 'Pretendard Variable'; src: url(fonts/p-1.woff2) format('woff2-variations');
  unicode-range: U+20-7e; }
@font-face { font-family: 'Pretendard Variable'; src: url('fonts/p-2.woff2') format('woff2-variations');
  unicode-range: U+2?? , U+2192; }
"""


def test_faces_read_urls_and_ranges_of_one_family_wildcards_included():
    assert fontpreload.faces(CSS, "Pretendard Variable") == [
        ("fonts/p-0.woff2", [(0xAC00, 0xAC0F), (0xB000, 0xB000)]),
        ("fonts/p-1.woff2", [(0x20, 0x7E)]),
        ("fonts/p-2.woff2", [(0x200, 0x2FF), (0x2192, 0x2192)]),
    ]
    # a face with no unicode-range covers everything
    assert fontpreload.faces(CSS, "Noto Sans Math") == [("fonts/math.woff2", [(0, 0x10FFFF)])]


PAGE = """<!doctype html><html><head><title>Title words</title><style>p{}</style></head><body>
<p>seen<br>also seen<p>unclosed paragraph</p>
<script>never()</script><noscript>not with scripts</noscript><template>later</template>
<p hidden>hidden <b>words</b></p><input placeholder="Type here" value="v1"><img alt="alt text">
<input type="hidden" value="secret"><input type="range" value="42"><textarea placeholder="Area">typed</textarea>
<svg><path d="M0 0"/><text>svg text</text></svg>
<section class="chapter l-grid" id="one">first chapter</section>
<section class="chapter" id="two"><p>second <em>chapter</em></p></section>
<footer>after</footer></body></html>"""


def test_laid_out_text_is_the_first_screen_and_the_first_chapter_only():
    text = fontpreload.laid_out_text(PAGE)
    for shown in (
        "seen",
        "also seen",
        "unclosed paragraph",
        "Type here",
        "v1",
        "Area",
        "typed",
        "svg text",
        "first chapter",
        "after",
    ):
        assert shown in text, shown
    for gone in (
        "Title",
        "p{}",
        "never",
        "not with scripts",
        "later",
        "hidden",
        "words",
        "alt text",
        "secret",
        "42",
        "second",
    ):
        assert gone not in text, gone


def test_needed_lists_the_faces_that_hold_a_character_in_stylesheet_order():
    faces = fontpreload.faces(CSS, "Pretendard Variable")
    need = lambda body: fontpreload.needed(f"<body>{body}</body>", faces)  # noqa: E731
    assert need("→ 가") == ["fonts/p-0.woff2", "fonts/p-2.woff2"]  # 가 is U+AC00, → U+2192
    assert need("a") == ["fonts/p-1.woff2"]
    assert need("갑") == []  # U+AC11: just past the first face's range
    assert need("   \n") == []  # white space alone asks for no face
    assert need('<section class="chapter">x</section><section class="chapter">가</section>') == ["fonts/p-1.woff2"]
