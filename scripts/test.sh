#!/usr/bin/env bash
# README command 2: the whole test suite (what CI runs via .ci/run).
#   1. sqlfluff lint (dbt templater; one process per CPU), one pass over models, tests and macros, the vendor
#      adapters' models included (.sqlfluff: var lint_all_adapters). It runs in the background at the lowest
#      CPU priority (nice 19) while steps 2-4 run, so it uses the CPU they leave idle (the demo build runs on
#      one core, pytest's workers wait on files, PostgreSQL and each other at the end) instead of adding its
#      whole time; its output is printed, and its exit code counted, when pytest has ended.
#   2. the demo data into the source schema (dbt seed, var load_demo_data), then a
#      plain dbt build (models, reference seeds, data tests, unit tests) on a fresh DuckDB file
#   3. mf validate-configs (MetricFlow: the semantic layer's configs, and its queries on that warehouse)
#   4. pytest
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Spark is part of the suite (tests/python/test_spark*.py): its packages and a JRE too (docs/spark.md)
KPI_WITH_SPARK=1 bash scripts/setup.sh
export PATH="$ROOT/.venv/bin:$PATH"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export DO_NOT_TRACK=1
export KPI_PROJECT_DIR="$ROOT"
export DBT_PROFILES_DIR="$ROOT"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kpi-test.XXXXXX")"
cleanup() {
    # the background lint (step 1) is its own process group (setsid): stop it with its workers if we stop early
    if [ -s "$WORK/lint.pid" ]; then kill -- "-$(cat "$WORK/lint.pid")" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

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

echo "== 1/4 sqlfluff lint (in the background, nice 19: its output follows pytest's) =="
# one pass over models, tests and macros; .sqlfluff sets var lint_all_adapters, so the vendor adapters'
# models (disabled with the default vars) are compiled and linted in the same pass
# (its own target and log paths: the dbt templater's parse never meets another step's files)
LINT_START=$SECONDS
(
    set +e
    KPI_DUCKDB_PATH="$WORK/lint.duckdb" DBT_TARGET_PATH="$WORK/lint_target" DBT_LOG_PATH="$WORK/lint_logs" \
        setsid nice -n 19 sqlfluff lint --processes "${KPI_LINT_PROCESSES:-0}" models tests macros \
        > "$WORK/lint.log" 2>&1 &
    echo "$!" > "$WORK/lint.pid"
    wait "$!"
    echo "$?" > "$WORK/lint.status"
    echo "$((SECONDS - LINT_START))" > "$WORK/lint.seconds"
) &
LINT_PID=$!

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
step "waiting for the lint"
wait "$LINT_PID" || true
echo "== 1/4 sqlfluff lint: its output =="
cat "$WORK/lint.log"
lint_status="$(cat "$WORK/lint.status" 2>/dev/null || echo 1)"
echo "-- sqlfluff lint took $(cat "$WORK/lint.seconds" 2>/dev/null || echo '?') s beside the other steps (exit $lint_status)"
STEP_TIMES="${STEP_TIMES}sqlfluff lint (beside the steps above, nice 19): $(cat "$WORK/lint.seconds" 2>/dev/null || echo '?') s
"
if [ "$lint_status" != 0 ] && [ "$status" = 0 ]; then
    status=$lint_status
fi
step "done"
echo "== step times =="
printf '%s' "$STEP_TIMES"
echo "total: $((SECONDS - TOTAL_START)) s"
# pytest's closing line ("N passed, N failed in ...") last
grep -E '^(=+ )?[0-9]+ (passed|failed|error)' "$WORK/pytest.log" | tail -n 1
exit "$status"
