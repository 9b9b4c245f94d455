"""The one error base class for expected failures: one line for the user, a non-zero exit.

Anything that is not a TxbuildError is a bug and keeps its traceback.
"""

from __future__ import annotations

import click


class TxbuildError(click.ClickException):
    """An expected failure (bad input, a folder txbuild must not touch); the message is one line."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split("\n")).strip())

    def show(self, file=None) -> None:
        if file is None:
            click.echo(f"error: {self.format_message()}", err=True)
        else:
            click.echo(f"error: {self.format_message()}", file=file)


class UsageError(TxbuildError):
    """A bad command-line value or environment (a port in use, a host that does not resolve): exit 2."""

    exit_code = 2
