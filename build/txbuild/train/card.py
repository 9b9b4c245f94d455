"""The model card: README.md rendered from the checkpoint's metrics.json through card.md.j2.

What the card says about the corpus (its name, origin, licence) comes from the corpus's own
`about` record in metrics.json (`--about` / `--corpus-about`, e.g. scripts/corpus-shakespeare.json);
without one the card says the licence was not recorded. metrics.json holds what training
recorded (config, steps, time, held-out loss curve) and, once `python -m txbuild.train.quality`
has run, the quality measurements. The card ends
with a machine-readable JSON block (between `<!-- metrics -->` markers) that tests parse.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from . import IMPROVEMENT_BAR, PREV_TOKEN_BAR

MARK_BEGIN, MARK_END = "<!-- metrics:begin -->", "<!-- metrics:end -->"


# Options that change nothing about the weights a run ends with (logging, saving, resuming,
# threads), and the length options that --steps replaces: left out of the reproduce command.
NOT_REPRODUCED = {
    "log_every",
    "save_min_interval",
    "state_every",
    "threads",
    "state_file",
    "resume",
    "stop_after",
    "prev_token_windows",
    "epochs",
    "time_budget",
    "steps",
    "device",
    "output",
}


def reproduce_command(m: dict, options) -> str:
    """The `txbuild train` command that reruns this schedule exactly (steps, not seconds).

    Every option of `txbuild train` (`options`: its click params, which the caller passes, so
    the card does not import the CLI that writes it) that shapes the weights is written out
    from the run's config, so a new option needs no edit here (NOT_REPRODUCED lists the ones
    that don't)."""
    c = m["config"]
    ca = c.get("corpus_args", [])
    parts = [" ".join(shlex.quote(str(a)) for a in ca[i : i + 2]) for i in range(0, len(ca) - 1, 2)]
    for p in options:
        if not p.opts[0].startswith("--") or p.name not in c or p.name in NOT_REPRODUCED:
            continue
        value = c[p.name]
        if value is None:
            continue
        if p.is_flag:
            if getattr(p, "secondary_opts", None):
                parts.append(p.opts[0] if value else p.secondary_opts[0])
            elif value:
                parts.append(p.opts[0])
            continue
        parts.append(f"{p.opts[0]} {shlex.quote(str(value))}")
    dev = m.get("device", "cpu").split()[0]
    parts += [f"--steps {m['steps_planned']}", f"--device {dev}", f"--output {shlex.quote(c['output'])}"]
    from .config import TrainConfig

    if Path(c["output"]).as_posix().rstrip("/") == TrainConfig().output:
        parts.append("--force")  # the bundled model's folder is in the repository, not made by a run
    return " \\\n    ".join(["txbuild train", *parts])


def variant_recipe(vc: dict) -> str:
    """The options a variant set beyond the common ones, in words ('-' for none)."""
    parts = []
    if vc.get("attn_dropout") is not None:
        parts.append(f"attention dropout {vc['attn_dropout']}")
    if vc.get("position_init", "normal") != "normal":
        parts.append(f"{vc['position_init']} positions")
    if not vc.get("decay_embeddings", True):
        parts.append("embeddings not decayed")
    return ", ".join(parts) or "-"


def file_size(folder: Path, name: str) -> int | None:
    p = folder / name
    return p.stat().st_size if p.exists() else None


def card_summary(m: dict, folder: Path) -> dict:
    """The machine-readable block: the numbers tests and the site read."""
    q = m.get("quality", {})
    c = m["config"]
    out = {
        "model": folder.name,
        "n_layer": c["layers"],
        "n_head": c["heads"],
        "n_embd": c["width"],
        "n_positions": c["context"],
        "vocab_size": 50257,
        "parameters": m["parameters"],
        "weights_bytes": file_size(folder, "model.safetensors"),
        "dtype": "float16",
        "train_tokens": m["train_tokens"],
        "steps": m["steps_done"],
        "best_step": m["best_step"],
        "epochs_seen": m["epochs_seen"],
        "wall_time_s": m["wall_time_s"],
        "tokens_per_s": m["tokens_per_s"],
        "device": m["device"],
    }
    for key in (
        "heldout_file",
        "heldout_sha256",
        "heldout_tokens",
        "heldout_loss",
        "heldout_loss_first_4096",
        "unigram_loss",
        "improvement_nats",
        "prev_token_head",
    ):
        if key in q:
            out[key] = q[key]
    return out


def token_amount(n: int) -> str:
    """ "1.9 million" from a million on, else the count itself ("48,210"): never "0.0 million"."""
    return f"{n / 1e6:.1f} million" if n >= 1_000_000 else f"{n:,}"


def files_phrase(n: int) -> str:
    return f"{n:,} plain-text file" + ("" if n == 1 else "s")


def _fmt_time(s: float) -> str:
    m, s = divmod(int(round(s)), 60)
    return f"{m} min {s:02d} s" if m else f"{s} s"


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent)),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["thousands"] = lambda n: f"{n:,.0f}" if isinstance(n, float) else f"{n:,}"
    env.filters["g"] = lambda x: f"{x:g}"
    # "1 step", "200 steps": a count and its noun
    env.filters["count"] = lambda n, noun: f"{n:,} {noun}" + ("" if n == 1 else "s")
    return env


def render(m: dict, folder: Path, options) -> str:
    """The card's Markdown: card.md.j2 filled from metrics.json (and the weights' size);
    `options`: the `txbuild train` command's params (for the reproduce command)."""
    from .config import TrainConfig

    c, q, corpus = m["config"], m.get("quality", {}), m.get("corpus", {})
    summary = card_summary(m, folder)
    sources = corpus.get("sources", [])
    variants = []
    for v in sorted(m.get("variants") or [], key=lambda v: v["run"]):
        prev = v.get("best_prev_token")
        variants.append(
            {
                **v,
                "recipe": variant_recipe(v["config"]),
                "prev": f"L{prev['layer']}H{prev['head']} {prev['score']:.3f}" if prev else "not logged",
            }
        )
    rows = []
    if q.get("prev_token_scores"):
        tops = q.get("prev_token_top_fractions") or [[None] * len(r) for r in q["prev_token_scores"]]
        for li, (row, trow) in enumerate(zip(q["prev_token_scores"], tops)):
            rows.append(
                f"layer {li}: "
                + "  ".join(f"{v:.2f}" + (f"/{tv:.2f}" if tv is not None else "") for v, tv in zip(row, trow))
            )
    ca = c.get("corpus_args", [])
    quality_corpus = " ".join(shlex.quote(a) for a in ca if a != "--heldout-fraction") if ca else ""
    if ca and ca[0] == "--corpus":  # quality.py takes the files after one --corpus
        quality_corpus = "--corpus " + " ".join(
            shlex.quote(ca[i + 1]) for i in range(0, len(ca) - 1, 2) if ca[i] == "--corpus"
        )
    elif ca and ca[0] == "--tokens":
        quality_corpus = f"--tokens {shlex.quote(ca[1])}"
    prev = q.get("prev_token_head")
    return (
        _environment()
        .get_template("card.md.j2")
        .render(
            m=m,
            c=c,
            q=q,
            corpus=corpus,
            about=corpus.get("about", {}),
            name=folder.name,
            bundled=Path(c["output"]).as_posix().rstrip("/") == TrainConfig().output,
            sources=sources,
            amount=token_amount(m["train_tokens"]),
            n_files=files_phrase(len(sources)),
            fit=m.get("schedule_fit"),
            file_names=", ".join(
                s["file"].removesuffix(".txt").removesuffix("_gut").replace("_", " ") for s in sources
            ),
            heldout_file=q.get("heldout_file") or corpus.get("heldout_file"),
            size=summary["weights_bytes"],
            wall_time=_fmt_time(m["wall_time_s"]),
            variants=variants,
            prev_token_rows=rows,
            improvement_bar=IMPROVEMENT_BAR,
            prev_token_bar=PREV_TOKEN_BAR,
            reproduce=reproduce_command(m, options),
            quality_corpus=quality_corpus,
            argv=shlex.join(m["argv"]) if m.get("argv") else "",
            diffuse=bool(prev) and prev["score"] <= PREV_TOKEN_BAR,
            mark_begin=MARK_BEGIN,
            mark_end=MARK_END,
            summary_json=json.dumps(summary, indent=2),
        )
    )


def write_card(folder: Path, options) -> Path:
    folder = Path(folder)
    m = json.loads((folder / "metrics.json").read_text())
    path = folder / "README.md"
    path.write_text(render(m, folder, options), encoding="utf-8")
    return path


def read_card_metrics(folder: Path) -> dict:
    """The machine-readable block of a model card."""
    text = (Path(folder) / "README.md").read_text(encoding="utf-8")
    m = re.search(re.escape(MARK_BEGIN) + r"\s*```json\s*(.*?)```\s*" + re.escape(MARK_END), text, re.S)
    assert m, "no metrics block in the model card"
    return json.loads(m.group(1))
