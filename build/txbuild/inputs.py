"""Reading the build's own input files (Markdown, strings.toml): a fault names the file and line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .errors import TxbuildError


class InputError(TxbuildError):
    """An input file the build cannot read; the message names the file and the line."""


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_utf8(path: Path) -> str:
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            f"{_rel(path)}:{line}: not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8"
        ) from None


def load_toml(path: Path) -> dict:
    text = read_utf8(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # Python 3.11 puts the place in the message: "... (at line 2, column 7)"
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        where = f"{_rel(path)}:{m.group(1)}:{m.group(2)}" if m else _rel(path)
        msg = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(e))
        raise InputError(f"{where}: TOML syntax error: {msg}") from None
