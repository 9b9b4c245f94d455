# Two entry points: `make site` builds site/ with the default model, `make test` runs every test.
# Both set up everything first (the venv, web/node_modules) on a fresh clone.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
MODEL  ?= auto
ARGS   ?=

.PHONY: setup site serve test test-py test-js clean

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

test: setup
	node --test tests/js/
	$(BIN)/pytest -q $(ARGS)

clean:
	rm -rf site .txbuild
