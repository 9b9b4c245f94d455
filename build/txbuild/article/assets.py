"""The article's static files: templates/static/*.css plus the self-hosted Pretendard fonts,
as content-hashed files under site/assets/.

Pretendard (SIL Open Font License) comes from npm (`web/node_modules/pretendard`), the variable
font split into unicode-range subsets, so a page only downloads the glyphs it shows. Without
node_modules the CSS falls back to system fonts and the build warns.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

SUBSET_CSS = "pretendardvariable-dynamic-subset.css"
FAMILY = "Pretendard Variable"  # as the subset CSS names it


def hashed(name: str, data: bytes) -> str:
    stem, dot, ext = name.partition(".")
    return f"{stem}-{hashlib.sha256(data).hexdigest()[:10]}{dot}{ext}"


def font_faces(fonts_dir: Path | None, files: dict[str, bytes], warnings: list[str]) -> str:
    """@font-face rules pointing at hashed copies under assets/fonts/ (added to `files`)."""
    css_path = fonts_dir / SUBSET_CSS if fonts_dir else None
    if css_path is None or not css_path.exists():
        warnings.append(
            f"Pretendard not found ({css_path or 'no fonts_dir'}); run `npm ci` in web/. "
            "The pages fall back to system fonts."
        )
        return ""
    css = css_path.read_text(encoding="utf-8")
    missing = []

    def swap(m: re.Match) -> str:
        src = (css_path.parent / m.group(1)).resolve()
        if not src.exists():
            missing.append(m.group(1))
            return m.group(0)
        data = src.read_bytes()
        name = hashed("pretendard-" + src.name.split(".subset.")[-1].replace(".woff2", "") + ".woff2", data)
        files[f"assets/fonts/{name}"] = data
        return f"url(fonts/{name})"

    css = re.sub(r"url\(\s*['\"]?(\./[^)'\"]+)['\"]?\s*\)", swap, css)
    # The SIL Open Font License travels with the fonts.
    for lic in (fonts_dir.parents[2] / "LICENSE", fonts_dir.parents[2] / "LICENSE.txt"):
        if lic.exists():
            files["assets/fonts/Pretendard-LICENSE.txt"] = lic.read_bytes()
            break
    if missing:
        warnings.append(f"Pretendard CSS names {len(missing)} missing font file(s), e.g. {missing[0]}")
    return css


MATH_WOFF2 = "noto-sans-math-latin-400-normal.woff2"


def math_face(math_dir: Path | None, files: dict[str, bytes], warnings: list[str]) -> str:
    """@font-face for Noto Sans Math (npm @fontsource/noto-sans-math, SIL OFL): an OpenType MATH
    table, so MathML fences, radicals and the `cases` brace stretch on systems without a math font.

    The package's own CSS limits the face to a Latin unicode-range, which would leave ∑, √, ∞,
    Greek and math italic to other fonts; the file holds the whole font, so no range is given."""
    src = math_dir / MATH_WOFF2 if math_dir else None
    if src is None or not src.exists():
        warnings.append(
            f"Noto Sans Math not found ({src or 'no math_font_dir'}); run `npm ci` in web/. "
            "Formulas fall back to the system's math font."
        )
        return ""
    data = src.read_bytes()
    name = hashed("noto-sans-math.woff2", data)
    files[f"assets/fonts/{name}"] = data
    lic = math_dir.parent / "LICENSE"
    if lic.exists():
        files["assets/fonts/NotoSansMath-LICENSE.txt"] = lic.read_bytes()
    return (
        '@font-face { font-family: "Noto Sans Math"; font-style: normal; font-weight: 400; '
        f'font-display: swap; src: url(fonts/{name}) format("woff2"); }}\n'
    )


def build_css(
    templates_dir: Path, fonts_dir: Path | None, warnings: list[str], math_dir: Path | None = None
) -> tuple[str, dict[str, bytes]]:
    """Returns (href of the stylesheet relative to the site root, {relative path: bytes})."""
    files: dict[str, bytes] = {}
    faces = font_faces(fonts_dir, files, warnings) + math_face(math_dir, files, warnings)
    static = templates_dir / "static"
    parts = [faces] + [p.read_text(encoding="utf-8") for p in sorted(static.glob("*.css"))]
    data = "\n".join(parts).encode("utf-8")
    href = f"assets/{hashed('site.css', data)}"
    files[href] = data
    return href, files
