"""The article side of the site: bilingual Markdown + jinja2 templates -> static HTML pages.

    from txbuild.article import PageContext, render_pages, StrictError

`render_pages(ctx)` writes site/index.html (language chooser), site/en/index.html and
site/ko/index.html, copies the article CSS and the self-hosted fonts into site/assets/ with
content-hashed names, and returns the warnings it collected (missing translations, broken
links or anchors, unknown figure views, ...). With `ctx.strict` it raises StrictError instead.
"""

from .context import LANGS, PageContext, StrictError
from .render import render_pages

__all__ = ["LANGS", "PageContext", "StrictError", "render_pages"]
