"""The settings of a training run (no torch import, so the CLI starts fast)."""

from __future__ import annotations

from dataclasses import dataclass, field

import click


class TrainError(click.ClickException):
    """A user-input check of `txbuild train` failed: one line (`error: ...`), exit 1, no traceback.
    (Defined here, not on txbuild.errors, so the trainer runs without the rest of txbuild.)"""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split("\n")).strip())

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=file is None, file=file)


@dataclass
class TrainConfig:
    # model (GPT-2 architecture, GPT-2's tokenizer)
    layers: int = 6
    heads: int = 8
    width: int = 256
    context: int = 256
    dropout: float = 0.1
    attn_dropout: float | None = None  # on the attention weights; None: same as dropout
    # "normal": GPT-2's N(0, 0.02); "sinusoidal": the original Transformer's sines and
    # cosines at the same scale, so attending to a fixed offset is one linear map away
    position_init: str = "normal"
    # optimisation
    batch_size: int = 32  # windows of `context` tokens per step
    lr: float = 1e-3
    min_lr: float = 1e-4
    warmup: int = 200  # steps of linear warm-up
    weight_decay: float = 0.1  # on matrices (and embeddings, if decay_embeddings)
    decay_embeddings: bool = True  # False: token and position embeddings are not decayed
    beta2: float = 0.99  # AdamW's second-moment decay (beta1 is 0.9)
    grad_clip: float = 1.0
    # length: steps, or epochs (passes over the training tokens); a time budget caps either
    steps: int | None = None
    epochs: float | None = None
    time_budget: float | None = None  # seconds of training (evaluation included)
    # evaluation, logging, saving
    eval_every: int = 250
    eval_max_tokens: int | None = None  # None: the whole held-out text
    prev_token_windows: int = 8  # held-out windows for the previous-token score at each eval
    log_every: int = 50
    save_min_interval: float = 30.0  # seconds between writes of a new best checkpoint
    # run
    seed: int = 1337
    device: str = "auto"  # auto | cpu | cuda
    threads: int | None = None
    output: str = "models/gpt2-shakespeare"
    state_file: str | None = None  # None: .txbuild/train-state/<output name>.pt; "": none
    resume: bool = False
    stop_after: int | None = None  # stop this session after N steps (schedule unchanged)
    # provenance for the model card (filled in by the CLI)
    corpus_args: list[str] = field(default_factory=list)
    argv: list[str] = field(default_factory=list)
