"""The order the test files start in: the longest first (a pytest plugin, loaded by conftest.py).

scripts/test.sh runs pytest on two workers (pytest-xdist, `--dist loadfile`: every file's tests stay on one
worker, so a file's module-scoped builds run once). A worker takes the next file when it is free, in the
order the files were collected; were a long file collected last, one worker would run it alone at the end.
So the files are collected longest first (the classic longest-processing-time schedule), from the test time
each file took in a measured run (README "Testing"); a file not listed is short and keeps its place after
them. The order of the tests inside a file never changes.

The plugin also prints, at the end of the run, the test time of each file (setup, call and teardown summed,
as the workers report them): update MEASURED_SECONDS from it when a file's time changes a lot; a wrong order
costs minutes, never a result.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

# seconds of test time per file (setup + call + teardown) in a fresh-clone run of scripts/test.sh on two workers
# (the per-file table this plugin prints; e5393df, 2026-12-07, 594 tests in 1,734 s, load average 3-5 at the
# start: the Spark file's figure is the first measured one on a quiet machine).
# test_real_exports, test_quality_windows and test_pipeline_cli share a pipeline run (shared_runs.py) that the
# first of them builds while another waits.
MEASURED_SECONDS = {
    # the Spark file: one SparkSession, the loader's parity, one full run on Spark, two DuckDB builds of the
    # same files, the refresh on Spark and every unit test on Spark
    "test_spark_pipeline.py": 731,
    "test_real_exports.py": 561,
    "test_bad_input.py": 358,
    "test_adapters.py": 343,
    # (+ ~150 s for the two tests of longer spans, issue 27's second stop)
    "test_incremental.py": 450,
    "test_postgres.py": 296,
    "test_sources.py": 200,
    "test_valid_datasets.py": 166,
    "test_pipeline_cli.py": 98,
    # the package in three host projects (issue 28; measured alone: DuckDB 72 s after the demo build, the
    # PostgreSQL host 384 s beside the Spark file)
    "test_integration_tests.py": 470,
    "test_quality_windows.py": 73,
    # its own Spark Thrift server and a small build through it
    "test_spark_thrift.py": 71,
    "test_parse_cache.py": 48,
    "test_gx_batches.py": 34,
    "test_report.py": 20,
    "test_semantic_layer.py": 16,
    "test_fingerprints.py": 12,
    "test_report_names.py": 12,
}


def file_weight(path: str | Path) -> int:
    return MEASURED_SECONDS.get(Path(path).name, 0)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # a stable sort: the files' own order (and every file's test order) is kept among equal weights
    items.sort(key=lambda item: -file_weight(item.path))


_FILE_SECONDS: Counter = Counter()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # under xdist the controller receives every worker's reports, so this sums the whole run
    _FILE_SECONDS[report.nodeid.split("::", 1)[0]] += report.duration


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 (pytest's TerminalReporter)
    if not _FILE_SECONDS:
        return
    terminalreporter.section("test time per file (setup + call + teardown, seconds)")
    for path, seconds in _FILE_SECONDS.most_common():
        terminalreporter.write_line(f"{seconds:8.0f}  {path}")
