"""A checkpoint's own description (txbuild.json) and training record (metrics.json), checked
before anything expensive runs: a field of the wrong type ends in one line naming it.

`validate_card(card)` and `validate_metrics(metrics)` raise CardError (a TxbuildError); add a
field to CARD_FIELDS (or a check below) to extend them. Values are plain text: the templates
escape them where they enter HTML.
"""

from __future__ import annotations

import json
from numbers import Real
from pathlib import Path

from .errors import TxbuildError


class CardError(TxbuildError):
    """txbuild.json or metrics.json holds something the build cannot use; one line."""


TEXT = "text"  # a string, or an object mapping a language ("en", "ko") to a string
PROMPTS = "prompts"  # a non-empty list of non-empty strings

CARD_FIELDS: dict[str, object] = {
    "trained": bool,
    "name": str,
    "title": TEXT,
    "reader_name": TEXT,
    "build_note": TEXT,
    "description": TEXT,
    "default_prompt": str,
    "default_prompt_ko": str,
    "example_prompts": PROMPTS,
    "example_prompts_ko": PROMPTS,
}


def _kind_name(kind) -> str:
    return {TEXT: "string (or an object of language: string)", PROMPTS: "list of strings"}.get(
        kind, getattr(kind, "__name__", str(kind))
    )


def _type(v) -> str:
    return "null" if v is None else type(v).__name__


def validate_card(card, where: str = "txbuild.json") -> None:
    """Raise CardError (one line naming the field) unless `card` is a usable txbuild.json."""
    if not isinstance(card, dict):
        raise CardError(f"{where}: expected a JSON object, not {_type(card)}")
    for key, kind in CARD_FIELDS.items():
        if key not in card:
            continue
        v = card[key]
        if kind is TEXT:
            ok = isinstance(v, str) or (
                isinstance(v, dict) and v and all(isinstance(k, str) and isinstance(t, str) for k, t in v.items())
            )
        elif kind is PROMPTS:
            ok = isinstance(v, list)
            if ok and not v:
                raise CardError(f"{where}: {key!r} is empty")
            if ok and any(not isinstance(p, str) or not p.strip() for p in v):
                raise CardError(f"{where}: {key!r}: every prompt must be a non-empty string")
        elif kind is bool:
            ok = isinstance(v, bool)
        else:
            ok = isinstance(v, kind)
        if not ok:
            raise CardError(f"{where}: {key!r} must be a {_kind_name(kind)}, not {_type(v)}")
    for key in ("default_prompt", "default_prompt_ko"):
        if key in card and not card[key].strip():
            raise CardError(f"{where}: {key!r}: every prompt must be a non-empty string")
    if "default_prompt_ko" in card and "default_prompt" not in card:
        # the Korean prompts add to the English ones (the English page always has its own)
        raise CardError(f"{where}: 'default_prompt_ko' needs a 'default_prompt' too")


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
