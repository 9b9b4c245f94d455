"""`txbuild train`: train a small GPT-2 from scratch and save a Hugging Face checkpoint."""

from __future__ import annotations

import glob
import sys
from pathlib import Path

import click

from .config import TrainConfig, TrainError

_D = TrainConfig()  # defaults


def expand_corpus(patterns: tuple[str, ...]) -> list[Path]:
    """Files, directories (their *.txt) or glob patterns -> sorted unique files."""
    files: set[Path] = set()
    for pat in patterns:
        p = Path(pat)
        if p.is_dir():
            files.update(p.glob("*.txt"))
        elif p.is_file():
            files.add(p)
        else:
            hits = [Path(h) for h in glob.glob(pat)]
            if not hits:
                raise click.BadParameter(f"no files match {pat!r}", param_hint="--corpus")
            files.update(h for h in hits if h.is_file())
    return sorted(files)


OWN = ".txbuild-train"  # in an --output folder txbuild train made


def claim_output(output: str | None, force: bool, resume: bool) -> Path:
    """The checkpoint folder, checked before anything is read or trained: required; `~` expanded;
    new, empty or made by txbuild train (its OWN file) unless --force or --resume."""
    if not output:
        raise TrainError(
            "give --output/-o DIR, the checkpoint folder to write (a new folder; the bundled model's "
            "folder only with --force)"
        )
    out = Path(output).expanduser()
    if str(out).startswith("~"):
        raise TrainError(f"--output {output}: no such user's home folder")
    if out.exists() and not out.is_dir():
        raise TrainError(f"--output {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / OWN).is_file() and not (force or resume):
        names = sorted(p.name for p in out.iterdir())
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        raise TrainError(
            f"--output {out} holds files txbuild train did not write ({shown}); it would overwrite "
            "README.md, config.json and the weights: choose a new folder, or pass --force (or --resume)"
        )
    return out


def mark_output(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if not (out / OWN).exists():
        (out / OWN).write_text("written by txbuild train\n")


def check_numbers(opts: dict) -> None:
    """Sizes and rates that must be positive: one line each, before the corpus is read."""
    for name in ("layers", "heads", "width", "context", "batch_size", "eval_every", "log_every"):
        if opts[name] is not None and opts[name] < 1:
            raise TrainError(f"--{name.replace('_', '-')} must be at least 1, not {opts[name]}")
    for name in ("steps", "epochs", "time_budget", "stop_after", "threads"):
        if opts.get(name) is not None and opts[name] <= 0:
            raise TrainError(f"--{name.replace('_', '-')} must be positive, not {opts[name]}")
    if opts["lr"] <= 0 or opts["min_lr"] < 0:
        raise TrainError("--lr must be positive and --min-lr not negative")
    if opts["width"] % opts["heads"]:
        raise TrainError(f"--width {opts['width']} must be a multiple of --heads {opts['heads']}")


@click.command("train", context_settings={"show_default": True, "max_content_width": 100})
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    metavar="PATH|GLOB",
    help="Text files (repeatable; a directory means its *.txt; globs are expanded).",
)
@click.option(
    "--tokens",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Pre-tokenized corpus folder (train.npy, heldout.npy, meta.json), "
    "as written by `python -m txbuild.train.corpus` (instead of --corpus).",
)
@click.option(
    "--heldout-fraction",
    type=float,
    default=0.025,
    help="Tail of every document held out for evaluation (with --corpus).",
)
@click.option(
    "--corpus-about",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="JSON file describing the corpus (summary, origin, licence, ...) for the model card; "
    "default: the one `python -m txbuild.train.corpus --about` stored with --tokens.",
)
@click.option("--layers", type=int, default=_D.layers)
@click.option("--heads", type=int, default=_D.heads)
@click.option("--width", type=int, default=_D.width, help="n_embd")
@click.option("--context", type=int, default=_D.context, help="n_positions")
@click.option("--dropout", type=click.FloatRange(0, 1, max_open=True), default=_D.dropout)
@click.option(
    "--attn-dropout",
    type=click.FloatRange(0, 1, max_open=True),
    default=None,
    help="Dropout on the attention weights (default: --dropout). Dropping single "
    "keys at random discourages heads that rely on one key, such as "
    "previous-token heads.",
)
@click.option(
    "--position-init",
    type=click.Choice(["normal", "sinusoidal"]),
    default=_D.position_init,
    help="Initial position embeddings: GPT-2's random normal, or sines and cosines at the same scale (still learned).",
)
@click.option("--batch-size", type=int, default=_D.batch_size, help="Windows per step.")
@click.option("--lr", type=float, default=_D.lr, help="Peak learning rate.")
@click.option("--min-lr", type=float, default=_D.min_lr, help="End of the cosine.")
@click.option("--warmup", type=int, default=_D.warmup, help="Linear warm-up steps.")
@click.option("--weight-decay", type=float, default=_D.weight_decay)
@click.option(
    "--decay-embeddings/--no-decay-embeddings",
    default=_D.decay_embeddings,
    help="Apply weight decay to the token and position embeddings too.",
)
@click.option("--beta2", type=float, default=_D.beta2, help="AdamW's second-moment decay.")
@click.option("--grad-clip", type=float, default=_D.grad_clip)
@click.option("--steps", type=int, default=None, help="Length of the schedule in steps.")
@click.option("--epochs", type=float, default=None, help="Length in passes over the corpus.")
@click.option("--time-budget", type=float, default=None, help="Seconds; the schedule is shortened to end inside it.")
@click.option("--eval-every", type=int, default=_D.eval_every, help="Steps between evals.")
@click.option(
    "--eval-max-tokens", type=int, default=None, help="Evaluate on the first N held-out tokens only (default: all)."
)
@click.option(
    "--prev-token-windows",
    type=int,
    default=_D.prev_token_windows,
    help="Held-out windows for the previous-token score logged at each eval (0: skip it).",
)
@click.option("--log-every", type=int, default=_D.log_every)
@click.option(
    "--save-min-interval",
    type=float,
    default=_D.save_min_interval,
    help="Seconds between writes of a new best checkpoint.",
)
@click.option("--seed", type=int, default=_D.seed)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", help="cuda trains under bf16 autocast."
)
@click.option("--threads", type=int, default=None, help="CPU threads for torch.")
@click.option(
    "--output",
    "-o",
    default=None,
    help="Checkpoint folder to write (required): a new or empty folder, or one an earlier "
    "`txbuild train` made; another folder only with --force.",
)
@click.option("--force", is_flag=True, help="Write into --output even if txbuild train did not make it.")
@click.option(
    "--state-file", default=None, help="Resume state (default .txbuild/train-state/<output name>.pt; '' for none)."
)
@click.option("--resume", is_flag=True, help="Continue from the state file.")
@click.option(
    "--stop-after",
    type=int,
    default=None,
    help="Stop this session after N steps (the schedule stays; --resume continues).",
)
@click.option("--card/--no-card", default=True, help="Write the model card README.md.")
def train(corpus, tokens, heldout_fraction, corpus_about, card, force, **opts):
    """Train a GPT-2 (architecture and tokenizer) from scratch on plain text.

    \b
    Example (the bundled model; see its README.md for the exact command):
      scripts/fetch_corpus.sh
      txbuild train --tokens data/tokens --dropout 0.1 --steps 1885 --device cuda
    """
    from .corpus import build_corpus, load_tokens, read_about
    from .loop import train as run_training

    if bool(corpus) == bool(tokens):
        raise click.UsageError("give either --corpus or --tokens")
    if not (opts["steps"] or opts["epochs"] or opts["time_budget"]):
        raise click.UsageError("give --steps, --epochs or --time-budget")
    check_numbers(opts)
    out = claim_output(opts["output"], force=force, resume=opts["resume"])
    opts["output"] = str(out)
    if opts["device"] == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise TrainError("--device cuda, but torch sees no GPU here; use --device cpu (or auto)")
    if tokens:
        data = load_tokens(tokens)
        corpus_args = ["--tokens", str(tokens)]
    else:
        files = expand_corpus(corpus)
        data = build_corpus(files, heldout_fraction)
        corpus_args = [a for c in corpus for a in ("--corpus", c)]
        if heldout_fraction != 0.025:
            corpus_args += ["--heldout-fraction", str(heldout_fraction)]
    if corpus_about:
        data.meta["about"] = read_about(corpus_about)
        corpus_args += ["--corpus-about", str(corpus_about)]
    # `txbuild train ARGS` and `python -m txbuild.train ARGS` record the same command line
    args = sys.argv[2:] if sys.argv[1:2] == ["train"] else sys.argv[1:]
    cfg = TrainConfig(**opts, corpus_args=corpus_args, argv=["txbuild", "train", *args])
    mark_output(out)
    metrics = run_training(cfg, data)
    from ..card import write_train_card

    write_train_card(Path(cfg.output))  # txbuild.json, what the page reads (docs/model-card.md)
    if card:
        from .card import write_card

        write_card(Path(cfg.output), train.params)
    return metrics
