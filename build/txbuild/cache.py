"""Content-addressed cache for the expensive stages (export, variants, verify, example traces).

A stage's key hashes the model weights, the stage's config, the source of the modules that
compute it and the versions of the libraries that do the numerics, so editing the exporter or
upgrading onnxruntime invalidates exports but editing a template does not. An entry is written
into a temporary folder and renamed into place, so a crash never leaves a half-written entry.

The cache belongs to the project being built, not to the installed package: `--cache-dir`,
else `$TXBUILD_CACHE`, else `./.txbuild/cache` in the folder the command runs from.
"""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import json
import os
import re
import shutil
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Callable

from .errors import TxbuildError

ENV = "TXBUILD_CACHE"
# The libraries whose versions change what a stage computes (graphs, quantization, traces).
TOOLCHAIN = ("torch", "transformers", "onnx", "onnxruntime", "onnxscript", "numpy")


def default_root(cache_dir: str | Path | None = None) -> Path:
    """Where the cache lives: `cache_dir`, else $TXBUILD_CACHE, else ./.txbuild/cache."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    return Path.cwd() / ".txbuild" / "cache"


def toolchain() -> dict[str, str]:
    out = {}
    for name in TOOLCHAIN:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def stage_key(weights_hash: str, config: dict, modules: list[ModuleType]) -> str:
    h = hashlib.sha256(weights_hash.encode())
    h.update(json.dumps(config, sort_keys=True, default=str).encode())
    h.update(json.dumps(toolchain(), sort_keys=True).encode())
    for m in modules:
        h.update(inspect.getsource(m).encode())
    return h.hexdigest()[:20]


# The entries this cache writes, exactly: `<stage>-<hex key>` (with its `.complete`) and the
# `.<stage>-<hex key>.tmp` folder it is filled in. Nothing else under the root is touched.
STAGES = r"(?:onnx-(?:fp32|fp16|int8|q4)|examples)"
ENTRY = re.compile(rf"^{STAGES}-[0-9a-f]{{1,64}}$")
TMP_ENTRY = re.compile(rf"^\.{STAGES}-[0-9a-f]{{1,64}}\.tmp$")
LOCKS = ".locks"
COMPLETE = ".complete"


def _lock(root: Path, name: str, op: int) -> int | None:
    """An open fd holding flock `op` on root/.locks/<name>.lock; None when LOCK_NB and taken."""
    d = root / LOCKS
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{name}.lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, op)
        except BlockingIOError:
            os.close(fd)
            return None
        try:  # `clear` may have removed the file between our open and our lock: lock the new one
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


@contextmanager
def entry_lock(root: Path, name: str, block: bool = True):
    """An exclusive flock per entry (root/.locks/<name>.lock): a second build needing the same
    entry waits until the first has published it, instead of deleting its half-written folder.
    Yields False (without the lock) when `block` is False and another process holds it."""
    fd = _lock(root, name, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
    try:
        yield fd is not None
    finally:
        if fd is not None:
            os.close(fd)


_held: list[int] | None = None  # shared locks on the entries the current build reads
_held_names: set[str] = set()


class CacheError(TxbuildError):
    """The cache cannot give this build an entry; one line."""


@contextmanager
def session():
    """For one build: every entry it uses stays share-locked until the build ends, so another
    build's `--clean` (or its rebuild of a damaged entry) waits instead of deleting the files
    this build is still copying."""
    global _held, _held_names
    outer, _held = (_held, _held_names), []
    _held_names = set()
    try:
        yield
    finally:
        for fd in _held:
            os.close(fd)
        _held, _held_names = outer


def _manifest(folder: Path) -> dict:
    files = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != COMPLETE:
            files[p.relative_to(folder).as_posix()] = {"size": p.stat().st_size, "sha256": sha256_file(p)}
    return {"txbuild_cache": 1, "files": files}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_entry(folder: Path) -> str | None:
    """None when every file the entry recorded is there with its size and sha256; else why not."""
    try:
        data = json.loads((folder / COMPLETE).read_text())
        files = data["files"]
        assert data.get("txbuild_cache") == 1 and isinstance(files, dict)
    except FileNotFoundError:
        return "incomplete"
    except (ValueError, KeyError, TypeError, AssertionError, UnicodeDecodeError):
        return "written by an older txbuild (no file hashes)"
    for rel, rec in files.items():
        p = folder / rel
        if not p.is_file():
            return f"{rel} is missing"
        if p.stat().st_size != rec.get("size"):
            return f"{rel} has {p.stat().st_size} bytes, not {rec.get('size')}"
        if sha256_file(p) != rec.get("sha256"):
            return f"{rel} does not match its recorded sha256"
    return None


def clear(root: Path) -> None:
    """Remove the entries this cache wrote under `root` (and nothing else it may hold)."""
    if not root.is_dir():
        return
    for entry in sorted(root.iterdir()):
        if entry.is_symlink() or not entry.is_dir():
            continue
        if ENTRY.match(entry.name) and (entry / COMPLETE).is_file():
            with entry_lock(root, entry.name):  # waits for a build that is filling it
                shutil.rmtree(entry, ignore_errors=True)
        elif TMP_ENTRY.match(entry.name):
            with entry_lock(root, entry.name[1:-4], block=False) as free:
                if free:  # a folder left by a killed build; one being filled is left alone
                    shutil.rmtree(entry, ignore_errors=True)
    locks = root / LOCKS
    if locks.is_dir() and not locks.is_symlink():
        for lock in locks.iterdir():
            if lock.suffix == ".lock" and ENTRY.match(lock.stem):
                with entry_lock(root, lock.stem, block=False) as free:
                    if free:
                        lock.unlink(missing_ok=True)
        try:
            locks.rmdir()
        except OSError:
            pass


def cached_dir(
    root: Path, stage: str, key: str, fill: Callable[[Path], None], say: Callable[[str], None] | None = None
) -> tuple[Path, bool]:
    """Return (folder, hit). A hit is an entry whose files all match their recorded hashes; a
    damaged one is rebuilt (and `say` is told why). On a miss, `fill(tmp)` writes the entry,
    which is then published with its files' sizes and hashes. Concurrent builds wait per entry."""
    name = f"{stage}-{key}"
    final = root / name
    if _held is not None:  # in a build: a valid entry is read under a shared lock, kept
        fd = _lock(root, name, fcntl.LOCK_SH)
        if final.is_dir() and check_entry(final) is None:
            _held.append(fd)
            _held_names.add(name)
            return final, True
        os.close(fd)
        if name in _held_names:  # this build reads it already: waiting for ourselves would hang
            raise CacheError(f"cache entry {name} changed while this build was using it; run the build again")
    fd = _lock(root, name, fcntl.LOCK_EX)
    try:
        if final.is_dir():
            why = check_entry(final)
            if why is None:
                return final, True
            if why != "incomplete" and say is not None:
                say(f"cache entry {name} is damaged ({why}); rebuilding it")
        tmp = root / f".{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            fill(tmp)
            (tmp / COMPLETE).write_text(json.dumps(_manifest(tmp), indent=0) + "\n")
            shutil.rmtree(final, ignore_errors=True)
            tmp.rename(final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return final, False
    finally:
        if _held is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)  # published: keep reading it, let others read it too
            _held.append(fd)
            _held_names.add(name)
        else:
            os.close(fd)
