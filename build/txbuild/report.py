"""Console output: one spinner line per stage, warnings, and the tables at the end (rich)."""

from __future__ import annotations

import time
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table

WIDE = 400  # columns when the output is not a terminal


class Reporter:
    def __init__(self, verbosity: int = 0):
        self.verbosity = verbosity  # -1 quiet, 0 normal, 1 verbose
        self.console = Console(stderr=True, highlight=False)
        if not self.console.is_terminal:  # a log or a pipe: tables whole, never cut to 80 columns
            self.console.width = WIDE

    @contextmanager
    def stage(self, name: str, detail: str = ""):
        """Show a spinner while a stage runs, then one line with its time."""
        t0 = time.perf_counter()
        label = f"{name} {detail}".strip()
        if self.verbosity >= 0:
            with self.console.status(f"[bold]{label}[/]…", spinner="dots"):
                yield
        else:
            yield
        dt = time.perf_counter() - t0
        self.info(f"[green]✓[/] {label} [dim]{dt:.1f}s[/]")

    def info(self, msg: str) -> None:
        if self.verbosity >= 0:
            self.console.print(msg)

    def detail(self, msg: str) -> None:
        if self.verbosity >= 1:
            self.console.print(f"[dim]{msg}[/]")

    def warn(self, msg: str) -> None:
        self.console.print(f"[yellow]warning:[/] {msg}")

    def table(self, table: Table) -> None:
        if self.verbosity >= 0:
            self.console.print(table)


def human_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"


def verify_table(reports: dict) -> Table:
    """One row per output, one column pair per variant; agreement measures at the bottom."""
    t = Table(title="ONNX Runtime vs PyTorch fp32 (probe prompts)")
    t.add_column("output", no_wrap=True)
    for prec in reports:
        t.add_column(f"{prec} max abs", justify="right")
        t.add_column(f"{prec} max rel", justify="right")
    names = list(next(iter(reports.values()))["outputs"])
    for name in names:
        cells = []
        for r in reports.values():
            e = r["outputs"][name]
            cells += [f"{e['max_abs']:.1e}", f"{e['max_rel']:.1e}"]
        t.add_row(name, *cells)
    t.add_section()

    def summary(label, fmt):
        cells = []
        for r in reports.values():
            cells += ["", fmt(r)]
        t.add_row(label, *cells)

    summary("top-1 agreement", lambda r: f"{r['top1']:.3f}")
    summary("top-5 overlap", lambda r: f"{r['top5']:.3f}")
    summary("max TV distance", lambda r: f"{r['max_tv']:.4f}")
    summary("cached vs full (rel)", lambda r: f"{r['kv_max_rel']:.1e}")
    summary("logit lens (rel)", lambda r: "–" if r.get("lens_max_rel") is None else f"{r['lens_max_rel']:.1e}")
    summary("result", lambda r: "[green]pass[/]" if r["passed"] else "[red]FAIL[/]")
    return t
