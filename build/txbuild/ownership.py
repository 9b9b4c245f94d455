"""What a build owns: folders carrying txbuild's marker, and only the files the marker lists.

A folder txbuild writes (site/, its `.site.tmp` / `.site.old` neighbours, an export folder)
carries MARKER, a JSON object that names txbuild, a schema version, the folder's kind and the
files txbuild wrote there, each with its size and sha256. While a build is still writing a
folder the marker says `"building": true` and lists nothing: then every file in it is
txbuild's (the user's files move in only after the final marker is written).

The marker is trusted only when it is exactly that: a marker in plain text (what earlier
versions wrote), `[]`, `{"files": null}` or anything else is refused with one line, so a file
the user put there can never be taken for txbuild's. Removing a marked folder removes the
listed files whose content is still what txbuild wrote, and nothing else: a `.git/`, a
`CNAME` or an edited `index.html` stays, and the removal refuses (one line, listing them)
before it deletes anything. On a rebuild the user's files move into the new site.

A swap (`swap_into_place`) is a few renames; `recover()` finds a swap that was interrupted
(a kill, a power cut) and completes it or rolls it back, keeping the user's files.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from .cache import sha256_file
from .errors import TxbuildError

MARKER = ".txbuild-site"
SCHEMA = 2


class OwnershipError(TxbuildError):
    """A folder or file txbuild did not write is in the way."""


class Interrupted(TxbuildError):
    """SIGTERM or Ctrl-C during a build: what the build made is cleaned up, then this."""

    exit_code = 130


def _record(folder: Path, rel: str) -> dict:
    p = folder / rel
    if p.is_symlink():
        return {"path": rel, "link": os.readlink(p)}
    return {"path": rel, "size": p.stat().st_size, "sha256": sha256_file(p)}


def write_marker(folder: Path, files: list[str] | None, kind: str = "site") -> None:
    """The marker: `files` None while the folder is being written (then all of it is txbuild's)."""
    data = {"written_by": "txbuild", "schema": SCHEMA, "kind": kind}
    if files is None:
        data.update(building=True, files=[])
    else:
        data["files"] = [_record(folder, f) for f in sorted(files)]
    tmp = folder / (MARKER + ".tmp")
    tmp.write_text(json.dumps(data, indent=0) + "\n")
    os.replace(tmp, folder / MARKER)


class Marker:
    """A well-formed marker: `files` maps each listed path to its record; `building` as above."""

    def __init__(self, kind: str, building: bool, files: dict[str, dict]):
        self.kind, self.building, self.files = kind, building, files


def _bad(folder: Path, why: str) -> OwnershipError:
    return OwnershipError(
        f"{folder}/{MARKER} {why}, so txbuild cannot tell its files from yours; "
        "refusing to touch the folder (move it away, or delete it yourself)"
    )


def _valid_rel(p) -> bool:
    return (
        isinstance(p, str)
        and p != ""
        and not p.startswith("/")
        and "\\" not in p
        and "\0" not in p
        and all(part not in ("", ".", "..") for part in p.split("/"))
    )


def _valid_entry(e) -> bool:
    if not isinstance(e, dict) or not _valid_rel(e.get("path")):
        return False
    if "link" in e:
        return isinstance(e["link"], str)
    size, digest = e.get("size"), e.get("sha256")
    size_ok = isinstance(size, int) and not isinstance(size, bool) and size >= 0
    hash_ok = isinstance(digest, str) and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    return (size_ok or hash_ok) and (size is None or size_ok) and (digest is None or hash_ok)


def read_marker(folder: Path) -> Marker | None:
    """The folder's marker; None when there is none. A marker that is not exactly txbuild's
    (legacy plain text, malformed, another tool's) raises OwnershipError: nothing is owned."""
    path = folder / MARKER
    if not path.exists() and not path.is_symlink():
        return None
    if path.is_symlink() or not path.is_file():
        raise _bad(folder, "is not a file")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise _bad(folder, "is not JSON (a marker from an older txbuild, or not txbuild's)") from None
    if not isinstance(data, dict) or data.get("written_by") != "txbuild":
        raise _bad(folder, "does not name txbuild")
    if data.get("schema") != SCHEMA:
        raise _bad(folder, f"has schema {data.get('schema')!r}, not {SCHEMA}")
    files, building = data.get("files"), data.get("building", False)
    if not isinstance(files, list) or building not in (True, False) or not all(_valid_entry(e) for e in files):
        raise _bad(folder, "has no well-formed list of files (each with its size or sha256)")
    if building and files:
        raise _bad(folder, "is malformed (a folder being built lists no files)")
    kind = data.get("kind", "site")
    if not isinstance(kind, str):
        raise _bad(folder, "is malformed (kind)")
    return Marker(kind, building, {e["path"]: e for e in files})


def is_owned(folder: Path) -> bool:
    """A well-formed marker (raises on a malformed one, like read_marker)."""
    return read_marker(folder) is not None


def files_in(folder: Path) -> list[str]:
    """Every file (and link) under `folder`, relative, '/'-separated, sorted."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        for name in filenames + [d for d in dirnames if (base / d).is_symlink()]:
            out.append((base / name).relative_to(folder).as_posix())
    return sorted(out)


def _unchanged(folder: Path, e: dict) -> bool:
    """The file is still what txbuild wrote (its size and hash, or the link's target)."""
    p = folder / e["path"]
    if "link" in e:
        return p.is_symlink() and os.readlink(p) == e["link"]
    if p.is_symlink() or not p.is_file():
        return False
    if "size" in e and p.stat().st_size != e["size"]:
        return False
    return "sha256" not in e or sha256_file(p) == e["sha256"]


def changed(folder: Path) -> list[str]:
    """Files the marker lists whose content is no longer what txbuild wrote (the user edited them)."""
    m = read_marker(folder)
    if m is None or m.building:
        return []
    return [
        rel
        for rel, e in sorted(m.files.items())
        if (folder / rel).exists() or (folder / rel).is_symlink()
        if not _unchanged(folder, e)
    ]


def foreign(folder: Path) -> list[str]:
    """Top-most paths under a marked `folder` that txbuild did not write (folders as 'x/')."""
    m = read_marker(folder)
    if m is None or m.building:
        return []
    mine = set(m.files) | {MARKER}
    prefixes = {p for f in mine for p in _parents(f)}
    found = []

    def walk(d: Path, rel: str):
        for child in sorted(d.iterdir()):
            r = f"{rel}{child.name}"
            if child.is_dir() and not child.is_symlink():
                if r in prefixes:
                    walk(child, r + "/")
                else:
                    found.append(r + "/")
            elif r not in mine:
                found.append(r)

    walk(folder, "")
    return found


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def not_removable(folder: Path) -> list[str]:
    """What removing a marked `folder` would have to keep: the user's files and edited ones."""
    return foreign(folder) + [f"{c} (changed)" for c in changed(folder)]


def _delete_contents(folder: Path, keep_marker_last: bool = True) -> None:
    """Delete everything under `folder` but the marker, then the marker, then the folder, so a
    kill half-way leaves a folder that is still marked (and so still removable)."""
    for child in folder.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()


def remove_owned(folder: Path, what: str) -> None:
    """Remove a folder txbuild wrote. Refuse (one line, nothing deleted) if it has no marker or a
    malformed one, holds other files, or a listed file was changed since txbuild wrote it."""
    if not folder.exists() and not folder.is_symlink():
        return
    if folder.is_symlink() or not folder.is_dir():
        raise OwnershipError(f"{what} {folder} is not a folder txbuild wrote; refusing to remove it (move it away)")
    if read_marker(folder) is None:
        raise OwnershipError(
            f"{what} {folder} exists and was not written by txbuild (no {MARKER}); refusing to remove it (move it away)"
        )
    others = not_removable(folder)
    if others:
        raise OwnershipError(
            f"{what} {folder} holds files txbuild did not write or that were changed since "
            f"({_names(others)}); refusing to remove it (move them away)"
        )
    _delete_contents(folder)


def _names(paths: list[str], n: int = 5) -> str:
    more = f" and {len(paths) - n} more" if len(paths) > n else ""
    return ", ".join(paths[:n]) + more


def expand_out(out: Path, option: str = "--out") -> Path:
    """`~` and `~/x` expand to the home folder (a shell did not do it: the value was quoted);
    `~user` that does not exist is refused rather than becoming a folder named `~user`."""
    text = str(out)
    if not text.startswith("~"):
        return out
    expanded = Path(text).expanduser()
    if str(expanded).startswith("~"):
        raise OwnershipError(f"{option} {text}: no such user's home folder; give a path without '~'")
    return expanded


def check_replaceable(out: Path) -> None:
    """--out must be a folder txbuild wrote, an empty folder, or not exist yet."""
    if out.is_symlink() and not out.exists():
        raise OwnershipError(f"--out {out} is a broken link; refusing to write through it")
    if out.exists() and not out.is_dir():
        raise OwnershipError(f"--out {out} is a file, not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()):
        m = read_marker(out)  # a malformed or legacy marker raises here
        if m is None:
            raise OwnershipError(
                f"--out {out} is a non-empty folder that txbuild did not write; refusing to replace it"
            )
        if m.kind != "site":
            raise OwnershipError(f"--out {out} holds a txbuild {m.kind}, not a site; choose another --out")
    return None


def _exports_inside(folder: Path, kept: list[str]) -> list[str]:
    """Kept folders that hold a txbuild export (an `txbuild export --out` into the site)."""
    return [k for k in kept if k.endswith("/") and any(p.name == MARKER for p in (folder / k).rglob(MARKER))]


# Each step of a swap calls STEP_HOOK(name) first (tests inject a failure or a kill there).
STEP_HOOK: Callable[[str], None] = lambda step: None  # noqa: E731
SWAP_STEPS = ("marker", "move-kept", "out-to-old", "tmp-to-out", "remove-old")


def swap_into_place(tmp: Path, out: Path) -> list[str]:
    """Replace `out` by the finished `tmp`, keeping what txbuild did not write; return what was kept.

    The steps: write tmp's final marker; move the user's files from out into tmp; out -> .old;
    tmp -> out; remove .old. `recover(out)` completes or undoes an interrupted swap."""
    old = out.parent / f".{out.name}.old"
    remove_owned(old, "the previous build's backup")
    kept = foreign(out) if out.is_dir() else []
    edited = changed(out) if out.is_dir() else []
    if edited:  # a file txbuild wrote that the user edited: kept where it is, never overwritten
        raise OwnershipError(
            f"--out {out} holds files txbuild wrote that were changed since ({_names(edited)}); "
            "the new build would replace them: move them away (or restore them) and build again"
        )
    exports = _exports_inside(out, kept) if out.is_dir() else []
    if exports:
        raise OwnershipError(
            f"--out {out} holds a txbuild export ({_names(exports)}) that the site would publish; "
            "move it away (export elsewhere: txbuild export --out .txbuild/export)"
        )
    clash = [k for k in kept if (tmp / k.rstrip("/")).exists()]
    if clash:
        raise OwnershipError(
            f"--out {out} holds files txbuild did not write where the new build writes its own "
            f"({_names(clash)}); move them away"
        )
    STEP_HOOK("marker")
    write_marker(tmp, [f for f in files_in(tmp) if f not in (MARKER,)])
    for k in kept:  # same file system: renames, nothing copied
        STEP_HOOK("move-kept")
        os.replace(out / k.rstrip("/"), tmp / k.rstrip("/"))
    STEP_HOOK("out-to-old")
    if out.exists():
        out.rename(old)
    STEP_HOOK("tmp-to-out")
    tmp.rename(out)
    STEP_HOOK("remove-old")
    if old.exists():  # checked above: only txbuild's unchanged files are left in it
        _delete_contents(old)
    return kept


def recover(out: Path) -> list[str]:
    """Finish or undo a swap that was interrupted; returns what it did (one line each).

    - `.tmp` still being written: txbuild's alone, removed.
    - `.tmp` finished and `out` gone (killed between the two renames): `.tmp` becomes `out`.
    - `.tmp` finished and `out` there (killed while the user's files moved): they move back
      into `out`, then `.tmp` (txbuild's files only) is removed: the previous site stays.
    - `.old` beside `out`: removed (only if it holds nothing of the user's); `.old` without
      `out`: it becomes `out` again.
    A legacy or malformed marker in either raises OwnershipError (nothing touched)."""
    tmp = out.parent / f".{out.name}.tmp"
    old = out.parent / f".{out.name}.old"
    done: list[str] = []
    if tmp.is_dir() and not tmp.is_symlink():
        m = read_marker(tmp)
        if m is None:
            raise OwnershipError(
                f"a stale build folder {tmp} exists and was not written by txbuild (no {MARKER}); "
                "refusing to remove it (move it away)"
            )
        if m.building:
            _delete_contents(tmp)
            done.append(f"removed the unfinished build folder {tmp}")
        elif not out.exists() and not out.is_symlink():
            tmp.rename(out)
            done.append(f"completed an interrupted swap: {tmp} is now {out}")
        else:
            moved = foreign(tmp)
            clash = [k for k in moved if (out / k.rstrip("/")).exists() or (out / k.rstrip("/")).is_symlink()]
            if clash:
                raise OwnershipError(
                    f"an interrupted build left your files in {tmp} and {out} has files of the same names "
                    f"({_names(clash)}); move them by hand"
                )
            for k in moved:
                os.replace(tmp / k.rstrip("/"), out / k.rstrip("/"))
            remove_owned(tmp, "the interrupted build folder")
            done.append(f"rolled back an interrupted swap: {len(moved)} file(s) of yours moved back into {out}")
    if old.is_dir() and not old.is_symlink():
        if not out.exists() and not out.is_symlink():
            if read_marker(old) is None:
                raise OwnershipError(f"{old} exists and was not written by txbuild (no {MARKER}); move it away")
            old.rename(out)
            done.append(f"restored the previous site from {old}")
        else:
            remove_owned(old, "the previous build's backup")
            done.append(f"removed the previous build's backup {old}")
    return done


def replace_dir(src: Path, dst: Path, ignore=None) -> None:
    """Copy the folder `src` to `dst` (an export), replacing `dst` only if txbuild wrote it."""
    for parent in dst.parents:  # an export inside a built site would be published with it
        m = read_marker(parent) if parent.is_dir() else None
        if m is not None and m.kind == "site":
            raise OwnershipError(
                f"{dst} is inside the site {parent}, which would publish the raw export; choose another --out"
            )
    if dst.exists() or dst.is_symlink():
        if not dst.is_dir() or dst.is_symlink() or (any(dst.iterdir()) and read_marker(dst) is None):
            raise OwnershipError(f"{dst} exists and was not written by txbuild export; refusing to replace it")
        if any(dst.iterdir()):
            remove_owned(dst, "the export folder")
        else:
            dst.rmdir()
    shutil.copytree(src, dst, ignore=ignore)
    write_marker(dst, [f for f in files_in(dst) if f != MARKER], kind="export")


@contextmanager
def interrupts_raise():
    """SIGTERM (and Ctrl-C) raise Interrupted in the main thread, so every `finally` that
    cleans up what the build made runs; the previous handlers come back afterwards."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Interrupted(f"interrupted ({signal.Signals(signum).name}); cleaned up what this build had written")

    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    for s in before:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in before.items():
            signal.signal(s, h)


@contextmanager
def build_lock(out: Path):
    """One build at a time writes into `out`: a second one fails at once with a clear message.

    flock, so a build that was killed leaves no stale lock; the lock file sits next to `out`.
    """
    import fcntl

    lock = out.parent / f".{out.name}.lock"
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise OwnershipError(f"cannot write next to --out {out}: {e.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise OwnershipError(f"another build is writing here ({out}); wait for it to finish") from None
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)
