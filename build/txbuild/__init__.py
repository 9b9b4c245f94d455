"""txbuild: turn a GPT-2-family checkpoint and a bilingual article into a static explainer site."""

import time
from pathlib import Path

# When the process started, near enough (the first import of any txbuild command): the build's
# reported time counts Python's start-up and the imports too.
STARTED = time.perf_counter()

__version__ = "0.1.0"

# The repository root: build/txbuild/__init__.py -> parents[2]. The package is installed
# editable, so content/, templates/, web/ and models/ are found next to it.
REPO_ROOT = Path(__file__).resolve().parents[2]

# The precision variants a build can ship (export.make_variant makes each one).
PRECISIONS = ("fp32", "fp16", "int8", "q4")
