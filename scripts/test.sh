#!/usr/bin/env bash
# The whole test suite, as README's second command and CI run it: lint, then every test on
# the embedded SQLite default, then every test again on a real PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "== lint (ruff)" >&2
$BIN/ruff check src tests benchmarks
$BIN/ruff format --check src tests benchmarks

echo "== security lint (bandit, fails on high severity)" >&2
$BIN/bandit -q -c pyproject.toml -r src --severity-level high

echo "== translation catalogs (compiled from the .po files)" >&2
$BIN/python -m enlist.core.catalogs compile

echo "== types (mypy: all of src/, strict on the pure engines)" >&2
$BIN/mypy

data_dir=$(mktemp -d)
trap 'rm -rf "$data_dir"' EXIT
export ENLIST_DATA_DIR="$data_dir" ENLIST_ENV=test
# Every property at its full example count, random seeds (tests/conftest.py): the suite's
# run. A bare `pytest` while editing defaults to the quick profile instead.
export ENLIST_HYPOTHESIS_PROFILE="${ENLIST_HYPOTHESIS_PROFILE:-ci}"

# -rs: each pass lists the tests it skipped, by name and why (the PostgreSQL-only tests on
# SQLite, the SQLite-only ones on PostgreSQL): a test that cannot make its point is never
# reported as passed.
echo "== tests on SQLite" >&2
env -u DATABASE_URL $BIN/pytest -rs "$@"

echo "== tests on PostgreSQL" >&2
bash scripts/with-postgres.sh $BIN/pytest -rs "$@"
