"""The model card `txbuild.json`: what a checkpoint folder says about itself to the page.

docs/model-card.md documents every field (FIELDS below is the same table). `validate_card`
checks a parsed card before anything expensive runs; every problem is one line naming the file
and the field (a `ModelError`, exit 1).
"""

from __future__ import annotations

import difflib
from pathlib import Path

from .errors import TxbuildError

LANGS = ("en", "ko")

# field -> (kind, what it is). kind: "str", "bool", "text" (a string, the English text, or
# {"en": ..., "ko": ...}), "prompts" (a non-empty list of non-empty strings), "corpus" (a string
# or a list of strings).
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("str", "The model's name in the model card line and the footnotes."),
    "title": ("text", "The page title (<title>, the first heading)."),
    "reader_name": ("text", "How sentences name the model, e.g. 'a small GPT-2 trained on recipes'."),
    "description": ("text", "One or two sentences on the first screen: what the model is."),
    "trained": ("bool", "false for random weights; leave it out to let the build measure it."),
    "build_note": ("text", "A note for readers on how this site was built."),
    "default_prompt": ("str", "The prompt the page opens with and the article is written about."),
    "example_prompts": ("prompts", "Prompts offered on the English page (each precomputed)."),
    "default_prompt_ko": ("str", "The Korean page's opening prompt (needs default_prompt)."),
    "example_prompts_ko": ("prompts", "Prompts offered on the Korean page (each precomputed)."),
    "corpus": ("corpus", "What the model was trained on: a name, or a list of file names."),
}


class CardError(TxbuildError):
    """A txbuild.json that cannot be used; one line naming the file and the field."""


def _kind_error(where: str, key: str, kind: str, value) -> CardError:
    want = {
        "str": "a str",
        "bool": "true or false",
        "text": 'a str or {"en": str, "ko": str}',
        "prompts": "a list of strings",
        "corpus": "a str or a list of strings",
    }[kind]
    return CardError(f"{where}: {key!r} must be {want}, not {type(value).__name__}")


def validate_card(card, where: str | Path = "txbuild.json") -> dict:
    """Return the card when every field is known and well-typed; else a CardError (one line)."""
    where = str(where)
    if not isinstance(card, dict):
        raise CardError(f"{where}: expected a JSON object with {', '.join(FIELDS)}")
    for key, value in card.items():
        if key not in FIELDS:
            near = difflib.get_close_matches(key, FIELDS, n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"known fields: {', '.join(FIELDS)}"
            raise CardError(f"{where}: unknown field {key!r}; {hint} (docs/model-card.md)")
        kind = FIELDS[key][0]
        if kind == "str" and not isinstance(value, str):
            raise _kind_error(where, key, kind, value)
        if kind == "bool" and not isinstance(value, bool):
            raise _kind_error(where, key, kind, value)
        if kind == "text":
            if isinstance(value, dict):
                for lang, text in value.items():
                    if lang not in LANGS:
                        raise CardError(f"{where}: {key!r} has language {lang!r}; use {' or '.join(LANGS)}")
                    if not isinstance(text, str):
                        raise CardError(f"{where}: {key!r} maps a language to a string; {lang!r} is not one")
            elif not isinstance(value, str):
                raise _kind_error(where, key, kind, value)
        if kind == "prompts":
            if not isinstance(value, list):
                raise CardError(f"{where}: {key!r} must be a list of strings, not {type(value).__name__}")
            if not value:
                raise CardError(f"{where}: {key!r} is empty")
        if kind == "corpus" and not (
            isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        ):
            raise _kind_error(where, key, kind, value)
    for key in ("default_prompt", "default_prompt_ko", "example_prompts", "example_prompts_ko"):
        values = card.get(key)
        for p in values if isinstance(values, list) else [] if values is None else [values]:
            if not isinstance(p, str) or not p.strip():
                raise CardError(f"{where}: {key!r}: every prompt must be a non-empty string")
    if "default_prompt_ko" in card and "default_prompt" not in card:
        # the Korean prompts add to the English ones (the English page always has its own)
        raise CardError(f"{where}: 'default_prompt_ko' needs a 'default_prompt' too")
    if "name" in card and not card["name"].strip():
        raise CardError(f"{where}: 'name' is empty")
    return card


def markdown_table() -> str:
    """FIELDS as the Markdown table of docs/model-card.md (a test keeps the two equal)."""
    kinds = {
        "str": "string",
        "bool": "true / false",
        "text": 'string, or `{"en": …, "ko": …}`',
        "prompts": "list of strings",
        "corpus": "string or list of strings",
    }
    rows = ["| field | type | what it does |", "| --- | --- | --- |"]
    rows += [f"| `{k}` | {kinds[kind]} | {text} |" for k, (kind, text) in FIELDS.items()]
    return "\n".join(rows)


def card_from_metrics(m: dict, folder: Path) -> dict:
    """The txbuild.json `txbuild train` writes, from the run's metrics.json: what the run knows
    (its corpus, its size, its steps). No `trained`: the build measures it (docs/model-card.md)."""
    c = m.get("config", {})
    corpus = m.get("corpus", {})
    files = [s["file"] for s in corpus.get("sources", []) if isinstance(s, dict) and s.get("file")]
    summary = (corpus.get("about") or {}).get("summary")
    what = summary or (", ".join(f.removesuffix(".txt") for f in files[:3]) + (" …" if len(files) > 3 else ""))
    what = what or "its own text"
    layers, width = c.get("layers"), c.get("width")
    shape = f"{layers}-layer, {width}-wide " if layers and width else ""
    steps = m.get("steps_done")
    card = {
        "name": Path(folder).name,
        "title": {
            "en": f"Inside a small GPT-2 trained on {what}",
            "ko": f"‘{what}’ 텍스트로 학습한 작은 GPT-2 들여다보기",
        },
        "reader_name": {"en": f"a small GPT-2 trained on {what}", "ko": f"‘{what}’ 텍스트로 학습한 작은 GPT-2"},
        "description": {
            "en": f"A {shape}GPT-2 trained from scratch with txbuild train on {what}"
            + (f", for {steps:,} steps." if isinstance(steps, int) else "."),
            "ko": f"txbuild train으로 ‘{what}’ 텍스트를 처음부터 "
            + (f"{steps:,}단계 " if isinstance(steps, int) else "")
            + "학습한 작은 GPT-2입니다.",
        },
        "corpus": files or ([summary] if summary else []),
    }
    if not card["corpus"]:
        del card["corpus"]
    return validate_card(card, Path(folder) / "txbuild.json")


def write_train_card(folder: Path) -> Path | None:
    """txbuild.json for a folder `txbuild train` wrote; one the user wrote is left as it is."""
    import json

    folder = Path(folder)
    path = folder / "txbuild.json"
    metrics = folder / "metrics.json"
    if path.exists() or not metrics.is_file():
        return None
    card = card_from_metrics(json.loads(metrics.read_text(encoding="utf-8")), folder)
    path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
