"""Where a model comes from: the bundled checkpoint, a Hugging Face id, or a local folder.

`resolve()` turns the user's `--model` into a `ModelSource`; `load()` returns the model and its
tokenizer. Every failure is a `ModelError` with one line naming what was tried.
"""

from __future__ import annotations

import hashlib
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

from . import REPO_ROOT
from .errors import TxbuildError

BUNDLED_DIR = REPO_ROOT / "models" / "gpt2-shakespeare"
HUB_HOST = ("huggingface.co", 443)


class ModelError(TxbuildError):
    """A model that cannot be used; the message is one line for the user."""


@dataclass
class ModelSource:
    kind: str  # "bundled" | "hub" | "folder"
    ref: str  # folder path or hub id
    id: str  # a short, URL-safe name used for site/model/<id>/
    notes: list[str] = field(default_factory=list)  # warnings to show the user

    def as_dict(self) -> dict:
        """What the site may show: never the absolute path of the machine that built it."""
        if self.kind == "bundled":
            ref = str(Path(self.ref).relative_to(REPO_ROOT))
        elif self.kind == "folder":
            ref = Path(self.ref).name
        else:
            ref = self.ref
        return {"kind": self.kind, "ref": ref}


@dataclass
class LoadedModel:
    source: ModelSource
    model: object  # GPT2LMHeadModel in eval mode, float32
    tokenizer: object  # GPT2TokenizerFast
    weights_hash: str  # sha256 of the float32 state dict, the cache key of every stage
    card: dict  # what the checkpoint says about itself (description, ...); "trained" as the card
    #             says or as measured, and "fit": how that was decided (modelfacts.judge_trained)


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether huggingface.co answers a TCP connection within `timeout` seconds."""
    if hub_offline():
        return False
    try:
        socket.create_connection(HUB_HOST, timeout=timeout).close()
        return True
    except OSError:
        return False


def in_hf_cache(repo_id: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    hit = try_to_load_from_cache(repo_id, "config.json")
    return isinstance(hit, str)


def _slug(text: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_." else "-" for c in text.strip("/").split("/")[-1])
    return keep.strip("-.") or "model"


def resolve(spec: str) -> ModelSource:
    """Decide where `spec` points, without loading anything heavy."""
    if spec in ("bundled", "default"):
        return ModelSource("bundled", str(BUNDLED_DIR), BUNDLED_DIR.name)
    if spec == "auto":
        if in_hf_cache("gpt2") or hub_reachable():
            return ModelSource("hub", "gpt2", "gpt2")
        why = (
            "HF_HUB_OFFLINE is set"
            if hub_offline()
            else "huggingface.co did not answer and gpt2 is not in the local cache"
        )
        src = resolve("bundled")
        src.notes.append(
            f"--model auto: {why}; using the bundled model {BUNDLED_DIR.name} (pass --model gpt2 for GPT-2 small)"
        )
        return src
    path = Path(spec).expanduser()
    if path.exists() or spec.startswith((".", "/", "~")):
        if not path.is_dir():
            raise ModelError(f"model folder {spec!r} does not exist")
        return ModelSource("folder", str(path.resolve()), _slug(str(path.resolve())))
    if spec.count("/") <= 1 and all(c.isalnum() or c in "-_./" for c in spec):
        return ModelSource("hub", spec, _slug(spec))
    raise ModelError(f"--model {spec!r} is neither 'auto', 'bundled', a Hugging Face id nor a folder")


def _weights_hash(model) -> str:
    h = hashlib.sha256()
    for name, t in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(t.detach().float().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


CARD_FIELDS = {
    "trained": bool,
    "name": str,
    "default_prompt": str,
    "example_prompts": list,
    "default_prompt_ko": str,
    "example_prompts_ko": list,
    "description": (str, dict),
}


def _read_card(folder: Path | None) -> dict:
    """The bundled/local checkpoint may describe itself in txbuild.json (trained, description)."""
    if folder is None:
        return {}
    meta = folder / "txbuild.json"
    if not meta.exists():
        return {}
    import json

    try:
        card = json.loads(meta.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise ModelError(f"{meta}: not valid UTF-8") from None
    except json.JSONDecodeError as e:
        raise ModelError(f"{meta}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    if not isinstance(card, dict):
        raise ModelError(f"{meta}: expected a JSON object with {', '.join(CARD_FIELDS)}")
    for key, kind in CARD_FIELDS.items():
        if key in card and not isinstance(card[key], kind):
            names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise ModelError(f"{meta}: {key!r} must be a {names}, not {type(card[key]).__name__}")
    prompts = [p for key in ("example_prompts", "example_prompts_ko") for p in card.get(key, [])]
    prompts += [card[key] for key in ("default_prompt", "default_prompt_ko") if key in card]
    for key in ("example_prompts", "example_prompts_ko"):
        if key in card and not card[key]:
            raise ModelError(f"{meta}: {key!r} is empty")
    if "default_prompt_ko" in card and "default_prompt" not in card:
        # the Korean prompts add to the English ones (the English page always has its own)
        raise ModelError(f"{meta}: 'default_prompt_ko' needs a 'default_prompt' too")
    if any(not isinstance(p, str) or not p.strip() for p in prompts):
        raise ModelError(f"{meta}: every prompt must be a non-empty string")
    desc = card.get("description")
    if isinstance(desc, dict) and any(not isinstance(v, str) for v in desc.values()):
        raise ModelError(f"{meta}: 'description' maps a language to a string")
    return card


TOKENIZER_FILES = (("vocab.json", "merges.txt"), ("tokenizer.json",))


def _check_folder(folder: Path) -> None:
    """What a checkpoint folder needs before loading: the weights and the tokenizer files."""
    if not any(all((folder / f).is_file() for f in group) for group in TOKENIZER_FILES):
        raise ModelError(f"{folder} has no tokenizer files (vocab.json and merges.txt, or tokenizer.json)")


def _weights_error(where: str, e: Exception) -> ModelError:
    text = str(e)
    if "mismatch" in text.lower() or "size mismatch" in text:
        return ModelError(
            f"{where}: the shapes in config.json do not match the weights "
            "(n_embd, n_layer, n_head, vocab_size or n_positions differ)"
        )
    if type(e).__name__ == "SafetensorError" or "deserializ" in text:
        return ModelError(f"{where}: the weights file is damaged or truncated ({text.splitlines()[0]})")
    return ModelError(
        f"cannot load weights or tokenizer from {where}: {text.splitlines()[0] if text else type(e).__name__}"
    )


def load(source: ModelSource) -> LoadedModel:
    """Load a GPT-2-family checkpoint and its tokenizer; ModelError when that is impossible."""
    import warnings

    from transformers import AutoConfig, GPT2LMHeadModel, GPT2TokenizerFast
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    where = source.ref
    kwargs = {}
    if source.kind == "hub" and hub_offline():
        kwargs["local_files_only"] = True
    try:
        config = AutoConfig.from_pretrained(where, **kwargs)
    except (OSError, ValueError) as e:
        tried = f"Hugging Face id {where!r}" if source.kind == "hub" else f"folder {where}"
        reason = (
            "offline and not in the local cache" if (source.kind == "hub" and hub_offline()) else str(e).splitlines()[0]
        )
        raise ModelError(f"cannot load {tried}: {reason}") from None
    if config.model_type != "gpt2":
        raise ModelError(f"{where} is a {config.model_type!r} checkpoint; txbuild explains GPT-2-family models only")
    folder = Path(where) if source.kind != "hub" else None
    card_extra = _read_card(folder)  # before the heavy part: a bad txbuild.json fails at once
    if folder is not None:
        _check_folder(folder)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = GPT2LMHeadModel.from_pretrained(where, attn_implementation="eager", dtype="float32", **kwargs)
            tokenizer = GPT2TokenizerFast.from_pretrained(where, **kwargs)
    except Exception as e:  # safetensors, torch and transformers raise their own types
        raise _weights_error(where, e) from None
    if len(tokenizer) < 256 or len(tokenizer) > model.config.vocab_size:
        raise ModelError(
            f"{where}: the tokenizer has {len(tokenizer)} tokens but the model "
            f"{model.config.vocab_size}; the tokenizer files do not belong to it"
        )
    model.eval()
    # Trained or not: the card's word, else measured on the reference text (near ln V: untrained).
    from .article.modelfacts import judge_trained

    fit = judge_trained(model, tokenizer, card_extra)
    card = {**card_extra, "trained": fit["trained"], "fit": fit}
    return LoadedModel(source, model, tokenizer, _weights_hash(model), card)


def encode(tokenizer, text: str) -> list[int]:
    """GPT-2 BPE ids with `<|endoftext|>` treated as plain text, as the browser does."""
    return tokenizer(text, add_special_tokens=False, split_special_tokens=True)["input_ids"]
