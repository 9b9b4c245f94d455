"""Reading the article: content/<lang>/*.md (one file per section) and strings.toml.

Each section file starts with python-markdown `meta` front matter:

    title: Multi-head self-attention
    id: attention

and its body is rendered through jinja2 first (`{{ model.n_layer }}`, `{{ model.n_params | thousands }}`,
`{{ example.tokens | length }}` ...), then through python-markdown with math, figures, footnotes
and a table of contents. Footnotes of all sections are numbered through and collected at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markdown
from markupsafe import Markup

from ..htmlsafe import markdown_text
from ..inputs import load_toml, read_utf8
from . import filters
from .figures import FigureExtension
from .mathext import MathExtension


@dataclass
class Section:
    file: str  # "04-attention.md"
    id: str  # the anchor, the same in every language
    title: str
    html: str = ""
    subheads: list[dict] = field(default_factory=list)  # [{"id", "name", "level"}]
    meta: dict = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (footnote id, <li> inner html)


@dataclass
class Article:
    lang: str
    sections: list[Section]
    notes_html: str  # <ol> of all footnotes, numbered through, or ""
    figures: list[dict]  # [{"id", "viz"}] in order
    cited: set[str] = field(default_factory=set)  # figure ids the text cites with figno()


def load_strings(path: Path, warnings: list[str]) -> dict[str, str]:
    if not path.exists():
        warnings.append(f"{path}: missing UI strings file")
        return {}
    data = load_toml(path)  # a syntax error names the file and line
    flat = {}
    for k, v in data.items():
        if not isinstance(v, str):
            warnings.append(f"{path}: key {k!r} is not a string (keep strings.toml flat)")
            continue
        flat[k] = v
    return flat


def section_files(content_dir: Path, lang: str) -> list[Path]:
    return sorted((content_dir / lang).glob("*.md"))


_FIG_REF = re.compile(r"(?:(Figure|그림)(\s+))?@@FIG:([A-Za-z0-9_-]+)@@")
_FN_LIST = re.compile(r'<div class="footnote">\s*<hr\s*/?>\s*<ol>(.*?)</ol>\s*</div>\s*$', re.S)
_FN_ITEM = re.compile(r'<li id="fn:([^"]+)">(.*?)</li>', re.S)
_FN_REF = re.compile(r'(<a class="footnote-ref" href="#fn:([^"]+)">)\d+(</a>)')


def build_article(lang: str, files: list[Path], variables: dict, viz_data, warnings: list[str]) -> Article:
    """Render every section of one language. Problems are appended to `warnings`."""
    t = variables["t"]
    # `{#id}` is attr_list's heading-anchor syntax, so jinja comments are `{##  ##}` here.
    # Values are text (a checkpoint's name, a prompt): escaped for HTML and Markdown alike;
    # only Markup (the project's own filters, such as `token`) is written as it is.
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=markdown_text,
        keep_trailing_newline=True,
        comment_start_string="{##",
        comment_end_string="##}",
    )
    filters.install(env, lang)
    # Figure numbers are known only once every section is converted: figno() leaves a marker.
    cited: set[str] = set()

    def figno(fid: str) -> Markup:
        cited.add(fid)
        return Markup(f"@@FIG:{fid}@@")  # Markup: the escaping finalizer would encode the ':'

    env.globals["figno"] = figno

    math_errors: list[str] = []
    figures: list[dict] = []
    fig_ext = FigureExtension(viz_data=viz_data, figures=figures, warnings=warnings)
    md = markdown.Markdown(
        extensions=[
            "meta",
            "toc",
            "footnotes",
            "attr_list",
            "md_in_html",
            "tables",
            "fenced_code",
            MathExtension(errors=math_errors),
            fig_ext,
        ],
        extension_configs={
            "toc": {"toc_depth": "3-4", "permalink": False},
            "footnotes": {"BACKLINK_TITLE": t.get("back_to_text", "Back to the text")},
        },
        output_format="html",
    )

    sections: list[Section] = []
    note_no = 0
    all_notes: list[str] = []
    for path in files:
        where = f"content/{lang}/{path.name}"
        source = read_utf8(path)  # invalid UTF-8 names the file and line
        try:
            text = env.from_string(source).render(**variables)
        except jinja2.TemplateError as e:
            warnings.append(f"{where}: template error: {e}")
            text = source
        md.reset()
        fig_ext.where = where
        del math_errors[:]
        html = md.convert(text)
        warnings.extend(f"{where}: {m}" for m in math_errors)
        meta = {k: " ".join(v).strip() for k, v in getattr(md, "Meta", {}).items()}
        sid = meta.get("id") or path.stem.split("-", 1)[-1]
        title = meta.get("title")
        if not title:
            warnings.append(f"{where}: no `title:` in the front matter")
            title = sid
        if "id" not in meta:
            warnings.append(f"{where}: no `id:` in the front matter (anchor {sid!r} guessed)")

        # Footnotes: take the list off the section, number through the whole article.
        notes: list[tuple[str, str]] = []
        m = _FN_LIST.search(html)
        if m:
            html = html[: m.start()]
            notes = _FN_ITEM.findall(m.group(1))
        numbers = {}
        for fid, _ in notes:
            note_no += 1
            numbers[fid] = note_no
        html = _FN_REF.sub(lambda r, numbers=numbers: f"{r.group(1)}{numbers.get(r.group(2), '?')}{r.group(3)}", html)
        for fid, inner in notes:
            all_notes.append(f'<li id="fn:{fid}" value="{numbers[fid]}">{inner}</li>')

        subheads = _subheads(getattr(md, "toc_tokens", []))
        sections.append(
            Section(file=path.name, id=sid, title=title, html=html, subheads=subheads, meta=meta, notes=notes)
        )

    numbers = {f["id"]: i + 1 for i, f in enumerate(figures)}

    def number(m: re.Match) -> str:
        """“Figure 3”, word and number, becomes a link to the figure."""
        word, space, fid = m.group(1) or "", m.group(2) or "", m.group(3)
        if fid not in numbers:
            warnings.append(f"content/{lang}: figno({fid!r}) names no figure")
            return f"{word}{space}?"
        return f'<a class="fig-ref" href="#{fid}">{word}{" " if word else ""}{numbers[fid]}</a>'

    for s in sections:
        s.html = _FIG_REF.sub(number, s.html)
    for f in figures:
        if f["id"] not in cited:
            warnings.append(f"content/{lang}: figure {f['id']!r} is never cited by number (figno)")
    notes_html = f'<ol class="notes-list">{"".join(all_notes)}</ol>' if all_notes else ""
    return Article(
        lang=lang, sections=sections, notes_html=_FIG_REF.sub(number, notes_html), figures=figures, cited=cited
    )


def _subheads(tokens) -> list[dict]:
    """python-markdown's toc tokens, depth first, as the template's flat list of subheads."""
    out = []
    for tok in tokens:
        out.append({"id": tok["id"], "name": tok["name"], "level": tok["level"], "html": tok["html"]})
        out.extend(_subheads(tok["children"]))
    return out
