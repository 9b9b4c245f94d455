"""`txbuild new` + `txbuild site` (txbuild.toml from the current folder) + `txbuild serve --watch`
(a content edit reaches the served page, which is told to reload)."""

from __future__ import annotations

import threading
import tomllib
import urllib.request

import pytest
from click.testing import CliRunner

from txbuild.cli import main
from txbuild.project import load_project

MARK_BUILD = "Written for the project test, before the build."
MARK_EDIT = "Added while the server was watching."


def _get(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url) as r:
        return r.read().decode("utf-8"), r.headers["Content-Type"]


def _add_sentence(md, sentence: str) -> None:
    text = md.read_text(encoding="utf-8")
    md.write_text(text.rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")


@pytest.fixture
def project(tmp_path, tiny_checkpoint, cache_root, monkeypatch):
    monkeypatch.setenv("TXBUILD_CACHE", str(cache_root))
    r = CliRunner().invoke(
        main, ["new", str(tmp_path / "mysite"), "--model", str(tiny_checkpoint), "--variants", "fp32"]
    )
    assert r.exit_code == 0, r.output
    return tmp_path / "mysite"


def test_new_writes_a_project(project, tiny_checkpoint):
    assert sorted(p.name for p in project.iterdir()) == ["README.md", "content", "txbuild.toml"]
    toml = tomllib.loads((project / "txbuild.toml").read_text(encoding="utf-8"))["site"]
    assert toml["languages"] == ["en", "ko"] and toml["variants"] == ["fp32"] and toml["out"] == "site"
    assert toml["content"] == "content" and "title" not in toml  # the card's title unless set
    # the model folder, relative to the project, resolves to the checkpoint
    assert load_project(project)["model"] == str(tiny_checkpoint.resolve())
    for lang in ("en", "ko"):
        assert (project / "content" / lang / "strings.toml").is_file()
        assert len(list((project / "content" / lang).glob("*.md"))) >= 10
    assert "txbuild serve --watch" in (project / "README.md").read_text(encoding="utf-8")
    again = CliRunner().invoke(main, ["new", str(project)])
    assert again.exit_code == 2 and "not empty" in again.output


@pytest.mark.parametrize(
    "toml, needle",
    [
        ('[site]\nmodle = "x"\n', "unknown key 'modle'"),
        ('[site]\nvariants = ["fp64"]\n', "'variants' must be"),
        ('[site]\nlanguages = ["en"]\n', "'languages' must be"),
        ("[site\n", "TOML syntax error"),
    ],
)
def test_a_bad_txbuild_toml_is_one_line(tmp_path, monkeypatch, toml, needle):
    (tmp_path / "txbuild.toml").write_text(toml)
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["site"])
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert r.exit_code == 2 and len(lines) == 1 and needle in lines[0] and "txbuild.toml" in lines[0], r.output


def test_new_site_and_serve_watch(project, monkeypatch):
    from txbuild.report import Reporter
    from txbuild.serve import make_server
    from txbuild.site import build_site
    from txbuild.watch import LiveReload, Watcher

    intro = sorted((project / "content" / "en").glob("*.md"))[0]
    _add_sentence(intro, MARK_BUILD)
    (project / "txbuild.toml").write_text(
        (project / "txbuild.toml").read_text(encoding="utf-8").replace("# title = {", "title = {"), encoding="utf-8"
    )
    monkeypatch.chdir(project)
    r = CliRunner().invoke(main, ["site", "-q"])  # every value from ./txbuild.toml
    assert r.exit_code == 0, r.output
    en = (project / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert MARK_BUILD in en  # the project's content/, not txbuild's
    assert "<title>Inside my model" in en  # the project's title

    # serve --watch: the CLI's build (txbuild.toml's values; the model stages from the cache),
    # then only the pages again, on each edit
    from txbuild.cli import watch_options

    opts = watch_options(project / "site", {"content": None, "templates": None, **load_project()})
    assert opts.content_dir == project / "content" and opts.variants == ("fp32",)
    res = build_site(opts, Reporter(-1))
    live = LiveReload()
    messages = []
    watcher = Watcher(res.pages, live, report=messages.append)
    server = make_server(project / "site", port=0, live=live)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        page, ctype = _get(f"{base}/en/")
        assert ctype.startswith("text/html") and MARK_BUILD in page and MARK_EDIT not in page
        assert '<script src="/__txbuild/livereload.js?v=0"></script>' in page
        script, ctype = _get(f"{base}/__txbuild/livereload.js")
        assert ctype.startswith("text/javascript") and "/__txbuild/version" in script
        assert _get(f"{base}/__txbuild/version")[0] == "0"
        assert watcher.check() is False  # nothing changed yet

        _add_sentence(intro, MARK_EDIT)
        assert watcher.check() is True, messages
        page, _ = _get(f"{base}/en/index.html")
        assert MARK_EDIT in page and MARK_BUILD in page
        assert _get(f"{base}/__txbuild/version")[0] == "1"  # the open page's poll sees a new version
        assert "livereload.js?v=1" in page
        # the file on disk has no reload script: only the watching server adds it
        on_disk = (project / "site" / "en" / "index.html").read_text(encoding="utf-8")
        assert MARK_EDIT in on_disk and "livereload" not in on_disk
    finally:
        server.shutdown()
        server.server_close()

    # a plain `txbuild serve` adds nothing
    plain = make_server(project / "site", port=0)
    threading.Thread(target=plain.serve_forever, daemon=True).start()
    try:
        page, _ = _get(f"http://127.0.0.1:{plain.server_port}/en/")
        assert "livereload" not in page
        with pytest.raises(urllib.error.HTTPError):
            _get(f"http://127.0.0.1:{plain.server_port}/__txbuild/version")
    finally:
        plain.shutdown()
        plain.server_close()


def test_serve_reads_the_output_folder_from_txbuild_toml(tmp_path, monkeypatch):
    (tmp_path / "txbuild.toml").write_text('[site]\nout = "public"\n')
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["serve", "--port", "0"])
    assert r.exit_code == 1 and f"{tmp_path / 'public'}/index.html not found" in r.output, r.output
    r = CliRunner().invoke(main, ["serve", "--port", "0", "--dir", "elsewhere"])  # the option wins
    assert r.exit_code == 1 and "elsewhere/index.html not found" in r.output, r.output


@pytest.mark.parametrize(
    "option, needle", [("--content", "en/strings.toml is missing"), ("--templates", "article.html.j2 is missing")]
)
def test_a_content_or_templates_folder_that_is_not_one_is_one_line(tmp_path, option, needle):
    r = CliRunner().invoke(main, ["site", option, str(tmp_path / "nothing-here")])
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert r.exit_code == 2 and len(lines) == 1 and needle in lines[0], r.output
