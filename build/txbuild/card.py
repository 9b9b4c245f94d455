"""The model card `txbuild.json`: what a checkpoint folder says about itself to the page.

docs/model-card.md documents every field (FIELDS below is the same table). `validate_card`
checks a parsed card before anything expensive runs, `validate_metrics` the training record
(metrics.json) the article reads; every problem is one line naming the file and the field.
"""

from __future__ import annotations

import difflib
import json
from numbers import Real
from pathlib import Path

from . import LANGS
from .errors import TxbuildError

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
                if not value:
                    raise CardError(f'{where}: {key!r} is an empty object; give a string or {{"en": ..., "ko": ...}}')
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


def _type(v) -> str:
    return "null" if v is None else type(v).__name__


def _number(v, nullable: bool = False) -> bool:
    if v is None:
        return nullable
    return isinstance(v, Real) and not isinstance(v, bool)


# metrics.json (txbuild train writes it): the fields the article reads, and their types.
METRIC_NUMBERS = ("steps_done", "tokens_seen", "train_tokens", "epochs_seen", "heldout_tokens", "wall_time_s")
METRIC_OBJECTS = ("quality", "config", "corpus")


def validate_metrics(m, where: str = "metrics.json") -> None:
    """Raise CardError (one line naming the field) unless `m` is a usable metrics.json."""
    if not isinstance(m, dict):
        raise CardError(f"{where}: expected a JSON object, not {_type(m)}")
    for key in METRIC_NUMBERS:
        if key in m and not _number(m[key], nullable=True):
            raise CardError(f"{where}: {key!r} must be a number, not {_type(m[key])}")
    for key in METRIC_OBJECTS:
        if key in m and m[key] is not None and not isinstance(m[key], dict):
            raise CardError(f"{where}: {key!r} must be an object, not {_type(m[key])}")
    hist = m.get("history", [])
    if not isinstance(hist, list):
        raise CardError(f"{where}: 'history' must be a list, not {_type(hist)}")
    for i, h in enumerate(hist):
        if not isinstance(h, dict):
            raise CardError(f"{where}: history[{i}] must be an object, not {_type(h)}")
        if "step" not in h or not _number(h["step"]):
            raise CardError(f"{where}: history[{i}].step must be a number")
        for key in ("heldout_loss", "train_loss"):
            if key in h and not _number(h[key], nullable=True):
                raise CardError(f"{where}: history[{i}].{key} must be a number or null, not {_type(h[key])}")
    q = m.get("quality") or {}
    for key in ("heldout_loss", "heldout_tokens", "unigram_loss"):
        if key in q and not _number(q[key], nullable=True):
            raise CardError(f"{where}: quality.{key} must be a number, not {_type(q[key])}")
    cfg = m.get("config") or {}
    for key in ("batch_size", "context", "lr"):
        if key in cfg and not _number(cfg[key], nullable=True):
            raise CardError(f"{where}: config.{key} must be a number, not {_type(cfg[key])}")
    sources = (m.get("corpus") or {}).get("sources")
    if sources is not None and not isinstance(sources, list):
        raise CardError(f"{where}: corpus.sources must be a list, not {_type(sources)}")


def read_json(path: Path) -> object:
    """A JSON file, or CardError naming the file (and the line) when it cannot be read."""
    try:
        return json.loads(Path(path).read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise CardError(f"{path}: not valid UTF-8") from None
    except json.JSONDecodeError as e:
        raise CardError(f"{path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    except OSError as e:
        raise CardError(f"{path}: cannot read it ({e.strerror})") from None


def check_metrics_file(folder: Path | None) -> None:
    """metrics.json beside a checkpoint, if there is one, is readable and well-typed."""
    if folder is None or not (Path(folder) / "metrics.json").exists():
        return
    path = Path(folder) / "metrics.json"
    validate_metrics(read_json(path), str(path))
