#!/usr/bin/env bash
# Create .venv (if missing or stale) and install the pinned environment.
# Idempotent: re-running with an unchanged lock file does nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
    echo "setup: Python >= 3.10 is required (set PYTHON=/path/to/python3)" >&2
    exit 2
fi
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "setup: installing python3-venv" >&2
    if command -v apt-get >/dev/null; then
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    fi
fi
STAMP=".venv/.installed-$(sha1sum requirements.lock requirements-pip.lock pyproject.toml | sha1sum | cut -c1-12)"
# pip_install ARGS...: pip with every package pinned and hashed (--require-hashes); its output goes to
# .venv/pip-install.log and the run stops (exit 2) with the log's tail when pip fails
pip_install() {
    if ! .venv/bin/python -m pip install -q "$@" >>.venv/pip-install.log 2>&1; then
        echo "setup: pip install $* failed:" >&2
        tail -n 30 .venv/pip-install.log >&2
        exit 2
    fi
}
if [ ! -f "$STAMP" ]; then
    echo "setup: creating .venv and installing requirements.lock (about a minute)" >&2
    rm -rf .venv
    "$PY" -m venv .venv
    pip_install --require-hashes -r requirements-pip.lock
    pip_install --require-hashes -r requirements.lock
    pip_install --no-deps --no-build-isolation -e .
    .venv/bin/python -c "import dbt.version, duckdb, great_expectations, sqlfluff, pytest, plotly, playwright" \
        || { echo "setup: install failed: the environment does not import" >&2; exit 2; }
    touch "$STAMP"
fi
# Apache Spark (docs/spark.md), only with KPI_WITH_SPARK=1 (the test command sets it; the demo does not need
# it): pyspark and dbt-spark from requirements-spark.lock into the same .venv, and a headless Java runtime
# (Debian's default-jre-headless) when `java` is missing. Its own stamp: the main environment is unchanged.
if [ "${KPI_WITH_SPARK:-0}" = "1" ]; then
    SPARK_STAMP=".venv/.spark-installed-$(sha1sum requirements-spark.lock | cut -c1-12)"
    if [ ! -f "$SPARK_STAMP" ]; then
        echo "setup: installing requirements-spark.lock (pyspark, dbt-spark)" >&2
        pip_install --require-hashes -r requirements-spark.lock
        .venv/bin/python -c "import pyspark, dbt.adapters.spark" \
            || { echo "setup: Spark install failed: pyspark or dbt-spark does not import" >&2; exit 2; }
        touch "$SPARK_STAMP"
    fi
    if ! command -v java >/dev/null; then
        if ! command -v apt-get >/dev/null; then
            echo "setup: error: KPI_WITH_SPARK=1 needs Java 17 or newer (java is missing and there is no apt-get)" >&2
            exit 2
        fi
        echo "setup: installing a Java runtime for Spark (Debian package default-jre-headless)" >&2
        SUDO=""
        [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
        { $SUDO apt-get update -qq \
            && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
                default-jre-headless >/dev/null; } \
            || { echo "setup: error: could not install default-jre-headless (apt-get failed)" >&2; exit 2; }
    fi
fi
# PostgreSQL server binaries for the `pg` target's tests (tests/python/test_postgres.py
# starts a throwaway cluster from them; the system service is never started).
if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if command -v apt-get >/dev/null; then
        echo "setup: installing PostgreSQL (server binaries only, service not started)" >&2
        SUDO=""
        [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
        # policy-rc.d exit 101: the package must not start its service
        POLICY=/usr/sbin/policy-rc.d
        ADDED_POLICY=""
        if [ -z "$SUDO" ] && [ -w /usr/sbin ] && [ ! -e "$POLICY" ]; then
            printf '#!/bin/sh\nexit 101\n' >"$POLICY" && chmod +x "$POLICY" && ADDED_POLICY=1
        fi
        { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null; } \
            || echo "setup: warning: could not install PostgreSQL; the PostgreSQL tests will be skipped" >&2
        [ -n "$ADDED_POLICY" ] && rm -f "$POLICY"
    else
        echo "setup: warning: PostgreSQL not found and no apt-get; install it to run the PostgreSQL tests" >&2
    fi
fi
# Headless Chromium for the report's browser test (tests/python/test_report.py) and
# scripts/report_screenshot.py: Debian's package, driven by the pinned playwright
# client (`playwright install` browser downloads are not used). Without it the test
# suite cannot pass, so a failed install stops here. KPI_SKIP_BROWSER=1 skips it on
# a machine that only runs the pipeline (the report itself needs no browser).
CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ] && [ "${KPI_SKIP_BROWSER:-0}" != "1" ]; then
    if ! command -v apt-get >/dev/null; then
        echo "setup: error: $CHROMIUM is missing and there is no apt-get to install Debian's chromium package;" \
            "install Chromium there (or set KPI_SKIP_BROWSER=1 to skip the browser)" >&2
        exit 2
    fi
    echo "setup: installing Chromium (Debian package chromium) for the report's browser test" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
    { $SUDO apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
            chromium fonts-liberation >/dev/null; } \
        || { echo "setup: error: could not install Debian's chromium package (apt-get failed)" >&2; exit 2; }
    [ -x "$CHROMIUM" ] || { echo "setup: error: chromium installed but $CHROMIUM is missing" >&2; exit 2; }
fi
mkdir -p warehouse
