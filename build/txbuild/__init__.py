"""txbuild: turn a GPT-2-family checkpoint and a bilingual article into a static explainer site."""

import time
from pathlib import Path

# The first import of txbuild: the fallback for seconds_since_start() where /proc is missing.
STARTED = time.perf_counter()


def seconds_since_start() -> float:
    """Seconds since this process started (Linux: /proc, so Python's start-up counts too)."""
    try:
        import os

        with open("/proc/self/stat") as f:
            start_ticks = float(f.read().rsplit(")", 1)[1].split()[19])  # field 22, starttime
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - STARTED


__version__ = "0.1.0"

# The repository root: build/txbuild/__init__.py -> parents[2]. The package is installed
# editable, so content/, templates/, web/ and models/ are found next to it.
REPO_ROOT = Path(__file__).resolve().parents[2]

# The page languages, each a folder content/<lang>/ (the first one is the fallback of the
# language chooser; the manifest has a default example for each). Defined here only.
LANGS = ("en", "ko")

# The precision variants a build can ship (export.make_variant makes each one).
PRECISIONS = ("fp32", "fp16", "int8", "q4")
