# Two entry points (see README): `make run` and `make test`. Everything else is setup.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# `make run PORT=8001 HOST=0.0.0.0`: where the demo listens.
PORT ?= 8000
HOST ?= 127.0.0.1
# axe-core for the browser suite, installed by `npm ci` (see its rule below).
AXE := tests/browser/node_modules/.package-lock.json

.PHONY: run codes test setup setup-dev catalogs lock lint bench mutation

run: setup
	$(BIN)/enlist demo --host $(HOST) --port $(PORT)

# The current six-digit code of each demo login (for signing in without an authenticator app).
codes: setup
	$(BIN)/enlist demo --codes

test: setup-dev
	bash scripts/test.sh

# Each step says what it does: without a terminal pip's own progress shows nothing for minutes.
$(BIN)/python:
	@echo "setup: creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

# A stamp per lock file: re-install only when the lock changes.
$(VENV)/.runtime: requirements.lock pyproject.toml | $(BIN)/python
	@echo "setup: system libraries (Pango, fonts)"
	bash scripts/system-libraries.sh
	@echo "setup: installing the pinned dependencies (requirements.lock)"
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	@echo "setup: installing enlist itself"
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@
	@echo "setup: done"

$(VENV)/.dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	@echo "setup: system libraries (Pango, fonts) and Debian's Chromium for the browser suite"
	bash scripts/system-libraries.sh --dev
	@echo "setup: installing the pinned dependencies and test tools (requirements-dev.lock)"
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	@echo "setup: installing enlist itself"
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(VENV)/.runtime $@
	@echo "setup: done"

# The translation catalogs (.mo) are built here, never committed: after a pull that changed
# a .po, `make setup` recompiles it (only the ones that changed). Plain Python, standard
# library only: no GNU gettext, and no installed package needed.
setup: $(VENV)/.runtime catalogs
setup-dev: $(VENV)/.dev catalogs $(AXE)

# axe-core, which the browser suite injects into every page (tests/browser/package-lock.json):
# re-installed when the lock changes (npm ci writes node_modules/.package-lock.json).
$(AXE): tests/browser/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "setup: npm is missing: the browser suite needs it to install axe-core (Debian: apt-get install npm), then run make setup-dev again" >&2; exit 1; }
	@echo "setup: axe-core for the browser suite (npm ci in tests/browser)"
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error

catalogs: | $(BIN)/python
	PYTHONPATH=src $(BIN)/python -m enlist.core.catalogs compile

# Regenerate the lock files after changing dependencies in pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.11 --generate-hashes -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.11 --generate-hashes --extra dev -o requirements-dev.lock
	$(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.11 --generate-hashes --extra bench -o requirements-bench.lock

lint: setup-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/bandit -q -c pyproject.toml -r src --severity-level high
	$(BIN)/mypy

# The matching benchmark against its peers (Splink, recordlinkage): see benchmarks/matching.py.
# The interview scheduler at scale: see benchmarks/scheduling.py.
bench: setup-dev
	$(BIN)/pip install --quiet --require-hashes -r requirements-bench.lock
	$(BIN)/python benchmarks/matching.py
	$(BIN)/python benchmarks/scheduling.py

# Mutation testing of the pure engines, each against its own tests (mutation.toml,
# docs/mutation.md): a table per engine; fails below 90 % killed. ENGINES="crypto audit-chain"
# runs only those.
mutation: setup-dev
	$(BIN)/python scripts/mutation.py $(ENGINES)
