"""A txbuild project folder: `txbuild new DIR` writes one; `txbuild site` / `serve` read its
txbuild.toml from the current folder (an option given on the command line wins).

    txbuild.toml     model, title, languages, variants, out (and content, templates, ...)
    content/en, ko   an editable copy of the article (Markdown + strings.toml)
    README.md        what to edit
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

from . import LANGS, PRECISIONS, resources
from .errors import UsageError

PROJECT_FILE = "txbuild.toml"

# key -> (type check, what it must be); paths are relative to the folder of txbuild.toml
KEYS = {
    "model": (lambda v: isinstance(v, str) and v.strip(), "a non-empty string"),
    "title": (
        lambda v: (
            isinstance(v, str)
            or (isinstance(v, dict) and set(v) <= set(LANGS) and all(isinstance(x, str) for x in v.values()))
        ),
        'a string or {en = "...", ko = "..."}',
    ),
    "languages": (lambda v: isinstance(v, list) and sorted(v) == sorted(LANGS), f"{list(LANGS)} (every one is built)"),
    "variants": (
        lambda v: v == "all" or (isinstance(v, list) and v and all(x in PRECISIONS for x in v)),
        f"'all' or a list of {', '.join(PRECISIONS)}",
    ),
    "precision": (lambda v: v in PRECISIONS, f"one of {', '.join(PRECISIONS)}"),
    "max_tokens": (lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 1024, "an integer 1-1024"),
    "out": (lambda v: isinstance(v, str) and v.strip(), "a folder name"),
    "content": (lambda v: isinstance(v, str) and v.strip(), "a folder name"),
    "templates": (lambda v: isinstance(v, str) and v.strip(), "a folder name"),
    "cache_dir": (lambda v: isinstance(v, str) and v.strip(), "a folder name"),
}
PATH_KEYS = ("out", "content", "templates", "cache_dir")


def load_project(folder: Path | None = None) -> dict:
    """txbuild.toml of `folder` (the current one by default), validated, its paths resolved
    against that folder; {} when there is none. Every problem is one line naming the key."""
    root = Path(folder or Path.cwd())
    path = root / PROJECT_FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not valid UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{path}: TOML syntax error: {e}") from None
    table = data.get("site", data)  # [site] table, or keys at the top level
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [site] must be a table")
    out = {}
    for key, value in table.items():
        if key not in KEYS:
            raise UsageError(f"{path}: unknown key {key!r}; known: {', '.join(KEYS)}")
        ok, want = KEYS[key]
        if not ok(value):
            raise UsageError(f"{path}: {key!r} must be {want}")
        out[key] = value
    for key in PATH_KEYS:
        if key in out:
            out[key] = (root / out[key]).resolve()
    if "model" in out and out["model"].startswith((".", "/", "~")):
        out["model"] = str((root / Path(out["model"]).expanduser()).resolve())
    return out


def check_content(folder: Path) -> Path:
    """--content: a folder with en/ and ko/, each with strings.toml and the article's Markdown."""
    for lang in LANGS:
        if not (folder / lang / "strings.toml").is_file():
            raise UsageError(f"--content {folder}: {lang}/strings.toml is missing (start from `txbuild new`)")
    return folder


def check_templates(folder: Path) -> Path:
    """--templates: a folder holding the page templates (a copy of txbuild's templates/)."""
    for name in ("article.html.j2", "base.html.j2", "chooser.html.j2"):
        if not (folder / name).is_file():
            raise UsageError(f"--templates {folder}: {name} is missing (copy txbuild's templates/ to start)")
    return folder


TOML = """\
# A txbuild project. `txbuild site` and `txbuild serve` read this file from this folder;
# an option on the command line wins over the value here. Paths are relative to this file.
[site]
# 'bundled' (txbuild's small Shakespeare model), a Hugging Face id such as "gpt2", or a
# checkpoint folder such as "../my-model" (config.json, model.safetensors, vocab.json,
# merges.txt and, to describe it, txbuild.json: see the README).
model = {model}
# The page title; without it, the model card's (txbuild.json "title"), else "Inside <model name>".
{title}
# The pages built (both, today).
languages = ["en", "ko"]
# The precision variants that ship: "all", or a list of fp32, fp16, int8, q4. Left out, a build
# ships the default variant and at most one fallback within 400 MB (fits GitHub Pages);
# fp32 of a GPT-2-small-sized model alone is 0.5 GB.
{variants}
# Where the site is written.
out = "site"
# The article, editable: Markdown sections and strings.toml per language.
content = "content"
# To change the page layout, copy txbuild's templates/ here and uncomment:
# templates = "templates"
"""

README = """\
# {name}: a txbuild site

Built with txbuild: a static site in which a GPT-2-family model explains itself, in the
reader's browser.

    txbuild site           # builds {out}/ from txbuild.toml (model, title, variants)
    txbuild serve --watch  # serves it at http://127.0.0.1:8000/ and reloads on every edit

What to edit:

- `txbuild.toml`: the model (`model = "../my-model"` for a checkpoint folder), the page title,
  the variants that ship.
- `content/en/*.md`, `content/ko/*.md`: the article, one Markdown file per section, in order of
  their names. `{{{{ model.name }}}}`, `{{{{ facts.… }}}}` and the figures come from the model; keep
  the two languages' sections in step (the build warns when one is missing).
- `content/<lang>/strings.toml`: every other word on the page (buttons, labels, notes).
- The model's own card, `txbuild.json` in the checkpoint folder: its name, title, how the
  article names it, whether it is trained, its example prompts (see txbuild's
  docs/model-card.md).

`txbuild serve --watch` rebuilds the pages (not the model) when content/ or templates/ change.
"""


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def new_project(
    folder: Path, model: str = "bundled", variants: str | None = None, title: str | None = None
) -> list[Path]:
    """Write a project folder; refuses a folder that exists and is not empty."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} exists and is not empty; choose a new folder")
    src = resources.content_dir()
    if not (src / "en" / "strings.toml").is_file():
        raise UsageError(f"txbuild's article is missing ({src}); reinstall txbuild")
    folder.mkdir(parents=True, exist_ok=True)
    if model not in ("bundled", "auto") and Path(model).expanduser().exists():
        # a folder: written relative to the project, so the project can move with it
        model = os.path.relpath(Path(model).expanduser().resolve(), folder.resolve())
        if not model.startswith("."):
            model = f"./{model}"
    name = folder.resolve().name
    if variants is None:
        vs = '# variants = ["int8", "q4"]'
    elif variants == "all":
        vs = 'variants = "all"'
    else:
        vs = "variants = [" + ", ".join(_toml_str(v) for v in variants.split(",")) + "]"
    (folder / PROJECT_FILE).write_text(
        TOML.format(
            model=_toml_str(model),
            title=f"title = {_toml_str(title)}"
            if title
            else '# title = { en = "Inside my model", ko = "내 모델 들여다보기" }',
            variants=vs,
        ),
        encoding="utf-8",
    )
    for lang in LANGS:
        shutil.copytree(src / lang, folder / "content" / lang)
    (folder / "README.md").write_text(README.format(name=name, out="site"), encoding="utf-8")
    return [folder / PROJECT_FILE, folder / "content", folder / "README.md"]
