"""Facts about the default prompt's run that the article's prose quotes (`{{ facts.… }}`).

Everything here is computed from `ctx.example` and `ctx.trace`, so the text stays true for
whatever model the site was built with.
"""

from __future__ import annotations

import numpy as np

from ..numerics import softmax, top_k, top_p_count
from .bpe import label, token_labels

ATTENTION_WINDOW = 16  # the attention figures draw a longer prompt's last 16 tokens (viz/attention.py)


def prev_token_head(trace: dict) -> tuple[int, int, float]:
    """(layer, head, score): the head that puts most weight on the previous token, averaged over positions 1..T-1."""
    a = np.asarray(trace["attn_probs"], dtype=np.float64)  # [L, H, T, T]
    T = a.shape[-1]
    if T < 2:
        return 0, 0, 0.0
    idx = np.arange(1, T)
    score = a[:, :, idx, idx - 1].mean(axis=-1)  # [L, H]
    l, h = np.unravel_index(int(np.argmax(score)), score.shape)
    return int(l), int(h), float(score[l, h])


MAX_BARS = 400  # the sampling figure widens to show a top-p cut up to this rank


def sampling_bars(keep_p: int, vocab: int, n: int = 40) -> int:
    """How many ranks the sampling figure draws: n, or enough to show the top-p cut if it is near."""
    return min(max(n, keep_p + 3) if keep_p <= MAX_BARS else n, vocab)


def prompt_head(trace: dict, layer: int, head: int) -> dict:
    """How one head (1-based) attends in the prompt itself, over rows i >= 2 (row 1's previous
    token is also its first)."""
    a = np.asarray(trace["attn_probs"][layer - 1, head - 1], dtype=np.float64)
    T = a.shape[-1]
    if T < 3:
        return {"prev": None, "first": None, "rows": 0}
    i = np.arange(2, T)
    return {"prev": float(a[i, i - 1].mean()), "first": float(a[i, 0].mean()), "rows": int(T - 2)}


def first_column(trace: dict, layer: int, head: int) -> dict:
    """Why a short prompt's first column is bright: each row's weights sum to 1 and every row can
    see the first token, so even a head that spreads its weight evenly over what it sees gives the
    first column 1 + 1/2 + … + 1/T of the T rows' total T, and the last column only 1/T. Also
    what one head (1-based) really gives the first and the last column."""
    a = np.asarray(trace["attn_probs"][layer - 1, head - 1], dtype=np.float64)
    T = a.shape[-1]
    return {
        "rows": T,
        "whole": T <= ATTENTION_WINDOW,  # the attention figure shows every row
        "even_first": float(sum(1.0 / (i + 1) for i in range(T))),
        "even_last": 1.0 / T if T else 0.0,
        "first": float(a[:, 0].sum()),
        "last": float(a[:, -1].sum()) if T else 0.0,
    }


def prompt_sinks(trace: dict, bar: float) -> dict:
    """Heads whose weight on the prompt's first token, over rows i >= 2, is more than `bar`."""
    a = np.asarray(trace["attn_probs"], dtype=np.float64)  # [L, H, T, T]
    T = a.shape[-1]
    if T < 3:
        return {"count": 0, "of": int(a.shape[0] * a.shape[1]), "mean_first": None, "uniform": None}
    first = a[:, :, 2:, 0].mean(-1)
    uniform = float(np.mean([1.0 / (i + 1) for i in range(2, T)]))  # what even spreading gives one key
    return {
        "count": int((first > bar).sum()),
        "of": int(first.size),
        "mean_first": float(first.mean()),
        "uniform": uniform,
    }


def lens_facts(lens: list[list[dict]] | None, ids: list[int], last_token: str = "") -> dict | None:
    """Where the logit lens' top guess first becomes, and stays, the final answer; and whether the
    embedding row's top guess is the input token itself (what tied embeddings make likely)."""
    if not lens or not ids:
        return None
    tops = [int(row[0]["id"]) if row else None for row in lens]
    final = tops[-1]
    settle = len(tops) - 1
    while settle > 0 and tops[settle - 1] == final:
        settle -= 1
    return {
        "embed_is_input": tops[0] == int(ids[-1]),
        "embed_top": label(tops[0], str(lens[0][0]["token"])),
        "input": label(int(ids[-1]), last_token),
        "settle": settle,
        "stages": len(tops),
        "settle_is_last": settle == len(tops) - 1,
    }


def worked_softmax(z: np.ndarray, top: list[dict], k: int = 3) -> dict:
    """A softmax over the top k logits, worked by hand, and the same tokens' real probabilities."""
    order = top_k(z, k)
    zk = z[order]
    e = np.exp(zk - zk.max())  # the worked steps the prose shows; `share` is the same softmax over k
    share = softmax(zk)
    names = {int(t["id"]): str(t["token"]) for t in top}
    p_all = softmax(z)
    rows = [
        {
            "token": label(int(i), names.get(int(i), f"#{int(i)}")),
            "logit": float(z[i]),
            "diff": float(z[i] - zk.max()),
            "exp": float(ei),
            "share": float(si),
            "prob": float(p_all[i]),
        }
        for i, ei, si in zip(order, e, share)
    ]
    return {"rows": rows, "sum": float(e.sum()), "mass": float(p_all[order].sum())}


def compute(
    model: dict, example: dict, trace: dict, measured: dict | None = None, lens: list[list[dict]] | None = None
) -> dict:
    tokens = token_labels(example)
    T = len(tokens)
    facts: dict = {"n_tokens": T, "tokens": tokens, "prompt": example.get("prompt", "")}
    facts["split_bytes"] = any("⟨" in t for t in tokens)  # a character split across tokens
    ids = [int(i) for i in example.get("ids", [])]
    facts["repeated"] = next((label(i, str(example["tokens"][j])) for j, i in enumerate(ids) if i in ids[:j]), None)

    top = example.get("top") or []
    if top:
        facts["top1"] = {
            "token": label(int(top[0]["id"]), str(top[0]["token"])),
            "id": int(top[0]["id"]),
            "prob": float(top[0]["prob"]),
        }
    logits = trace.get("logits")
    if logits is not None and len(logits):
        z = np.asarray(logits[-1], dtype=np.float64)
        p = softmax(z)
        order = np.sort(p)[::-1]
        facts["logit_max"] = float(z.max())
        facts["logit_min"] = float(z.min())
        facts["p_top1"] = float(order[0])
        facts["top10_mass"] = float(order[:10].sum())
        facts["n_for_90"] = top_p_count(p, 0.9)  # tokens a top-p of 0.9 keeps
        facts["sampling_bars"] = sampling_bars(facts["n_for_90"], len(order))
        for temp in (0.5, 1.0, 2.0):
            facts[f"p_top1_t{str(temp).replace('.', '_')}"] = float(softmax(z, temp).max())
        # Lowering T raises p_i where z_i is above the probability-weighted mean logit and lowers
        # it below (d p_i / d(1/T) = p_i (z_i - sum_j p_j z_j)); from T = 1 to T = 0.5 the data say
        # which tokens gained. The runner-up can go either way.
        p05 = softmax(z, 0.5)
        zbar = float(p @ z)
        second = int(top_k(z, 2)[1]) if len(z) > 1 else 0
        facts["temp_rule"] = {
            "mean_logit": zbar,
            "n_above": int((z > zbar).sum()),
            "n_gain": int((p05 > p).sum()),
            "vocab": int(len(z)),
        }
        facts["second"] = {
            "token": label(second, next((str(t["token"]) for t in top if int(t["id"]) == second), f"#{second}")),
            "p_t1_0": float(p[second]),
            "p_t0_5": float(p05[second]),
            "logit": float(z[second]),
            "above_mean": bool(z[second] > zbar),
            "rises": bool(p05[second] > p[second]),
        }
        facts["softmax"] = worked_softmax(z, top)
        if "top1" not in facts:
            i = int(np.argmax(p))
            facts["top1"] = {"token": f"#{i}", "id": i, "prob": float(p[i])}

    if "attn_probs" in trace:
        from .modelfacts import summarize_heads

        measured = measured or {}
        # Without a measurement over a reference text (synthetic demo pages), the prompt is the reference.
        heads = measured.get("heads") or summarize_heads([trace["attn_probs"]], "prompt")
        facts["heads"] = heads
        facts["shown_in_prompt"] = prompt_head(trace, heads["shown"]["layer"], heads["shown"]["head"])
        facts["prompt_sinks"] = prompt_sinks(trace, heads["sink_bar"])
        facts["first_column"] = first_column(trace, heads["shown"]["layer"], heads["shown"]["head"])
        # "N times what even spreading would give" only when N is worth the words
        u = heads["uniform"]
        facts["prev_ratio"] = heads["best_prev"]["score"] / u if u else None
    facts["neighbours"] = (measured or {}).get("neighbours") or []
    facts["training"] = (measured or {}).get("training")
    facts["uniform_loss"] = float(np.log(model["vocab_size"]))
    # how the build knows whether the model is trained: the card's word, or a measurement
    from .modelfacts import UNTRAINED_MARGIN

    fit = {"trained": bool(model.get("trained")), "by": "card", "loss": None, "tokens": 0}
    fit.update(uniform=facts["uniform_loss"], margin=UNTRAINED_MARGIN)
    fit.update((measured or {}).get("fit") or {})
    facts["fit"] = fit
    facts["reference"] = (measured or {}).get("reference") or "unknown"
    facts["gpt2"] = gpt2_comparison(model)
    if facts["training"]:
        r = facts["training"]
        facts["training_p"] = float(np.exp(-r["heldout_loss"]))
        facts["training_ppl"] = float(np.exp(r["heldout_loss"]))
        # "the loss starts at about the uniform guess" only when it did
        facts["training_starts_uniform"] = abs(r["first_loss"] - facts["uniform_loss"]) < 0.5
    facts["lens_notice"] = lens_facts(lens, ids, str(example["tokens"][-1]) if example.get("tokens") else "")

    if "embed" in trace and "ln1" in trace and T:
        x = np.asarray(trace["embed"][-1], dtype=np.float64)
        y = np.asarray(trace["ln1"][0][-1], dtype=np.float64)
        eps = float(model.get("ln_eps", 1e-5))  # the config's layer_norm_epsilon (GPT-2's default)
        facts["ln"] = {
            "mean_in": float(x.mean()),
            "std_in": float(x.std()),
            "eps": eps,
            # what (x - μ) / sqrt(σ² + ε) has before γ and β: a little under 1
            "std_norm": float(x.std() / np.sqrt(x.var() + eps)),
            "mean_out": float(y.mean()),
            "std_out": float(y.std()),
        }

    if "resid_post" in trace and T:
        norms = [float(np.linalg.norm(trace["embed"][-1]))] + [
            float(np.linalg.norm(r[-1])) for r in trace["resid_post"]
        ]
        facts["resid_norm_first"] = norms[0]
        facts["resid_norm_last"] = norms[-1]

    if "mlp_act" in trace and T:
        act = np.asarray(trace["mlp_act"], dtype=np.float64)  # [L, T, 4C]
        facts["mlp_negative_share"] = float((act < 0).mean())
    facts.update(_korean())
    return facts


GPT2_SMALL = {"n_layer": 12, "n_head": 12, "n_embd": 768, "n_ctx": 1024, "vocab_size": 50257, "n_params": 124_439_808}


def gpt2_comparison(model: dict) -> dict:
    """The page model against GPT-2 small: "same" when every size is GPT-2 small's, else
    "smaller" or "larger" by parameter count ("different" if equal in count, not in shape)."""
    same = all(int(model.get(k, -1)) == v for k, v in GPT2_SMALL.items())
    n = int(model.get("n_params", 0))
    size = (
        "same"
        if same
        else "smaller"
        if n < GPT2_SMALL["n_params"]
        else "larger"
        if n > GPT2_SMALL["n_params"]
        else "different"
    )
    return {"size": size, **{f"same_{k}": int(model.get(k, -1)) == v for k, v in GPT2_SMALL.items()}}


KO_SENTENCE = "언어 모델은 다음에 올 토큰을 예측합니다."
EN_SENTENCE = "A language model predicts the next token."


def _korean() -> dict:
    """How GPT-2's tokenizer spends tokens on Korean (see bpe.py)."""
    from .bpe import tokenize

    w, ko, en = tokenize("안녕하세요"), tokenize(KO_SENTENCE), tokenize(EN_SENTENCE)
    syll = sum(1 for ch in KO_SENTENCE if "\uac00" <= ch <= "\ud7a3")
    return {
        "ko_word": {"text": w.text, "chars": len(w.text), "bytes": w.n_bytes, "tokens": len(w.ids)},
        "ko_sentence": {"text": KO_SENTENCE, "syllables": syll, "bytes": ko.n_bytes, "tokens": len(ko.ids)},
        "en_sentence": {"text": EN_SENTENCE, "words": len(EN_SENTENCE.split()), "tokens": len(en.ids)},
    }
