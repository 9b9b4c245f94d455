"""`txbuild train`: train a small GPT-2 from scratch and save a Hugging Face checkpoint."""

from __future__ import annotations

import glob
import sys
from pathlib import Path

import click

from .config import TrainConfig

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
@click.option("--output", "-o", default=_D.output, help="Checkpoint folder to write.")
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
def train(corpus, tokens, heldout_fraction, corpus_about, card, **opts):
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
    metrics = run_training(cfg, data)
    from ..card import write_train_card

    write_train_card(Path(cfg.output))  # txbuild.json, what the page reads (docs/model-card.md)
    if card:
        from .card import write_card

        write_card(Path(cfg.output), train.params)
    return metrics
