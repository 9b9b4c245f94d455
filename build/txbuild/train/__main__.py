"""`python -m txbuild.train ...` = `txbuild train ...` (runs without installing the package)."""

from .cli import train

train(prog_name="python -m txbuild.train")
