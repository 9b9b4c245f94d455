"""render_pages(ctx): gather everything, check it, then write it (MkDocs' order).

site/index.html        language chooser (links; a tiny script picks one from navigator.language)
site/en/index.html     the article + the explainer mount, English
site/ko/index.html     the same in Korean, with the same anchors
site/assets/site-HASH.css, site/assets/fonts/pretendard-N-HASH.woff2
"""

from __future__ import annotations

import functools
import json
import os
import posixpath
import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .. import front, htmlsafe
from . import assets, filters, fontpreload, links
from . import facts as facts_mod
from .content import Article, build_article, load_strings, section_files
from .context import LANGS, PageContext, StrictError
from .viz import VizData


def _fill(template: str, **kw) -> str:
    for k, v in kw.items():
        template = template.replace("{" + k + "}", str(v))
    return template


def _code_spans(s: str) -> Markup:
    """Escape a UI string and turn its `code` spans into <code> elements."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(s))))


def _model_note(model: dict, lang: str, t: dict, fit: dict | None = None) -> dict:
    desc = model.get("description") or {}
    desc = (desc.get(lang) or desc.get("en") or "") if isinstance(desc, dict) else str(desc)
    kw = dict(
        name=model.get("name", model.get("id", "?")),
        n_layer=model["n_layer"],
        n_head=model["n_head"],
        n_embd=model["n_embd"],
        n_params=filters.thousands(model["n_params"]),
        description=desc,
    )
    key = "model_note_trained" if model.get("trained") else "model_note_untrained"
    if not model.get("trained") and (fit or {}).get("by") == "measured":
        # untrained by measurement, not by the card's word: say what was measured
        key = "model_note_untrained_measured"
        kw.update(loss=f"{fit['loss']:.2f}", uniform=f"{fit['uniform']:.2f}", margin=f"{fit['margin']:g}")
    source = model.get("source") or {}
    if isinstance(source, dict):
        ref = source.get("label") or source.get("ref") or source.get("id") or source.get("path") or ""
        kind = source.get("kind")
        source = f"{ref} ({kind})" if ref and kind and kind != ref else (ref or kind or "")
    return {
        "text": _fill(t.get(key, ""), **kw).strip(),
        "source": _fill(t.get("model_note_source", ""), source=source) if source else "",
        "trained": bool(model.get("trained")),
    }


def _compare(articles: dict[str, Article], strings: dict[str, dict], warnings: list[str]) -> None:
    """Everything present in one language must be present in the others (each is compared with
    the first)."""
    for b in LANGS[1:]:
        _compare_two(articles, strings, warnings, LANGS[0], b)


def _compare_two(articles: dict[str, Article], strings: dict[str, dict], warnings: list[str], a: str, b: str) -> None:
    fa = {s.file: s for s in articles[a].sections}
    fb = {s.file: s for s in articles[b].sections}
    for name in sorted(fa.keys() - fb.keys()):
        warnings.append(f"section content/{a}/{name} has no translation in content/{b}/")
    for name in sorted(fb.keys() - fa.keys()):
        warnings.append(f"section content/{b}/{name} has no translation in content/{a}/")
    for name in sorted(fa.keys() & fb.keys()):
        sa, sb = fa[name], fb[name]
        if sa.id != sb.id:
            warnings.append(f"{name}: anchor {sa.id!r} ({a}) differs from {sb.id!r} ({b})")
        ia = [h["id"] for h in sa.subheads]
        ib = [h["id"] for h in sb.subheads]
        if ia != ib:
            warnings.append(f"{name}: heading anchors differ: {a} {ia} vs {b} {ib}")
        na = [n for n, _ in sa.notes]
        nb = [n for n, _ in sb.notes]
        if sorted(na) != sorted(nb):
            warnings.append(f"{name}: footnotes differ: {a} {na} vs {b} {nb}")
    fig_a = [f["id"] for f in articles[a].figures]
    fig_b = [f["id"] for f in articles[b].figures]
    if fig_a != fig_b:
        warnings.append(f"figures differ between languages: {a} {fig_a} vs {b} {fig_b}")
    ka, kb = set(strings[a]), set(strings[b])
    for k in sorted(ka - kb):
        warnings.append(f"UI string {k!r} is in content/{a}/strings.toml but not in content/{b}/strings.toml")
    for k in sorted(kb - ka):
        warnings.append(f"UI string {k!r} is in content/{b}/strings.toml but not in content/{a}/strings.toml")


def render_pages(ctx: PageContext) -> list[str]:
    """Write the site's HTML pages and article assets; return the warnings (strict: raise StrictError)."""
    warnings: list[str] = []
    out = Path(ctx.out_dir)
    content = Path(ctx.content_dir)
    model = dict(ctx.model)
    facts = facts_mod.compute(model, ctx.example, ctx.trace, ctx.measured, ctx.lens)
    facts["lens"] = bool(ctx.lens)

    strings = {lang: load_strings(content / lang / "strings.toml", warnings) for lang in LANGS}
    files = {lang: section_files(content, lang) for lang in LANGS}
    articles: dict[str, Article] = {}
    for lang in LANGS:
        t = strings[lang]
        # the prose names the model as the reader should read it (escaped; no "(bundled)")
        variables = {
            "model": {**model, "name": front.reader_name(model, lang)},
            "example": ctx.example,
            "facts": facts,
            "lang": lang,
            "t": t,
        }
        viz_data = VizData(
            model=model, example=ctx.example, trace=ctx.trace, facts=facts, lang=lang, t=t, lens=ctx.lens
        )
        articles[lang] = build_article(lang, files[lang], variables, viz_data, warnings)
    _compare(articles, strings, warnings)

    css_href, asset_files = assets.build_css(Path(ctx.templates_dir), ctx.fonts_dir, warnings, ctx.math_font_dir)
    # the web fonts' faces, for the preloads of each page (fontpreload.py)
    faces = fontpreload.faces(asset_files[css_href].decode("utf-8"), assets.FAMILY)
    scripts = {
        k: htmlsafe.static_script(ctx.templates_dir, f, asset_files)
        for k, f in (("page_js", "page.js"), ("chooser_js", "chooser.js"))
    }

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(ctx.templates_dir)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(csp=htmlsafe.CSP, **scripts)
    env.filters["thousands"] = filters.thousands
    env.filters["fill"] = lambda s, **kw: _fill(s, **kw)

    pages: dict[str, str] = {}
    for lang in LANGS:
        t = strings[lang]
        other = [x for x in LANGS if x != lang][0]
        art = articles[lang]
        public = {k: v for k, v in t.items()}
        strings_json = json.dumps(public, ensure_ascii=False, sort_keys=True)
        strings_json = strings_json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        hosted = _fill(t.get("explainer_file_hosted", ""), url=ctx.hosted_url) if ctx.hosted_url else ""
        sections = [
            {
                "id": s.id,
                "title": Markup(s.title),
                "html": Markup(s.html),
                "subheads": s.subheads,
                "meta": s.meta,
                "file": s.file,
            }
            for s in art.sections
        ]
        explainer_after = next(
            (s["id"] for s in sections if s["meta"].get("explainer") == "after"),
            sections[0]["id"] if sections else None,
        )
        render = functools.partial(
            env.get_template("article.html.j2").render,
            lang=lang,
            other=other,
            t=t,
            t_other=strings[other],
            langs=LANGS,
            root="../",
            css_href=css_href,
            assets=ctx.assets or {},
            manifest_href=ctx.manifest_href,
            strings_json=Markup(strings_json),
            file_warning=_code_spans(_fill(t.get("explainer_file_warning", ""), hosted=hosted)),
            sections=sections,
            explainer_after=explainer_after,
            notes_placed=any(s["meta"].get("notes") == "before" for s in sections),
            notes_html=Markup(art.notes_html),
            model=model,
            model_note=_model_note(model, lang, t, facts["fit"]),
            page_title=front.page_title(model, lang, t),
            about_build=front.about_build(model, lang, t, _model_note(model, lang, t)["source"]),
            example=ctx.example,
        )
        # rendered once to learn which font files its first layout needs, then with them preloaded
        preloads = [posixpath.join(posixpath.dirname(css_href), u) for u in fontpreload.needed(render(), faces)]
        pages[f"{lang}/index.html"] = render(font_preloads=preloads)
    pages["index.html"] = env.get_template("chooser.html.j2").render(
        langs=LANGS,
        strings=strings,
        css_href=css_href,
        root="",
        fallback=LANGS[0],
        titles={lang: front.page_title(model, lang, strings[lang]) for lang in LANGS},
    )

    def exists(rel: str) -> bool:
        return rel in asset_files or (out / rel).exists()

    warnings.extend(links.check(pages, exists))

    if ctx.strict and warnings:
        raise StrictError(warnings)

    for rel, data in {**asset_files, **{k: v.encode("utf-8") for k, v in pages.items()}}.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return warnings
