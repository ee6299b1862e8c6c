#!/usr/bin/env bash
# README command 2: the whole test suite (what CI runs via .ci/run).
#   1. sqlfluff lint (dbt templater; one process per CPU), one pass over models, tests and macros, the vendor
#      adapters' models included (.sqlfluff: var lint_all_adapters)
#   2. the demo data into the source schema (dbt seed, var load_demo_data), then a
#      plain dbt build (models, reference seeds, data tests, unit tests) on a fresh DuckDB file
#   3. mf validate-configs (MetricFlow: the semantic layer's configs, and its queries on that warehouse)
#   4. pytest
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
export PATH="$ROOT/.venv/bin:$PATH"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DO_NOT_TRACK=1
export KPI_PROJECT_DIR="$ROOT"
export DBT_PROFILES_DIR="$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kpi-test.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# step times: each step's wall-clock seconds and the load average, printed as it ends and summed up at the end
STEP_NAME="setup"
STEP_START=0  # bash's SECONDS counts from the script's start: the setup above is the first step
TOTAL_START=0
STEP_TIMES=""
step() {
    local took=$((SECONDS - STEP_START))
    STEP_TIMES="${STEP_TIMES}${STEP_NAME}: ${took} s
"
    echo "-- ${STEP_NAME} took ${took} s (load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a))"
    STEP_NAME="$1"
    STEP_START=$SECONDS
}

step "sqlfluff lint"
echo "== 1/4 sqlfluff lint =="
# one pass over models, tests and macros; .sqlfluff sets var lint_all_adapters, so the vendor adapters'
# models (disabled with the default vars) are compiled and linted in the same pass
KPI_DUCKDB_PATH="$WORK/lint.duckdb" sqlfluff lint --processes "${KPI_LINT_PROCESSES:-0}" models tests macros

step "dbt build"
echo "== 2/4 dbt build on a fresh DuckDB warehouse (the demo data as the sources) =="
KPI_DUCKDB_PATH="$WORK/build.duckdb" dbt seed --select path:seeds/demo --vars '{load_demo_data: true}' \
    --target-path "$WORK/target" --log-path "$WORK/logs"
KPI_DUCKDB_PATH="$WORK/build.duckdb" dbt build --target-path "$WORK/target" --log-path "$WORK/logs"

step "mf validate-configs"
echo "== 3/4 mf validate-configs on that warehouse =="
# mf reads <project>/target/semantic_manifest.json: a mirror of the project whose target/ is the build's
# target path, so it validates this build's semantic manifest against this warehouse (and never the
# developer's target/ or warehouse/).
MF_PROJECT="$WORK/mf_project"
mkdir -p "$MF_PROJECT"
for entry in dbt_project.yml profiles.yml models macros seeds tests analyses snapshots; do
    if [ -e "$ROOT/$entry" ]; then ln -s "$ROOT/$entry" "$MF_PROJECT/$entry"; fi
done
ln -s "$WORK/target" "$MF_PROJECT/target"
(cd "$MF_PROJECT" && KPI_DUCKDB_PATH="$WORK/build.duckdb" DBT_PROJECT_DIR="$MF_PROJECT" \
    DBT_LOG_PATH="$WORK/logs" mf validate-configs 2>&1 | tr '\r' '\n' | grep -v '^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]' \
    | grep -v '^$'; exit "${PIPESTATUS[0]}")

step "pytest"
echo "== 4/4 pytest =="
# The pytest KPI checks read the warehouse built above instead of building again (the semantic-layer
# tests its semantic manifest too). --durations=25: the 25 slowest tests, so the time stays visible.
# Two workers (pytest-xdist; KPI_TEST_WORKERS=0 runs in one process): --dist loadfile keeps every file's tests
# on one worker, so a file's module-scoped builds run once; tests/python/suite_order.py starts the longest
# files first.
# (its output is kept, so pytest's closing line can be repeated as the command's last line below)
set +e
KPI_TEST_DEMO_WAREHOUSE="$WORK/build.duckdb" KPI_TEST_DEMO_TARGET="$WORK/target" pytest -q -n "${KPI_TEST_WORKERS:-2}" --dist loadfile --durations=25 "$@" \
    2>&1 | tee "$WORK/pytest.log"
status=${PIPESTATUS[0]}
set -e
step "done"
echo "== step times =="
printf '%s' "$STEP_TIMES"
echo "total: $((SECONDS - TOTAL_START)) s"
# pytest's closing line ("N passed, N failed in ...") last
grep -E '^(=+ )?[0-9]+ (passed|failed|error)' "$WORK/pytest.log" | tail -n 1
exit "$status"
