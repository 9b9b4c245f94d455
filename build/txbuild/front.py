"""The first screen's words about the model: the page title and the "about this build" note.

The title names the model that was built: the card's own title when it has one ("Inside a
small GPT-2 trained on Shakespeare"), the plain "Inside GPT-2" for OpenAI's GPT-2 and for a
folder whose card gives no name (a folder name is not a model name), else "Inside <name>". Build remarks (the `--model` option, folder paths, "(bundled)") go to the
footnote, never into the reader-facing note. Values are plain text: the templates escape them.
"""

from __future__ import annotations

GPT2_NAMES = {"gpt2", "openai-community/gpt2"}


def _per_lang(value, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or "")
    return str(value or "")


def _fill(template: str, **kw) -> str:
    for k, v in kw.items():
        template = template.replace("{" + k + "}", str(v))
    return template


def named_by_folder(model: dict) -> bool:
    """Whether the model's only name is its folder's (no card name): a folder called "g2s" or
    "out" is not a model name, so the title does not present it as one."""
    src = model.get("source") or {}
    if not isinstance(src, dict) or src.get("kind") != "folder":
        return False
    name = str(model.get("name") or "")
    return not name or name in (str(model.get("id") or ""), str(src.get("ref") or ""))


def page_title(model: dict, lang: str, t: dict) -> str:
    own = _per_lang(model.get("title"), lang)
    if own:
        return own
    name = str(model.get("name") or model.get("id") or "")
    if name.lower() in GPT2_NAMES or not name or named_by_folder(model):
        return t["site_title"]
    return _fill(t.get("site_title_named", t["site_title"]), name=name)


def about_build(model: dict, lang: str, t: dict, source: str) -> dict:
    """The footnote: the build's name and source, and the card's build remarks."""
    return {
        "name": str(model.get("name") or model.get("id") or ""),
        "source": source,
        "note": _per_lang(model.get("build_note"), lang),
    }


def reader_name(model: dict, lang: str) -> str:
    """The model as the article's prose names it (the card's reader_name, else its name).
    Plain text, not Markup: the article's templates make it inert for HTML and for Markdown
    alike (htmlsafe.markdown_text); escaping the HTML alone let `[x](javascript:…)` become a link."""
    return _per_lang(model.get("reader_name"), lang) or str(model.get("name") or model.get("id") or "")
