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

data_dir=$(mktemp -d)
trap 'rm -rf "$data_dir"' EXIT
export ENLIST_DATA_DIR="$data_dir" ENLIST_ENV=test

echo "== tests on SQLite" >&2
env -u DATABASE_URL $BIN/pytest "$@"

echo "== tests on PostgreSQL" >&2
bash scripts/with-postgres.sh $BIN/pytest "$@"
