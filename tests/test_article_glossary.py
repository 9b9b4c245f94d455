"""One Korean term per concept across the article and the UI strings (issue 11, §7)."""

from __future__ import annotations

import re
import tomllib

import pytest

from txbuild import REPO_ROOT

KO = REPO_ROOT / "content" / "ko"
TERMS = tomllib.loads((KO / "glossary.toml").read_text(encoding="utf-8"))["term"]


def texts() -> dict[str, str]:
    files = sorted(KO.glob("*.md")) + [KO / "strings.toml"]
    return {f.name: f.read_text(encoding="utf-8") for f in files}


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
