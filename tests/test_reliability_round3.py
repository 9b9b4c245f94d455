"""Reliability, round 3 (issue 21, the Python side): nothing of the user's is lost, a kill at any
moment leaves a site, concurrent builds share a cache, `serve` is not starved by idle clients,
and every bad build input ends in one line before any expensive stage.

Most tests drive ownership.py / cache.py / serve.py directly on small folders; the few that
build use the tiny random checkpoint and the session's stage cache.
"""

from __future__ import annotations

import fcntl
import hashlib
import http.client
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from txbuild import cache, ownership, sources
from txbuild import serve as serve_mod
from txbuild.cli import main
from txbuild.ownership import MARKER, OwnershipError, files_in, write_marker
from txbuild.report import Reporter
from txbuild.site import BuildOptions, build_site


def one_error_line(result, code: int = 1) -> str:
    lines = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert result.exit_code == code and len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def fake_site(out: Path, text: str, building: bool = False) -> Path:
    """A folder shaped like a site txbuild wrote (marker included)."""
    (out / "en").mkdir(parents=True)
    (out / "assets").mkdir()
    (out / "index.html").write_text(text)
    (out / "en" / "index.html").write_text(f"{text} en")
    (out / "assets" / "app.js").write_text(f"// {text}")
    write_marker(out, None if building else [f for f in files_in(out) if f != MARKER])
    return out


def add_users_files(out: Path) -> dict[str, str]:
    files = {".git/HEAD": "ref: refs/heads/gh-pages\n", "CNAME": "example.org\n", "notes/todo.txt": "mine"}
    for rel, text in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    return files


# ---- 1. a marker txbuild did not write exactly is not ownership ----------------------------

FORGED = {
    "plain text (earlier releases)": "txbuild site\n",
    "empty": "",
    "a list": "[]",
    "files null": '{"files": null}',
    "files a string": '{"files": "x"}',
    "no schema": '{"written_by": "txbuild", "files": ["index.html", "assets/mine.js"]}',
    "entries without size or hash": '{"written_by": "txbuild", "schema": 2, "files": [{"path": "assets/mine.js"}]}',
    "another tool's": '{"written_by": "hugo", "schema": 2, "files": []}',
    "a path out of the folder": ('{"written_by": "txbuild", "schema": 2, "files": [{"path": "../x", "size": 1}]}'),
}


@pytest.mark.parametrize("marker", FORGED.values(), ids=FORGED.keys())
def test_a_forged_or_legacy_marker_is_refused_and_nothing_is_deleted(marker, tiny_checkpoint, tmp_path, cli):
    out = tmp_path / "site"
    (out / "assets").mkdir(parents=True)
    (out / "index.html").write_text("my page")
    (out / "assets" / "mine.js").write_text("my script")
    (out / MARKER).write_text(marker)
    line = one_error_line(cli("--model", str(tiny_checkpoint), "--out", str(out)))
    assert MARKER in line and "refusing" in line
    assert (out / "assets" / "mine.js").read_text() == "my script"
    assert (out / "index.html").read_text() == "my page"
    with pytest.raises(OwnershipError):
        ownership.remove_owned(out, "the folder")
    assert (out / "assets" / "mine.js").read_text() == "my script"


def test_a_file_txbuild_wrote_then_the_user_edited_is_kept_and_listed(tmp_path):
    out = fake_site(tmp_path / "site", "old")
    (out / "en" / "index.html").write_text("OLD en")  # same size: only the hash tells
    tmp = fake_site(tmp_path / ".site.tmp", "new", building=True)
    with pytest.raises(OwnershipError, match="en/index.html"):
        ownership.swap_into_place(tmp, out)
    assert (out / "en" / "index.html").read_text() == "OLD en"
    with pytest.raises(OwnershipError, match=r"en/index.html \(changed\)"):
        ownership.remove_owned(out, "the site")
    assert (out / "en" / "index.html").read_text() == "OLD en"


def test_the_marker_records_each_files_size_and_hash(tmp_path):
    out = fake_site(tmp_path / "site", "x")
    data = json.loads((out / MARKER).read_text())
    assert data["written_by"] == "txbuild" and data["schema"] == ownership.SCHEMA
    rec = {e["path"]: e for e in data["files"]}
    body = (out / "en" / "index.html").read_bytes()
    assert rec["en/index.html"] == {
        "path": "en/index.html",
        "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
    }


# ---- 2. the cache removes only its own entries, verifies them, and locks them --------------


def test_clean_removes_only_exact_cache_entries(tmp_path):
    root = tmp_path / "cache"
    cache.cached_dir(root, "onnx-fp32", "0123abcd", lambda d: (d / "x").write_text("1"))
    left = root / ".onnx-int8-0123abce.tmp"  # a killed build's half-written entry
    left.mkdir()
    users = {
        "backup.tmp": "a folder of the user's ending in .tmp",
        "my-project": "a folder with a dash and a .complete",
        ".config.tmp": "dot, .tmp",
        "onnx-fp32-notes": "a stage's name, not a key",
    }
    for name, text in users.items():
        (root / name).mkdir()
        (root / name / ".complete").write_text("ok\n")
        (root / name / "data.txt").write_text(text)
    cache.clear(root)
    assert sorted(p.name for p in root.iterdir()) == sorted(users)
    for name, text in users.items():
        assert (root / name / "data.txt").read_text() == text


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete"])
def test_a_damaged_cache_entry_is_rebuilt_and_said(tmp_path, damage):
    root, calls, said = tmp_path / "cache", [], []

    def fill(d: Path):
        calls.append(d)
        (d / "model.onnx.data").write_bytes(bytes(range(256)) * 4)

    folder, hit = cache.cached_dir(root, "onnx-fp32", "abc123", fill, say=said.append)
    assert not hit and len(calls) == 1
    shard = folder / "model.onnx.data"
    if damage == "truncate":
        shard.write_bytes(shard.read_bytes()[:10])
    elif damage == "flip":
        shard.write_bytes(b"\xff" + shard.read_bytes()[1:])
    else:
        shard.unlink()
    folder, hit = cache.cached_dir(root, "onnx-fp32", "abc123", fill, say=said.append)
    assert not hit and len(calls) == 2
    assert shard.read_bytes() == bytes(range(256)) * 4
    assert len(said) == 1 and "model.onnx.data" in said[0] and "rebuilding" in said[0]
    assert cache.cached_dir(root, "onnx-fp32", "abc123", fill, say=said.append)[1]  # whole again: a hit


def test_a_truncated_cached_shard_is_never_shipped(tiny_checkpoint, tmp_path, cache_root):
    root = tmp_path / "cache"
    shutil.copytree(cache_root, root, ignore=shutil.ignore_patterns(".locks"))
    opts = dict(model=str(tiny_checkpoint), precision="fp32", variants=("fp32",), cache_root=root)
    build_site(BuildOptions(out=tmp_path / "a", **opts), Reporter(-1))
    # the cache entry this build shipped from (the session's cache holds other models' entries too)
    (manifest_a,) = (tmp_path / "a" / "model").glob("*/manifest.json")
    shipped = {s["sha256"] for s in json.loads(manifest_a.read_text())["variants"]["fp32"]["shards"]}
    (entry,) = [
        p
        for p in root.iterdir()
        if p.name.startswith("onnx-fp32-")
        and (p / "shards.json").exists()
        and {
            hashlib.sha256((p / s["name"]).read_bytes()).hexdigest()
            for s in json.loads((p / "shards.json").read_text())
        }
        == shipped
    ]
    for s in json.loads((entry / "shards.json").read_text()):
        data = (entry / s["name"]).read_bytes()
        (entry / s["name"]).write_bytes(data[: len(data) // 2])
    build_site(BuildOptions(out=tmp_path / "b", **opts), Reporter(-1))
    (manifest,) = (tmp_path / "b" / "model").glob("*/manifest.json")
    shards = json.loads(manifest.read_text())["variants"]["fp32"]["shards"]
    assert shards
    for s in shards:
        shipped = manifest.parent / s["path"]
        assert hashlib.sha256(shipped.read_bytes()).hexdigest() == s["sha256"], s["path"]


def test_two_builds_on_one_cache_wait_for_each_other(tmp_path, monkeypatch):
    """B asks for the entry A is filling: B waits on A's lock (no FileNotFoundError, one fill)."""
    root = tmp_path / "cache"
    b_waits = threading.Event()
    real_flock = fcntl.flock

    def flock(fd, op):
        if threading.current_thread().name == "B" and not op & fcntl.LOCK_NB:
            b_waits.set()  # B is about to block on the entry's lock
        return real_flock(fd, op)

    monkeypatch.setattr(fcntl, "flock", flock)
    fills, results, errors = [], {}, []

    def fill(d: Path):
        fills.append(threading.current_thread().name)
        if threading.current_thread().name == "A":
            threading.Thread(target=run, name="B").start()
            assert b_waits.wait(30), "B never reached the entry's lock"
        (d / "part").write_text("x" * 1000)

    def run():
        try:
            results[threading.current_thread().name] = cache.cached_dir(root, "examples", "abcdef", fill)
        except BaseException as e:  # reported below
            errors.append(repr(e))

    a = threading.Thread(target=run, name="A")
    a.start()
    a.join(60)
    for t in threading.enumerate():
        if t.name == "B":
            t.join(60)
    assert not errors, errors
    assert fills == ["A"]
    assert results["A"] == (root / "examples-abcdef", False) and results["B"] == (root / "examples-abcdef", True)
    assert (root / "examples-abcdef" / "part").read_text() == "x" * 1000


def test_an_entry_a_build_is_reading_is_not_cleaned_under_it(tmp_path):
    """Build A holds its entries (shared lock) until it ends; B's --clean takes each entry's
    exclusive lock first, so it waits for A instead of deleting the shards A is copying."""
    root = tmp_path / "cache"
    with cache.session():
        folder, _ = cache.cached_dir(root, "examples", "ab12", lambda d: (d / "t").write_text("x"))
        with cache.entry_lock(root, "examples-ab12", block=False) as free:
            assert not free  # what clear() would block on
        assert cache.cached_dir(root, "examples", "ab12", lambda d: pytest.fail("filled twice"))[1]
    with cache.entry_lock(root, "examples-ab12", block=False) as free:
        assert free
    cache.clear(root)
    assert not folder.exists()


# ---- 3. a kill at any step of the swap leaves a site and the user's files ------------------


SWAP_STEPS = ("marker", "move-kept", "out-to-old", "tmp-to-out", "remove-old")


class Killed(BaseException):
    """A kill: nothing in the swap catches it."""


@pytest.mark.parametrize("step", SWAP_STEPS)
def test_a_kill_at_each_step_of_the_swap_is_recovered(step, tmp_path, monkeypatch):
    out = fake_site(tmp_path / "site", "old")
    users = add_users_files(out)
    tmp = fake_site(tmp_path / ".site.tmp", "new", building=True)
    seen = []

    def hook(name):
        seen.append(name)
        if name == step and (step != "move-kept" or seen.count(name) == 2):  # half-way through the moves
            raise Killed(step)

    assert ownership.SWAP_STEPS == SWAP_STEPS
    monkeypatch.setattr(ownership, "STEP_HOOK", hook)
    with pytest.raises(Killed):
        ownership.swap_into_place(tmp, out)
    monkeypatch.setattr(ownership, "STEP_HOOK", lambda name: None)
    ownership.recover(out)  # what the next build does first
    assert (out / "index.html").read_text() in ("old", "new")
    for rel, text in users.items():
        assert (out / rel).read_text() == text, rel
    assert not tmp.exists() and not (tmp_path / ".site.old").exists()
    assert sorted(ownership.foreign(out)) == [".git/", "CNAME", "notes/"]
    ownership.swap_into_place(fake_site(tmp, "newer", building=True), out)  # and the next swap goes through
    assert (out / "index.html").read_text() == "newer" and (out / "CNAME").read_text() == "example.org\n"


def test_the_next_build_completes_a_swap_killed_between_the_renames(tiny_checkpoint, tmp_path, cli, monkeypatch):
    """No site/ at all, the user's .git/ inside .site.tmp: the next build recovers and keeps it."""
    out = tmp_path / "site"
    assert cli("--model", str(tiny_checkpoint), "--out", str(out)).exit_code == 0
    users = add_users_files(out)
    tmp = tmp_path / ".site.tmp"
    shutil.copytree(out, tmp, ignore=shutil.ignore_patterns(".git", "CNAME", "notes"))
    write_marker(tmp, None)

    def kill(name):
        if name == "tmp-to-out":
            raise Killed(name)

    monkeypatch.setattr(ownership, "STEP_HOOK", kill)
    with pytest.raises(Killed):
        ownership.swap_into_place(tmp, out)
    monkeypatch.setattr(ownership, "STEP_HOOK", lambda name: None)
    assert not out.exists() and (tmp / ".git" / "HEAD").exists()  # the state a kill -9 leaves
    r = cli("--model", str(tiny_checkpoint), "--out", str(out))
    assert r.exit_code == 0, r.output
    for rel, text in users.items():
        assert (out / rel).read_text() == text
    assert (out / "en" / "index.html").exists()
    assert not tmp.exists() and not (tmp_path / ".site.old").exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_the_swap_rolls_it_back(sig, tiny_checkpoint, tmp_path, cache_root, monkeypatch):
    out = tmp_path / "site"
    opts = BuildOptions(
        model=str(tiny_checkpoint), out=out, precision="fp32", variants=("fp32",), cache_root=cache_root
    )
    build_site(opts, Reporter(-1))
    before = (out / "en" / "index.html").read_bytes()
    users = add_users_files(out)
    seen = []

    def hook(name):
        seen.append(name)
        if name == "move-kept" and len([s for s in seen if s == name]) == 2:
            os.kill(os.getpid(), sig)

    monkeypatch.setattr(ownership, "STEP_HOOK", hook)
    with pytest.raises(ownership.Interrupted):
        build_site(opts, Reporter(-1))
    for rel, text in users.items():
        assert (out / rel).read_text() == text
    assert (out / "en" / "index.html").read_bytes() == before
    assert not (tmp_path / ".site.tmp").exists() and not (tmp_path / ".site.old").exists()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back


KILL_DURING_BUILD = """
import os, signal, sys
from pathlib import Path
from txbuild import bundle
from txbuild.report import Reporter
from txbuild.site import BuildOptions, build_site

def sigterm_me(tmp, *cache):
    (Path(sys.argv[3]) / "reached").write_text("yes")
    os.kill(os.getpid(), signal.SIGTERM)

bundle.bundle_web = sigterm_me
build_site(BuildOptions(model=sys.argv[1], out=Path(sys.argv[2]), precision="fp32", variants=("fp32",),
                        cache_root=Path(sys.argv[4])), Reporter(-1))
"""


def test_sigterm_in_the_middle_of_a_build_leaves_no_build_folder(tiny_checkpoint, tmp_path, cache_root):
    out = tmp_path / "site"
    p = subprocess.run(
        [sys.executable, "-c", KILL_DURING_BUILD, str(tiny_checkpoint), str(out), str(tmp_path), str(cache_root)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert (tmp_path / "reached").exists(), p.stderr[-2000:]
    assert p.returncode != 0
    assert not (tmp_path / ".site.tmp").exists()
    assert not out.exists()


# ---- 4. txbuild train writes only where it may --------------------------------------------


@pytest.fixture
def no_training(monkeypatch):
    """The training itself is not what these tests check: it must not start (or is recorded)."""
    from txbuild.train import loop

    started = []
    monkeypatch.setattr(loop, "train", lambda cfg, data: started.append(cfg) or {})
    return started


@pytest.fixture
def corpus(tmp_path) -> Path:
    f = tmp_path / "corpus.txt"
    f.write_text("To be, or not to be, that is the question.\n" * 400)
    return f


def train_cli(*args):
    return CliRunner().invoke(main, ["train", *args])


def test_train_needs_an_output_folder(corpus, no_training):
    bundled = sources.BUNDLED_DIR / "config.json"
    before = bundled.stat().st_mtime_ns
    line = one_error_line(train_cli("--corpus", str(corpus), "--steps", "1", "--no-card"))
    assert "--output" in line
    assert not no_training and bundled.stat().st_mtime_ns == before


def test_train_refuses_a_folder_it_did_not_make(corpus, tmp_path, no_training):
    out = tmp_path / "mine"
    (out / ".saving").mkdir(parents=True)
    (out / "README.md").write_text("my readme")
    (out / "config.json").write_text("{}")
    line = one_error_line(train_cli("--corpus", str(corpus), "--steps", "1", "-o", str(out)))
    assert "--force" in line and "README.md" in line
    assert not no_training
    assert (out / "README.md").read_text() == "my readme" and (out / ".saving").is_dir()
    # --force writes there; a folder txbuild train made is its own
    assert train_cli("--corpus", str(corpus), "--steps", "1", "-o", str(out), "--force", "--no-card").exit_code == 0
    assert (out / ".txbuild-train").exists() and len(no_training) == 1
    assert train_cli("--corpus", str(corpus), "--steps", "1", "-o", str(out), "--no-card").exit_code == 0
    new = tmp_path / "new"
    assert train_cli("--corpus", str(corpus), "--steps", "1", "-o", str(new), "--no-card").exit_code == 0
    assert no_training[-1].output == str(new)


def test_train_device_cuda_without_a_gpu_is_one_line(corpus, tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    line = one_error_line(
        train_cli("--corpus", str(corpus), "--steps", "1", "--device", "cuda", "-o", str(tmp_path / "m"))
    )
    assert "--device cuda" in line and "GPU" in line


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--width", "30", "--heads", "4"], "multiple of --heads"),
        (["--layers", "0"], "--layers"),
        (["--batch-size", "-1"], "--batch-size"),
        (["--lr", "0"], "--lr"),
        (["--context", "100000", "--layers", "1", "--width", "8", "--heads", "2"], "fewer than one window"),
    ],
)
def test_train_bad_numbers_are_one_line(args, needle, corpus, tmp_path):
    out = tmp_path / "m"
    line = one_error_line(train_cli("--corpus", str(corpus), "--steps", "1", "-o", str(out), "--no-card", *args))
    assert needle in line


# ---- 5. serve: idle and slow clients do not starve the others -------------------------------


@pytest.fixture
def server(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><p>home")
    srv = serve_mod.make_server(site, "127.0.0.1", 0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_hundreds_of_idle_and_trickling_clients_do_not_starve_a_get(server):
    addr = ("127.0.0.1", server.server_port)
    idle = [socket.create_connection(addr) for _ in range(300)]
    slow = []
    for _ in range(20):
        s = socket.create_connection(addr)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        slow.append(s)
    try:
        conn = http.client.HTTPConnection(*addr, timeout=20)  # the idle timeout is 30 s
        conn.request("GET", "/")
        r = conn.getresponse()
        assert r.status == 200 and b"home" in r.read()
        conn.close()
    finally:
        for s in idle + slow:
            s.close()


def test_a_trickling_client_is_cut_at_the_header_deadline(server, monkeypatch):
    monkeypatch.setattr(serve_mod.SiteHandler, "header_seconds", 0.5, raising=False)
    request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 500
    with socket.create_connection(("127.0.0.1", server.server_port)) as s:
        cut = False
        for i in range(len(request)):  # a byte every 0.05 s keeps any per-read timeout happy
            try:
                s.sendall(request[i : i + 1])
            except OSError:
                cut = True
                break
            ready, _, _ = select.select([s], [], [], 0.05)
            if ready and s.recv(1024) == b"":
                cut = True
                break
        assert cut, "the server kept reading a request head that never ended"


# ---- 6. bad build input: one line, before anything expensive --------------------------------


def test_an_unknown_hub_id_without_network_is_one_line(tmp_path, cli, monkeypatch):
    import transformers

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(sources, "in_hf_cache", lambda repo: False)
    monkeypatch.setattr(sources, "hub_reachable", lambda timeout=3.0: False)
    monkeypatch.setattr(
        transformers.AutoConfig, "from_pretrained", lambda *a, **k: pytest.fail("went to the hub anyway")
    )
    line = one_error_line(cli("--model", "no-such-org/no-such-model", "--out", str(tmp_path / "site")))
    assert "no-such-org/no-such-model" in line and "did not answer" in line


def test_the_hub_probe_gives_up_when_the_name_lookup_hangs(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    stuck = threading.Event()

    def hang(*a, **k):  # a name lookup that never answers (until the test ends)
        stuck.wait()
        raise OSError("no route")

    monkeypatch.setattr(socket, "create_connection", hang)
    answer = []
    t = threading.Thread(target=lambda: answer.append(sources.hub_reachable(timeout=0.2)), daemon=True)
    t.start()
    t.join(30)
    stuck.set()
    assert answer == [False]


def copy_of(ckpt: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "ckpt"
    shutil.copytree(ckpt, dst)
    return dst


@pytest.mark.parametrize("key, value", [("n_embd", 2**20), ("n_layer", 10**6), ("n_positions", 10**7)])
def test_absurd_config_sizes_are_checked_against_the_weights_before_loading(
    key, value, tiny_checkpoint, tmp_path, cli, monkeypatch
):
    import transformers

    ckpt = copy_of(tiny_checkpoint, tmp_path)
    cfg = json.loads((ckpt / "config.json").read_text())
    cfg[key] = value
    (ckpt / "config.json").write_text(json.dumps(cfg))
    monkeypatch.setattr(
        transformers.GPT2LMHeadModel, "from_pretrained", lambda *a, **k: pytest.fail("built the model anyway")
    )
    line = one_error_line(cli("--model", str(ckpt), "--out", str(tmp_path / "site")))
    assert "config.json do not match the weights" in line and f"{key} {value}" in line


@pytest.mark.parametrize(
    "card, field",
    [
        ({"title": 5}, "'title'"),
        ({"title": {}}, "'title'"),
        ({"build_note": ["a note"]}, "'build_note'"),
        ({"reader_name": {"en": 3}}, "'reader_name'"),
        ({"reader_name": None}, "'reader_name'"),
        ({"trained": "yes"}, "'trained'"),
    ],
)
def test_a_card_field_of_the_wrong_type_is_one_line(card, field, tiny_checkpoint, tmp_path, cli):
    from txbuild.card import CardError, validate_card

    with pytest.raises(CardError, match=field):
        validate_card(card)
    ckpt = copy_of(tiny_checkpoint, tmp_path)
    (ckpt / "txbuild.json").write_text(json.dumps(card))
    line = one_error_line(cli("--model", str(ckpt), "--out", str(tmp_path / "site")))
    assert "txbuild.json" in line and field in line
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    "text, needle",
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"history": "x"}', "'history'"),
        ('{"history": [{"step": "one", "heldout_loss": 1.0}]}', "history[0].step"),
        ('{"history": [{"step": 1, "heldout_loss": "low"}]}', "history[0].heldout_loss"),
        ('{"quality": {"heldout_loss": "low"}}', "quality.heldout_loss"),
        ('{"steps_done": "many"}', "'steps_done'"),
        ('{"config": [], "history": []}', "'config'"),
    ],
)
def test_a_malformed_metrics_json_is_one_line(text, needle, tiny_checkpoint, tmp_path, cli):
    ckpt = copy_of(tiny_checkpoint, tmp_path)
    (ckpt / "metrics.json").write_text(text)
    line = one_error_line(cli("--model", str(ckpt), "--out", str(tmp_path / "site")))
    assert "metrics.json" in line and needle in line


def test_the_bundled_models_card_and_metrics_pass():
    from txbuild.card import check_metrics_file, read_json, validate_card

    validate_card(read_json(sources.BUNDLED_DIR / "txbuild.json"))
    check_metrics_file(sources.BUNDLED_DIR)


def test_verify_out_pointing_at_a_folder_is_refused_before_the_work(tiny_checkpoint, tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "load", lambda src: pytest.fail("loaded the model anyway"))
    r = CliRunner().invoke(main, ["verify", "--model", str(tiny_checkpoint), "--out", str(tmp_path)])
    assert "is a folder" in one_error_line(r, code=2)


def test_out_tilde_is_the_home_folder_not_a_folder_named_tilde(tiny_checkpoint, tmp_path, cli, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("years of work")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    line = one_error_line(cli("--model", str(tiny_checkpoint), "--out", "~"))
    assert str(home) in line and "did not write" in line
    assert not (work / "~").exists() and (home / "thesis.tex").read_text() == "years of work"


def test_an_export_inside_a_site_is_refused_both_ways(tmp_path):
    site = fake_site(tmp_path / "site", "old")
    src = tmp_path / "variant"
    src.mkdir()
    (src / "model.onnx").write_bytes(b"graph")
    with pytest.raises(OwnershipError, match="publish"):
        ownership.replace_dir(src, site / "gpt2" / "fp32")
    assert not (site / "gpt2").exists()
    # an export written there before (by an earlier txbuild): the next site build refuses to publish it
    exported = site / "gpt2" / "fp32"
    shutil.copytree(src, exported)
    write_marker(exported, ["model.onnx"], kind="export")
    tmp = fake_site(tmp_path / ".site.tmp", "new", building=True)
    with pytest.raises(OwnershipError, match="gpt2/"):
        ownership.swap_into_place(tmp, site)
    assert (exported / "model.onnx").read_bytes() == b"graph" and (site / "index.html").read_text() == "old"


def test_recovery_refuses_a_build_folder_of_the_users(tmp_path):
    out = fake_site(tmp_path / "site", "old")
    mine = tmp_path / ".site.tmp"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(OwnershipError, match="refusing"):
        ownership.recover(out)
    assert (mine / "notes.txt").read_text() == "mine"
