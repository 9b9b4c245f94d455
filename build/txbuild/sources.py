"""Where a model comes from: the bundled checkpoint, a Hugging Face id, or a local folder.

`resolve()` turns the user's `--model` into a `ModelSource`; `load()` returns the model and its
tokenizer. Every failure is a `ModelError` with one line naming what was tried.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

from . import resources
from .errors import TxbuildError

BUNDLED_DIR = resources.bundled_model_dir()  # the wheel's package data, else the checkout's models/
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
            ref = f"models/{Path(self.ref).name}"  # the same installed or in a checkout
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
    """Whether huggingface.co answers a TCP connection within `timeout` seconds (the name
    lookup included: it runs in a thread, since getaddrinfo has no timeout of its own)."""
    import threading

    if hub_offline():
        return False
    answer: list[bool] = []

    def probe():
        try:
            socket.create_connection(HUB_HOST, timeout=timeout).close()
            answer.append(True)
        except OSError:
            answer.append(False)

    t = threading.Thread(target=probe, daemon=True, name="txbuild-hub-probe")
    t.start()
    t.join(timeout)
    return bool(answer and answer[0])


def in_hf_cache(repo_id: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    try:
        hit = try_to_load_from_cache(repo_id, "config.json")
    except ValueError:  # not a valid repo id: the hub would refuse it too
        return False
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


def _read_card(folder: Path | None) -> dict:
    """The bundled/local checkpoint may describe itself in txbuild.json (docs/model-card.md),
    validated here, before any expensive stage: every problem is one line naming the field."""
    from .card import CardError, validate_card

    if folder is None:
        return {}
    meta = folder / "txbuild.json"
    if not meta.exists():
        return {}
    try:
        card = json.loads(meta.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise ModelError(f"{meta}: not valid UTF-8") from None
    except json.JSONDecodeError as e:
        raise ModelError(f"{meta}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    try:
        return validate_card(card, meta)
    except CardError as e:
        raise ModelError(str(e)) from None


TOKENIZER_FILES = (("vocab.json", "merges.txt"), ("tokenizer.json",))


def _check_folder(folder: Path) -> None:
    """What a checkpoint folder needs before loading: the weights and the tokenizer files."""
    if not any(all((folder / f).is_file() for f in group) for group in TOKENIZER_FILES):
        raise ModelError(f"{folder} has no tokenizer files (vocab.json and merges.txt, or tokenizer.json)")


def _safetensors_shapes(folder: Path) -> dict[str, list[int]] | None:
    """{tensor name: shape} from the safetensors headers (a few KB read, nothing loaded)."""
    import json
    import struct

    files = [folder / "model.safetensors"]
    index = folder / "model.safetensors.index.json"
    if index.is_file():
        try:
            files = sorted({folder / f for f in json.loads(index.read_text())["weight_map"].values()})
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
    shapes: dict[str, list[int]] = {}
    for f in files:
        if not f.is_file():
            return None
        try:
            with open(f, "rb") as fh:
                (n,) = struct.unpack("<Q", fh.read(8))
                if n > 100 * 2**20:
                    return None
                header = json.loads(fh.read(n))
        except (OSError, ValueError, struct.error):
            return None  # damaged: from_pretrained names it
        for name, meta in header.items():
            if isinstance(meta, dict) and isinstance(meta.get("shape"), list):
                shapes[name.removeprefix("transformer.")] = meta["shape"]
    return shapes


def check_config(where: str, config, folder: Path | None) -> None:
    """config.json's sizes are sane and, for a folder, match the weights' shapes: checked
    before the model is built (an absurd n_embd would allocate for minutes, then fail)."""
    names = ("n_layer", "n_head", "n_embd", "n_positions", "vocab_size")
    for k in names:
        v = getattr(config, k, None)
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ModelError(f"{where}: config.json's {k} must be a positive whole number, not {v!r}")
    if config.n_embd % config.n_head:
        raise ModelError(f"{where}: config.json's n_embd {config.n_embd} is not divisible by n_head {config.n_head}")
    shapes = _safetensors_shapes(folder) if folder is not None else None
    if shapes is None or "wte.weight" not in shapes:
        return
    layers = {int(k.split(".")[1]) for k in shapes if k.startswith("h.") and k.split(".")[1].isdigit()}
    found = {
        "vocab_size": shapes["wte.weight"][0],
        "n_embd": shapes["wte.weight"][-1],
        "n_positions": (shapes.get("wpe.weight") or [config.n_positions])[0],
        "n_layer": len(layers) if layers else config.n_layer,
    }
    wrong = [f"{k} {getattr(config, k)} vs {v}" for k, v in found.items() if getattr(config, k) != v]
    if wrong:
        raise ModelError(
            f"{where}: the shapes in config.json do not match the weights ({', '.join(wrong)} in the weights)"
        )


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
    elif source.kind == "hub" and not in_hf_cache(where) and not hub_reachable():
        # a download is needed and the hub does not answer: one line now, not a minutes-long hang
        raise ModelError(
            f"cannot load Hugging Face id {where!r}: it is not in the local cache and huggingface.co "
            "did not answer (offline?); use --model bundled or a checkpoint folder"
        )
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
        from .card import CardError, check_metrics_file

        try:
            check_metrics_file(folder)
        except CardError as e:
            raise ModelError(e.format_message()) from None
        _check_folder(folder)
    check_config(where, config, folder)
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
