# The archive's two commands: `make html` builds the site, `make test` proves it.
# Both make a venv for the Python they run with (.venv/<X.Y>/; `make html PYTHON=python3.13`
# chooses another) and install the project into it (pinned by constraints.txt) when needed.

PYTHON      ?= python3
SPHINXOPTS  ?= -W --keep-going
BUILDDIR    ?= _build
DATA        ?= data
# A Dask scheduler (tcp://host:8786) to build a large archive's partitions on; empty: this machine.
DASK_SCHEDULER ?=
N           ?= 250 2000
PYTEST_ARGS ?=
# The suite on every core (pytest-xdist): the tests sharing a build of their module, and the Dask
# tests, each run on one worker (tests/conftest.py). PYTEST_XDIST=-n0 runs it in one process.
PYTEST_XDIST ?= -n auto --dist loadgroup

# $(PYTHON) as it runs here: "X.Y X.Y.Z /real/path/to/python" (empty when it does not run).
# A pyenv shim that refuses (python3.13 installed but not selected) is looked up in
# $(pyenv root)/versions instead.
PY_INFO := $(shell \
	info='import os, sys; print("%d.%d" % sys.version_info[:2], sys.version.split()[0], os.path.realpath(sys.executable))'; \
	$(PYTHON) -c "$$info" 2>/dev/null || \
	for exe in $$(pyenv root 2>/dev/null)/versions/*/bin/$(PYTHON); do \
		[ -x "$$exe" ] && "$$exe" -c "$$info" 2>/dev/null && break; \
	done)
PY_VERSION  := $(word 1,$(PY_INFO))
PY_EXE      := $(word 3,$(PY_INFO))

# One venv per Python version; .venv/<X.Y>/.python names the interpreter that made it, and a
# venv made by another interpreter is made again, never reused.
VENV        ?= .venv/$(or $(PY_VERSION),unknown)
BIN         := $(VENV)/bin
PIP         := $(BIN)/python -m pip install --quiet --disable-pip-version-check
PINS        := -c constraints.txt --build-constraint constraints.txt

.PHONY: html test test-fast check lint format bench serve clean install install-test install-bench browser FORCE

$(VENV)/.python: FORCE
	@test -n "$(PY_EXE)" || { echo "PYTHON=$(PYTHON) does not run here: give a Python 3.11 or later, e.g. PYTHON=python3.13 or a path" >&2; exit 1; }
	@$(PY_EXE) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "PYTHON=$(PYTHON) is Python $(PY_VERSION); the archive needs Python 3.11 or later" >&2; exit 1; }
	@if [ "$$(cat $@ 2>/dev/null)" != "$(PY_INFO)" ] || [ ! -x $(BIN)/python ]; then \
		if [ -f $@ ]; then echo "$(VENV) was made by Python $$(cat $@); making it again with $(PY_INFO)"; \
		else echo "making $(VENV) with Python $(PY_INFO)"; fi; \
		$(PY_EXE) -m venv --clear $(VENV) && echo "$(PY_INFO)" > $@; \
	fi

$(VENV)/.installed: pyproject.toml constraints.txt $(VENV)/.python
	$(PIP) -c constraints.txt --upgrade pip
	$(PIP) $(PINS) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt $(VENV)/.python
	$(PIP) -c constraints.txt --upgrade pip
	$(PIP) $(PINS) -e '.[test]'
	touch $(VENV)/.installed $@

# jieba, for the plain-Sphinx floor's zh search
$(VENV)/.installed-bench: pyproject.toml constraints.txt $(VENV)/.python
	$(PIP) -c constraints.txt --upgrade pip
	$(PIP) $(PINS) -e '.[bench]'
	touch $(VENV)/.installed $@

# axe-core (from npm) for the accessibility tests, pinned by tests/a11y/package-lock.json
AXE := tests/a11y/node_modules/axe-core/axe.min.js
$(AXE): tests/a11y/package.json tests/a11y/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the accessibility tests: apt-get install nodejs npm"; exit 1; }
	npm ci --prefix tests/a11y --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-bench: $(VENV)/.installed-bench

## html: build the whole archive from $(DATA) into _build/html (warnings fail the build); a large
## archive is built in partitions on Dask (this machine's cores, or DASK_SCHEDULER=tcp://host:8786)
# A site built by another Python (so perhaps another Sphinx) is removed, not updated; so is one
# an earlier make html built before `shufa build` marked its folders (it refuses unmarked ones).
# --sphinx-options=… is one argument: SPHINXOPTS=-E would otherwise look like an option.
html: $(VENV)/.installed
	@if [ -f $(BUILDDIR)/.html-python ] && [ "$$(cat $(BUILDDIR)/.html-python)" != "$(PY_INFO)" ]; then \
		echo "$(BUILDDIR)/html was built with Python $$(cat $(BUILDDIR)/.html-python): building it afresh"; \
		rm -rf $(BUILDDIR)/html $(BUILDDIR)/work; \
	elif [ -f $(BUILDDIR)/.html-python ] && { { [ -d $(BUILDDIR)/html ] && [ ! -f $(BUILDDIR)/html/.shufa-site ]; } || \
		{ [ -d $(BUILDDIR)/work ] && [ ! -f $(BUILDDIR)/work/.shufa-work ]; }; }; then \
		echo "$(BUILDDIR)/html was built by an earlier make html (its folders unmarked): building it afresh"; \
		rm -rf $(BUILDDIR)/html $(BUILDDIR)/work; \
	fi
	@mkdir -p $(BUILDDIR) && echo "$(PY_INFO)" > $(BUILDDIR)/.html-python
	$(BIN)/shufa build --data $(DATA) --out $(BUILDDIR)/html --work $(BUILDDIR)/work \
		--sphinx-options="$(SPHINXOPTS)" $(if $(DASK_SCHEDULER),--scheduler $(DASK_SCHEDULER))

## check: validate every data file and print every problem
check: $(VENV)/.installed
	$(BIN)/shufa check $(DATA)

## test: ruff (lint and format) and the whole pytest suite, on every core (the 10 slowest tests listed)
test: $(VENV)/.installed-test $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_XDIST) --durations=10 $(PYTEST_ARGS)

## test-fast: the developer's inner loop: the suite without the browser and scale tests (Dask, generated archives)
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_XDIST) -m "not browser and not scale" --durations=10 $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: the benchmark against plain Sphinx (N=250 runs one size; BENCHOPTS=--no-j2 skips -j 2)
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py $(N) $(BENCHOPTS)

## serve: serve _build/html on http://127.0.0.1:8000
serve: html
	$(BIN)/python -m http.server --directory $(BUILDDIR)/html --bind 127.0.0.1 8000

## clean: the build output and the generated pages (the venvs in .venv/ stay)
clean:
	rm -rf $(BUILDDIR) docs/reports docs/years docs/metrics docs/provinces docs/topics
