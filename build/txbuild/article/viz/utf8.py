"""How GPT-2's tokenizer writes Korean: syllables -> UTF-8 bytes -> byte-level BPE tokens."""

from __future__ import annotations

from ..bpe import tokenize
from .common import Drawing, VizData, fmt, text

DEFAULT = "안녕하세요"


def draw(d: VizData, params: dict) -> Drawing:
    s = params.get("text", DEFAULT)
    tk = tokenize(s)
    raw = s.encode("utf-8")
    bw, left = 36.0, 98.0  # a 5-digit token id at 11 px fits one byte cell
    rows = {"chars": 20.0, "bytes": 66.0, "tokens": 112.0}
    parts = [
        text(left - 10, rows["chars"] + 20, d.s("fig_utf8_chars"), 11, "end", "muted"),
        text(left - 10, rows["bytes"] + 20, d.s("fig_utf8_bytes"), 11, "end", "muted"),
        text(left - 10, rows["tokens"] + 20, d.s("fig_utf8_tokens"), 11, "end", "muted"),
    ]
    at = 0
    for ch in s:
        n = len(ch.encode("utf-8"))
        x = left + at * bw
        parts.append(
            f'<rect x="{fmt(x + 1)}" y="{rows["chars"]}" width="{fmt(n * bw - 2)}" height="30" rx="4" class="arch-emb"/>'
        )
        parts.append(text(x + n * bw / 2, rows["chars"] + 21, "␣" if ch == " " else ch, 16, "middle"))
        at += n
    for i, b in enumerate(raw):
        x = left + i * bw
        parts.append(
            f'<rect x="{fmt(x + 1)}" y="{rows["bytes"]}" width="{fmt(bw - 2)}" height="30" rx="3" class="arch-io"/>'
        )
        parts.append(text(x + bw / 2, rows["bytes"] + 20, f"{b:02X}", 11.5, "middle", "tok-label"))
    at = 0
    for tid, piece in zip(tk.ids, tk.pieces):
        n = len(piece)
        x = left + at * bw
        cls = "arch-attn" if n > 1 else "arch-io"
        parts.append(
            f'<rect x="{fmt(x + 2)}" y="{rows["tokens"]}" width="{fmt(n * bw - 4)}" height="30" rx="4" class="{cls}"/>'
        )
        parts.append(text(x + n * bw / 2, rows["tokens"] + 19, str(tid), 11, "middle", "num"))
        at += n
    alt = d.s("fig_utf8_alt", text=s, chars=len(s), bytes=len(raw), tokens=len(tk.ids), ids=", ".join(map(str, tk.ids)))
    note = d.s("fig_utf8_note", text=s, chars=len(s), bytes=len(raw), tokens=len(tk.ids))
    return Drawing(left + len(raw) * bw + 8, rows["tokens"] + 38, "".join(parts), alt, note)
