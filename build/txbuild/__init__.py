"""txbuild: turn a GPT-2-family checkpoint and a bilingual article into a static explainer site."""

from pathlib import Path

__version__ = "0.1.0"

# The repository root: build/txbuild/__init__.py -> parents[2]. The package is installed
# editable, so content/, templates/, web/ and models/ are found next to it.
REPO_ROOT = Path(__file__).resolve().parents[2]

# The page languages, each a folder content/<lang>/ (the first one is the fallback of the
# language chooser; the manifest has a default example for each). Defined here only.
LANGS = ("en", "ko")

# The precision variants a build can ship (export.make_variant makes each one).
PRECISIONS = ("fp32", "fp16", "int8", "q4")
