"""`site/model/<id>/manifest.json`: the single source of truth the browser reads.

One dataclass, `Manifest`, written here and nowhere else. Every fact has one home:
the graph's named sizes in `dims` (the names the inputs' and outputs' dims use), the other
numbers of the model in `config`, the prompts in `examples` (the page's default prompts are
indices into them). The JS side (web/src/manifest.js) refuses a manifest that lacks a field.
The article renders from the same object (`page_model`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from . import LANGS  # the languages of the page; a default example for each
from .graph import GRAPH, INPUTS, OUTPUTS, dims_of

SCHEMA = 2
INPUT_DTYPES = {"input_ids": "int64"}


@dataclass(frozen=True)
class Dims:
    """The sizes the graph's dims are named by (`present_key: [layer, head, ctx, head_dim]`).
    `seq`, `past`, `ctx` and `batch` are the run's own and not here."""

    layer: int
    head: int
    head_dim: int
    embd: int
    mlp: int
    vocab: int

    @classmethod
    def of(cls, config) -> Dims:
        d = dims_of(config)
        return cls(**{f.name: int(d[f.name]) for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class Config:
    """The model's numbers that are no graph dim."""

    n_ctx: int  # positions it has embeddings for
    n_params: int  # tied wte/lm_head counted once
    layer_norm_epsilon: float


@dataclass(frozen=True)
class Shard:
    name: str  # the location string the graph references (ORT's externalData path)
    path: str  # relative to the manifest
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Lens:
    """The logit lens: a small graph (ln_f + unembedding) reading the variant's own shards."""

    graph: str
    sha256: str
    bytes: int
    input: str
    output: str


@dataclass(frozen=True)
class Variant:
    graph: str
    graph_sha256: str
    graph_bytes: int
    bytes: int  # the whole download: graph + shards
    shards: list[Shard]
    lens: Lens

    @classmethod
    def placed(cls, prec: str, model_dir: Path, shards: list[dict], lens: dict) -> Variant:
        """The entry of variant `prec` whose files are already under model_dir/prec/
        (`shards`: shards.json's [{name, bytes, sha256}]; `lens`: lens.json's {graph, input, output})."""
        graph = f"{prec}/{GRAPH}"
        graph_bytes = (model_dir / graph).stat().st_size
        lens_graph = f"{prec}/{lens['graph']}"
        return cls(
            graph=graph,
            # the graph holds every small tensor (LayerNorm weights): checked like the shards
            graph_sha256=sha256_file(model_dir / graph),
            graph_bytes=graph_bytes,
            bytes=graph_bytes + sum(s["bytes"] for s in shards),
            shards=[
                Shard(name=s["name"], path=f"{prec}/{s['name']}", bytes=s["bytes"], sha256=s["sha256"]) for s in shards
            ],
            lens=Lens(
                graph=lens_graph,
                sha256=sha256_file(model_dir / lens_graph),
                bytes=(model_dir / lens_graph).stat().st_size,
                input=lens["input"],
                output=lens["output"],
            ),
        )


class TopToken(TypedDict):
    id: int
    token: str
    prob: float


class TraceTensor(TypedDict):
    name: str
    dims: list[int]
    offset: int  # bytes into the file
    length: int  # values
    dtype: str  # how they are stored: examples.ENCODINGS


class Attribution(TypedDict):
    """The direct logit attribution of the predicted token (attribution.example_entry)."""

    token: int
    parts: list[float]  # the embedding's share, then each block's attention and MLP
    bias: float
    logit: float


class Example(TypedDict):
    """A precomputed run (examples.py): the page draws it before the model has downloaded."""

    prompt: str
    lang: str  # the page that offers it first ("ko": the Korean page's own)
    ids: list[int]
    tokens: list[str]
    top: list[TopToken]
    dla: Attribution
    trace: dict  # {"path": "examples/<i>.bin", "tensors": [TraceTensor]} (examples.ENCODINGS)


def example(
    prompt: str,
    lang: str,
    ids: list[int],
    tokens: list[str],
    top: list[dict],
    dla: dict,
    path: str,
    tensors: list[TraceTensor],
) -> Example:
    """An example's entry; `top` from stages.top_tokens, `dla` from attribution.example_entry
    (copied key by key: nothing else enters the manifest with them)."""
    return Example(
        prompt=prompt,
        lang=lang,
        ids=[int(i) for i in ids],
        tokens=tokens,
        top=[TopToken(id=int(r["id"]), token=r["token"], prob=float(r["prob"])) for r in top],
        dla=Attribution(
            token=int(dla["token"]),
            parts=[float(v) for v in dla["parts"]],
            bias=float(dla["bias"]),
            logit=float(dla["logit"]),
        ),
        trace={"path": path, "tensors": tensors},
    )


@dataclass(frozen=True)
class Tensor:
    name: str
    dims: list[str]  # names: Dims' fields or the run's (batch, seq, past, ctx)


@dataclass(frozen=True)
class Input(Tensor):
    dtype: str


def _per_lang(value) -> dict[str, str]:
    """A card's text per language; a plain string is the English one."""
    if isinstance(value, str):
        return {"en": value} if value else {}
    return {str(k): str(v) for k, v in (value or {}).items()}


@dataclass(frozen=True)
class Manifest:
    id: str
    name: str
    source: dict  # sources.Source.as_dict(): {kind, ref}, never an absolute path
    trained: bool
    # the card's words per language: the model note, the page title, the build-only remarks
    # of the "about this build" note, the model as the prose names it (the article reads them)
    description: dict[str, str]
    title: dict[str, str]
    build_note: dict[str, str]
    reader_name: dict[str, str]
    dims: Dims
    config: Config
    max_tokens: int  # longest prompt the explainer runs (browser memory)
    default_example: dict[str, int]  # per page language, the index in `examples` of its default prompt
    default_variant: str
    variants: dict[str, Variant]
    examples: list[Example]
    tokenizer: dict = field(default_factory=lambda: {"js_encoding": "r50k_base"})  # gpt-tokenizer's name
    inputs: list[Input] = field(
        default_factory=lambda: [
            Input(name=n, dims=list(d), dtype=INPUT_DTYPES.get(n, "float32")) for n, d in INPUTS.items()
        ]
    )
    outputs: list[Tensor] = field(default_factory=lambda: [Tensor(name=n, dims=list(d)) for n, d in OUTPUTS.items()])
    schema: int = SCHEMA

    @classmethod
    def of(
        cls,
        lm,
        *,
        variants: dict[str, Variant],
        default_variant: str,
        max_tokens: int,
        examples: list[Example],
        default_prompts: dict[str, str],
    ) -> Manifest:
        """The manifest of `lm`; `default_prompts` {lang: prompt}, each one of the examples'
        (a language without its own default takes the English one's run)."""
        cfg = lm.model.config
        card, src = lm.card, lm.source
        default_example = {}
        for lang in LANGS:
            want = default_prompts.get(lang)
            found = [i for i, e in enumerate(examples) if e["prompt"] == want and e["lang"] == lang]
            if want is not None and not found:
                raise ValueError(f"the {lang} default prompt {want!r} has no example run")
            default_example[lang] = found[0] if found else default_example["en"]
        return cls(
            id=src.id,
            name=card.get("name", src.ref if src.kind == "hub" else src.id),
            source={k: src.as_dict()[k] for k in ("kind", "ref")},
            trained=bool(card.get("trained", True)),
            description=_per_lang(card.get("description")),
            title=_per_lang(card.get("title")),
            build_note=_per_lang(card.get("build_note")),
            reader_name=_per_lang(card.get("reader_name")),
            dims=Dims.of(cfg),
            config=Config(
                n_ctx=int(cfg.n_positions),
                n_params=int(sum(p.numel() for p in lm.model.parameters())),
                layer_norm_epsilon=float(cfg.layer_norm_epsilon),
            ),
            max_tokens=max_tokens,
            default_example=default_example,
            default_variant=default_variant,
            variants=variants,
            examples=examples,
        )

    def to_json(self) -> dict:
        """The manifest as JSON data, `schema` first."""
        d = dataclasses.asdict(self)
        return {"schema": d.pop("schema"), **d}

    def write(self, folder: Path) -> Path:
        path = folder / "manifest.json"
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1))
        return path

    def page_model(self) -> dict:
        """The article's `model` (article/context.py PageContext): the same facts under the
        names its templates use (n_layer, n_head, ...)."""
        d, c = self.dims, self.config
        return {
            "id": self.id,
            "name": self.name,
            "trained": self.trained,
            "source": self.source,
            "description": self.description,
            "title": self.title,
            "build_note": self.build_note,
            "reader_name": self.reader_name,
            "n_layer": d.layer,
            "n_head": d.head,
            "n_embd": d.embd,
            "head_dim": d.head_dim,
            "vocab_size": d.vocab,
            "n_ctx": c.n_ctx,
            "n_params": c.n_params,
            "ln_eps": c.layer_norm_epsilon,
            "max_tokens": self.max_tokens,
        }


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
