"""One Korean term per concept across the article, the UI strings and the labels the live page
draws from them (issue 11, §7; issue 22, item 12), and phrasing a Korean editor struck out."""

from __future__ import annotations

import re
import tomllib

import pytest

from txbuild import REPO_ROOT

KO = REPO_ROOT / "content" / "ko"
GLOSSARY = tomllib.loads((KO / "glossary.toml").read_text(encoding="utf-8"))
TERMS = GLOSSARY["term"]
WEB = [REPO_ROOT / "web" / "src", REPO_ROOT / "web" / "viz"]
_JS_STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|`(?:[^`\\]|\\.)*`")
_HANGUL = re.compile("[\uac00-\ud7a3]")


def js_korean() -> str:
    """The Korean string literals of the browser code (its comments left out): a label drawn in
    JS must come from strings.toml, and whatever Korean it writes itself obeys the glossary too."""
    found = []
    for d in WEB:
        for f in sorted(p for p in d.rglob("*.js") if p.name != "josa.js"):  # particles, not labels
            code = re.sub(r"/\*.*?\*/|(?<![:'\"`])//[^\n]*", "", f.read_text(encoding="utf-8"), flags=re.S)
            found += [f"{f.name}: {m.group(0)}" for m in _JS_STRING.finditer(code) if _HANGUL.search(m.group(0))]
    return "\n".join(found)


def texts() -> dict[str, str]:
    """The Korean article, the UI strings (which every figure and live view draws), and any
    Korean in the browser code itself; values only, without TOML comments."""
    files = sorted(KO.glob("*.md"))
    out = {f.name: f.read_text(encoding="utf-8") for f in files}
    strings = (KO / "strings.toml").read_text(encoding="utf-8")
    out["strings.toml"] = re.sub(r"(?m)^\s*#.*$", "", strings)
    out["web/*.js"] = js_korean()
    return out


@pytest.mark.parametrize("term", TERMS, ids=[t["en"] for t in TERMS])
def test_one_term_per_concept(term):
    found = []
    all_text = texts()
    for name, text in all_text.items():
        for pat in term["avoid"]:
            for m in re.finditer(pat, text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{name}:{line}: {m.group(0)!r} (use {term['ko']!r})")
    assert not found, "\n".join(found)
    assert any(term["ko"] in t for t in all_text.values()), f"{term['ko']!r} is never used"


@pytest.mark.parametrize("wording", GLOSSARY["wording"], ids=[w["avoid"] for w in GLOSSARY["wording"]])
def test_struck_out_wording_stays_out(wording):
    found = []
    for name, text in texts().items():
        for m in re.finditer(wording["avoid"], text):
            line = text.count("\n", 0, m.start()) + 1
            found.append(f"{name}:{line}: {text[max(0, m.start() - 15) : m.end() + 10]!r}")
    assert not found, f"{wording['use']}:\n" + "\n".join(found)


def test_the_browser_code_writes_no_korean_of_its_own():
    """Every Korean label the live page draws comes from strings.toml, which the tests above read."""
    assert js_korean() == ""


def test_no_space_before_a_particle_after_code_or_urls():
    bad = []
    for name, text in texts().items():
        for m in re.finditer(r"(`|://) (을|를|은|는|이|가|로|으로|에)(?=[\s.,])", text):
            bad.append(f"{name}: {text[max(0, m.start() - 20) : m.end()]!r}")
    assert not bad, bad


def test_korean_emphasis_is_never_italic():
    """*강조* would be drawn as synthetic italic Hangul; Korean emphasis is **bold**."""
    bad = []
    for f in sorted(KO.glob("*.md")):
        text = re.sub(r"\*\*[^*\n]+\*\*", "", f.read_text(encoding="utf-8"))
        text = re.sub(r"\$[^$]*\$", "", text)
        bad += [f"{f.name}: {m.group(0)}" for m in re.finditer(r"\*[^*\n]*[가-힣][^*\n]*\*", text)]
    assert not bad, bad
