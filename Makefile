# Two entry points: `make site` builds site/ with the default model, `make test` runs every test.
# Both set up everything first (the venv, web/node_modules) on a fresh clone.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
MODEL  ?= auto
ARGS   ?=
# two pytest workers (pytest-xdist) share the machine's two cores and one stage cache (tests/conftest.py);
# `make test XDIST=` runs the suite in one process
XDIST  ?= -n 2 --dist worksteal
JS_SOURCES := 'web/*.{js,mjs}' 'web/src/**/*.{js,mjs,css}' 'web/viz/**/*.{js,css}' 'web/tools/*.mjs' 'tests/js/**/*.{js,mjs}'

.PHONY: setup site serve test test-fast lint format clean

setup: $(VENV)/.installed web/node_modules/.installed

# torch is installed first, pinned, so nothing pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $@

web/node_modules/.installed: web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund
	touch $@

site: setup
	$(BIN)/txbuild site --model $(MODEL) $(ARGS)

serve: site
	$(BIN)/txbuild serve

# Ends with the ten slowest tests (the `slow` ones, long end-to-end cases, run here too).
test: setup
	node --test tests/js/
	$(BIN)/pytest -q $(XDIST) --durations=10 $(ARGS)

# Everything but the browser tests (no Chromium) and the slow ones: the quick loop while editing.
test-fast: setup
	node --test tests/js/
	$(BIN)/pytest -q $(XDIST) -m "not browser and not slow" $(ARGS)

# ruff (pyproject.toml [tool.ruff]) on build/, tests/, scripts/: lint and format; prettier
# (.prettierrc.json) on the browser code and its tests; tsc on its JSDoc types (web/tsconfig.json);
# a syntax check of every JS file.
lint: setup
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	web/node_modules/.bin/prettier --check $(JS_SOURCES)
	web/node_modules/.bin/tsc -p web/tsconfig.json
	find web tests/js -path web/node_modules -prune -o \( -name '*.js' -o -name '*.mjs' \) -print0 \
	  | xargs -0 -n1 -P4 node --check

# Rewrites the files in the project's one style (what `make lint` checks).
format: setup
	$(BIN)/ruff format
	web/node_modules/.bin/prettier --write --log-level warn $(JS_SOURCES)

clean:
	rm -rf site .txbuild
