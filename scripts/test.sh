#!/usr/bin/env bash
# README command 2: the whole test suite (what CI runs via .ci/run).
#   1. sqlfluff lint (dbt templater) over models, tests and macros
#   2. the demo data into the source schema (dbt seed, var load_demo_data), then a
#      plain dbt build (models, reference seeds, data tests, unit tests) on a fresh DuckDB file
#   3. pytest
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
export PATH="$ROOT/.venv/bin:$PATH"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export KPI_PROJECT_DIR="$ROOT"
export DBT_PROFILES_DIR="$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kpi-test.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "== 1/3 sqlfluff lint =="
KPI_DUCKDB_PATH="$WORK/lint.duckdb" sqlfluff lint models tests macros

echo "== 2/3 dbt build on a fresh DuckDB warehouse (the demo data as the sources) =="
KPI_DUCKDB_PATH="$WORK/build.duckdb" dbt seed --select path:seeds/demo --vars '{load_demo_data: true}' \
    --target-path "$WORK/target" --log-path "$WORK/logs"
KPI_DUCKDB_PATH="$WORK/build.duckdb" dbt build --target-path "$WORK/target" --log-path "$WORK/logs"

echo "== 3/3 pytest =="
# The pytest KPI checks read the warehouse built above instead of building again.
KPI_TEST_DEMO_WAREHOUSE="$WORK/build.duckdb" pytest -q "$@"
