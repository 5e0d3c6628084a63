# The archive's two commands: `make html` builds the site, `make test` proves it.
# Both create .venv and install the project (pinned by constraints.txt) when needed.

PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
SPHINXOPTS  ?= -W --keep-going
BUILDDIR    ?= _build
N           ?= 250 2000
PYTEST_ARGS ?=

.PHONY: html test check lint format bench serve clean install install-test browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(VENV)/.installed $@

# axe-core (from npm) for the accessibility tests, pinned by tests/a11y/package-lock.json
AXE := tests/a11y/node_modules/axe-core/axe.min.js
$(AXE): tests/a11y/package.json tests/a11y/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the accessibility tests: apt-get install nodejs npm"; exit 1; }
	npm ci --prefix tests/a11y --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## html: build the whole archive from data/ into _build/html (warnings fail the build)
html: $(VENV)/.installed
	$(BIN)/sphinx-build -b html -c . docs $(BUILDDIR)/html $(SPHINXOPTS)

## check: validate every data file and print every problem
check: $(VENV)/.installed
	$(BIN)/shufa check data

## test: ruff (lint and format) and the whole pytest suite
test: $(VENV)/.installed-test $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: the benchmark against plain Sphinx (N=250 runs one size)
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py $(N)

## serve: serve _build/html on http://127.0.0.1:8000
serve: html
	$(BIN)/python -m http.server --directory $(BUILDDIR)/html --bind 127.0.0.1 8000

clean:
	rm -rf $(BUILDDIR) docs/reports docs/years docs/metrics
