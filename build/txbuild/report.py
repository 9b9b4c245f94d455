"""Console output: one spinner line per stage, warnings, and the tables at the end (rich)."""

from __future__ import annotations

import time
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table


class Reporter:
    def __init__(self, verbosity: int = 0):
        self.verbosity = verbosity  # -1 quiet, 0 normal, 1 verbose
        self.console = Console(stderr=True, highlight=False)
        self.timings: dict[str, float] = {}

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
        self.timings[name] = self.timings.get(name, 0.0) + dt
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
    """Per variant and output: max absolute and relative error; agreement measures."""
    t = Table(title="ONNX Runtime vs PyTorch fp32", show_lines=False)
    t.add_column("variant")
    t.add_column("output")
    t.add_column("max abs", justify="right")
    t.add_column("max rel", justify="right")
    t.add_column("top-1", justify="right")
    t.add_column("top-5", justify="right")
    t.add_column("max TV", justify="right")
    t.add_column("result")
    for prec, r in reports.items():
        for i, (name, e) in enumerate(r["outputs"].items()):
            first = i == 0
            t.add_row(prec if first else "", name, f"{e['max_abs']:.2e}", f"{e['max_rel']:.2e}",
                      f"{r['top1']:.3f}" if first else "", f"{r['top5']:.3f}" if first else "",
                      f"{r['max_tv']:.4f}" if first else "",
                      ("[green]pass[/]" if r["passed"] else "[red]FAIL[/]") if first else "")
        t.add_section()
    return t
