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
# (the per-file table this plugin prints; d54e7be, 2026-12-07, 570 passed in 3,665 s on a machine shared with
# other builds, load average 11-18: every figure about 2.5 times an idle machine's, the order is what counts).
# test_real_exports, test_quality_windows and test_pipeline_cli share a pipeline run (shared_runs.py) that the
# first of them builds while another waits.
MEASURED_SECONDS = {
    # the Spark file: one SparkSession, the loader's parity, one full run on Spark (a 500 s dbt build), two DuckDB
    # builds of the same files, the refresh on Spark and every unit test on Spark (measured alone at load 10-20,
    # 2026-12-07: an estimate until a fresh-clone run measures it)
    "test_spark_pipeline.py": 1500,
    "test_real_exports.py": 1524,
    "test_bad_input.py": 1060,
    "test_incremental.py": 958,
    "test_adapters.py": 911,
    "test_sources.py": 452,
    "test_postgres.py": 375,
    "test_pipeline_cli.py": 364,
    "test_valid_datasets.py": 353,
    "test_quality_windows.py": 319,
    "test_parse_cache.py": 233,
    "test_gx_batches.py": 182,
    # its own Spark Thrift server and a small build through it (measured alone at load 11-19, 2026-12-07)
    "test_spark_thrift.py": 130,
    "test_semantic_layer.py": 40,
    "test_fingerprints.py": 32,
    "test_report_names.py": 28,
    "test_report.py": 26,
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
