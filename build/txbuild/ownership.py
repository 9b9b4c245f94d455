"""What a build owns: folders carrying txbuild's marker, and only the files the marker lists.

A folder txbuild writes (site/, its `.site.tmp` / `.site.old` neighbours, an export folder)
carries MARKER, a JSON file with the list of files txbuild wrote there ("files": null while a
build is still writing it: then every file in it is txbuild's). Removing such a folder removes
those files only; anything else is the user's (a `.git/`, a `CNAME`) and is kept: on a rebuild
it moves into the new site, and a stale `.site.old` holding it is refused, never deleted.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from .errors import TxbuildError

MARKER = ".txbuild-site"
# Top-level names a build writes; used for a folder marked by an older txbuild (no file list).
LEGACY_NAMES = {
    "index.html",
    "en",
    "ko",
    "assets",
    "ort",
    "model",
    "sw.js",
    "coi-serviceworker.js",
    "404.html",
    ".nojekyll",
    MARKER,
}


class OwnershipError(TxbuildError):
    """A folder or file txbuild did not write is in the way."""


def write_marker(folder: Path, files: list[str] | None) -> None:
    data = {"written_by": "txbuild", "files": files}
    (folder / MARKER).write_text(json.dumps(data, indent=0) + "\n")


def read_marker(folder: Path) -> tuple[bool, list[str] | None]:
    """(owned, files): owned when the marker exists; files None when every file is txbuild's."""
    path = folder / MARKER
    if not path.is_file():
        return False, None
    try:
        data = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError):
        return True, _legacy(folder)  # the plain-text marker of earlier versions
    files = data.get("files") if isinstance(data, dict) else None
    return True, (list(files) if isinstance(files, list) else None)


def _legacy(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for name in LEGACY_NAMES
        for p in ([folder / name] if (folder / name).is_file() else (folder / name).rglob("*"))
        if p.is_file() or p.is_symlink()
    )


def files_in(folder: Path) -> list[str]:
    """Every file (and link) under `folder`, relative, '/'-separated, sorted."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        for name in filenames + [d for d in dirnames if (base / d).is_symlink()]:
            out.append((base / name).relative_to(folder).as_posix())
    return sorted(out)


def foreign(folder: Path) -> list[str]:
    """Top-most paths under a marked `folder` that txbuild did not write (folders as 'x/')."""
    owned, files = read_marker(folder)
    if not owned or files is None:
        return []
    mine = set(files) | {MARKER}
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


def remove_owned(folder: Path, what: str) -> None:
    """Remove a folder txbuild wrote. Refuse (one line) if it has no marker or holds other files."""
    if not folder.exists() and not folder.is_symlink():
        return
    if folder.is_symlink() or not folder.is_dir():
        raise OwnershipError(f"{what} {folder} is not a folder txbuild wrote; refusing to remove it (move it away)")
    owned, files = read_marker(folder)
    if not owned:
        raise OwnershipError(
            f"{what} {folder} exists and was not written by txbuild (no {MARKER}); refusing to remove it (move it away)"
        )
    others = foreign(folder)
    if others:
        raise OwnershipError(
            f"{what} {folder} holds files txbuild did not write ({_names(others)}); "
            "refusing to remove it (move them away)"
        )
    shutil.rmtree(folder)


def _names(paths: list[str], n: int = 5) -> str:
    more = f" and {len(paths) - n} more" if len(paths) > n else ""
    return ", ".join(paths[:n]) + more


def check_replaceable(out: Path) -> None:
    """--out must be a folder txbuild wrote, an empty folder, or not exist yet."""
    if out.is_symlink() and not out.exists():
        raise OwnershipError(f"--out {out} is a broken link; refusing to write through it")
    if out.exists() and not out.is_dir():
        raise OwnershipError(f"--out {out} is a file, not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not read_marker(out)[0]:
        raise OwnershipError(f"--out {out} is a non-empty folder that txbuild did not write; refusing to replace it")


def swap_into_place(tmp: Path, out: Path) -> list[str]:
    """Replace `out` by the finished `tmp`, keeping what txbuild did not write; return what was kept."""
    write_marker(tmp, [f for f in files_in(tmp) if f != MARKER])
    kept = foreign(out) if out.is_dir() else []
    clash = [k for k in kept if (tmp / k.rstrip("/")).exists()]
    if clash:
        raise OwnershipError(
            f"--out {out} holds files txbuild did not write where the new build writes its own "
            f"({_names(clash)}); move them away"
        )
    old = out.parent / f".{out.name}.old"
    remove_owned(old, "the previous build's backup")
    for k in kept:  # same file system: renames, nothing copied
        os.replace(out / k.rstrip("/"), tmp / k.rstrip("/"))
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    if old.exists():
        remove_owned(old, "the previous build's backup")
    return kept


def replace_dir(src: Path, dst: Path, ignore=None) -> None:
    """Copy the folder `src` to `dst` (an export), replacing `dst` only if txbuild wrote it."""
    if dst.exists() or dst.is_symlink():
        if not dst.is_dir() or dst.is_symlink() or (any(dst.iterdir()) and not read_marker(dst)[0]):
            raise OwnershipError(f"{dst} exists and was not written by txbuild export; refusing to replace it")
        remove_owned(dst, "the export folder")
    shutil.copytree(src, dst, ignore=ignore)
    write_marker(dst, [f for f in files_in(dst) if f != MARKER])


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
