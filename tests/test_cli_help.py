"""`txbuild --help`: the old `build` alias hidden, every option explained, --port an integer,
tables whole when the output is not a terminal, and `python -m txbuild`."""

from __future__ import annotations

import io
import subprocess
import sys
import time

import click
from click.testing import CliRunner
from rich.table import Table

from txbuild.cli import main


def test_the_build_alias_works_but_is_not_listed():
    top = CliRunner().invoke(main, ["--help"])
    assert top.exit_code == 0
    listed = [ln.split()[0] for ln in top.output.split("Commands:")[1].splitlines() if ln.strip()]
    assert listed == ["export", "new", "serve", "site", "train", "verify"]
    alias = CliRunner().invoke(main, ["build", "--help"])
    assert alias.exit_code == 0 and "--variants" in alias.output


def test_command_summaries_are_not_cut():
    top = CliRunner().invoke(main, ["--help"]).output.split("Commands:")[1]
    assert "..." not in top and "…" not in top


def test_every_option_of_every_command_has_help():
    missing = [
        f"{name} {p.opts[0]}"
        for name, cmd in main.commands.items()
        for p in cmd.params
        if isinstance(p, click.Option) and not (p.help or "").strip()
    ]
    assert missing == []


def test_port_is_an_integer():
    out = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "-p, --port INTEGER" in out
    assert "--watch" in out


def test_python_dash_m_txbuild():
    r = subprocess.run([sys.executable, "-m", "txbuild", "--help"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Usage: txbuild ")


def test_tables_are_whole_when_the_output_is_not_a_terminal(monkeypatch):
    from txbuild.report import Reporter

    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    rep = Reporter()
    t = Table(title="t")
    cells = [f"column-{i}-" + "x" * 30 for i in range(6)]  # about 250 columns
    for c in cells:
        t.add_column(c)
    t.add_row(*cells)
    rep.table(t)
    text = err.getvalue()
    assert "…" not in text
    for c in cells:
        assert text.count(c) == 2  # header and row, each on one line


def test_the_build_time_counts_from_the_process_start():
    """The summary's seconds (cli.site_cmd) are the process's age, as ps reports it, not the
    time since txbuild was imported."""
    import os

    import txbuild

    etimes = subprocess.run(["ps", "-o", "etimes=", "-p", str(os.getpid())], capture_output=True, text=True)
    age = float(etimes.stdout.strip())
    took = txbuild.seconds_since_start()
    assert abs(took - age) <= 1.5, (took, age)
    assert took >= time.perf_counter() - txbuild.STARTED
