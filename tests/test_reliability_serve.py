"""`txbuild serve` serves the site and nothing else; its faults are one line, exit 2 (issue 13, section 3)."""

from __future__ import annotations

import http.client
import os
import socket
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from browser import served
from txbuild import serve as serve_mod
from txbuild.cli import main
from txbuild.htmlsafe import CSP, SECURITY_HEADERS


@pytest.fixture
def root(tmp_path):
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><p>home")
    (site / "en" / "index.html").write_text("<!doctype html><p>en")
    (site / "assets").mkdir()
    (site / "assets" / "app.js").write_text("export {}")
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[remote] url = secret")
    (site / ".txbuild-site").write_text("{}")
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the root")
    os.symlink(secret, site / "leak.txt")
    os.symlink(tmp_path, site / "up")
    return site


def status(base, path):
    try:
        with urllib.request.urlopen(base + path) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, b""


def raw_status(base, path):
    """A request line sent as it is (urllib would quote a NUL byte)."""
    host, port = base.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := s.recv(4096):
            data += chunk
    return int(data.split(b" ", 2)[1])


def test_files_under_the_root_are_served(root):
    with served(root) as base:
        assert status(base, "") == (200, b"<!doctype html><p>home")
        assert status(base, "en/")[0] == 200
        assert status(base, "assets/app.js")[0] == 200


@pytest.mark.parametrize("path", ["leak.txt", "up/secret.txt", "..%2fsecret.txt", "%2e%2e/secret.txt"])
def test_no_symlink_or_dot_dot_escape(root, path):
    with served(root) as base:
        code, body = status(base, path)
    assert code == 404 and b"outside the root" not in body


@pytest.mark.parametrize("path", ["assets/", "model/", ".git/config", ".git/", ".txbuild-site", "en/.hidden"])
def test_no_listings_and_no_dotfiles(root, path):
    with served(root) as base:
        code, body = status(base, path)
    assert code == 404, path
    assert b"app.js" not in body and b"secret" not in body


def test_a_nul_byte_is_a_bad_request_and_the_server_lives_on(root):
    with served(root) as base:
        assert raw_status(base, "/a%00b") == 400
        assert raw_status(base, "/en/index.html%00.js") == 400
        assert status(base, "")[0] == 200


def test_security_headers(root):
    with served(root) as base:
        with urllib.request.urlopen(base) as r:
            assert r.headers["Content-Security-Policy"] == CSP
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            assert r.headers["Referrer-Policy"] == "no-referrer"
            assert r.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
            for name, value in SECURITY_HEADERS.items():  # the service worker's too (build.mjs)
                assert r.headers[name] == value, name


def test_an_idle_connection_is_closed(root, monkeypatch):
    monkeypatch.setattr(serve_mod.SiteHandler, "timeout", 0.5)
    with served(root) as base:
        host, port = base.split("//")[1].rstrip("/").split(":")
        with socket.create_connection((host, int(port)), timeout=20) as s:
            assert s.recv(1) == b""  # closed by the server, not by our 20 s timeout
        assert status(base, "")[0] == 200


def test_bounded_backlog_and_threads(root):
    with served(root) as base:
        conn = http.client.HTTPConnection(base.split("//")[1].rstrip("/"))
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
    assert serve_mod.SiteServer.request_queue_size == serve_mod.BACKLOG <= 128
    assert 1 <= serve_mod.MAX_THREADS <= 64
    assert serve_mod.SiteHandler.timeout and serve_mod.SiteHandler.timeout <= 60


def one_line_exit_2(result, needle):
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], result.output


def test_port_in_use(root):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        r = CliRunner().invoke(main, ["serve", "--dir", str(root), "--port", str(port)])
    one_line_exit_2(r, "in use")


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_invalid_port(root, port):
    one_line_exit_2(CliRunner().invoke(main, ["serve", "--dir", str(root), "--port", port]), "--port")


def test_unresolvable_host(root):
    r = CliRunner().invoke(main, ["serve", "--dir", str(root), "--host", "no-such-host.invalid"])
    one_line_exit_2(r, "no-such-host.invalid")
