"""Train the bundled default model: a small GPT-2 from scratch on public-domain English.

corpus.py      read, clean, split and tokenize the text (GPT-2's unchanged byte-level BPE)
loop.py        the training loop: RunState, one Run (model, optimiser, data), the time budget
schedule.py    the learning-rate schedule and the schedule's length (pure functions)
model.py       the GPT2LMHeadModel a run trains, its AdamW groups, the probe fingerprint
evaluate.py    held-out loss and the previous-token head, at each evaluation
checkpoint.py  the kept weights (fp16 Hugging Face folder) and the resume state
quality.py     the quality bars: held-out loss vs unigram, previous-token head, continuations
card.py        the model card (README.md) rendered from metrics.json through card.md.j2
shards.py      split/merge safetensors for carrying weights off the GPU machine
cli.py         `txbuild train` (also `python -m txbuild.train`)

Nothing here imports other txbuild modules, so `PYTHONPATH=build python -m txbuild.train`
runs on a machine with only torch (which brings jinja2), transformers, safetensors, numpy
and click.
"""

# The bundled model's quality bars (issue #3): quality.py measures them, card.py reports
# them, shards.py picks the GPU run's variant by the second.
IMPROVEMENT_BAR = 1.5  # held-out nats/token below a unigram model of the training text, at least
PREV_TOKEN_BAR = 0.5  # mean attention of the best head on the previous token, more than
