"""The order the test files start in: the longest first (a pytest plugin, loaded by conftest.py).

scripts/test.sh runs pytest on two workers (pytest-xdist, `--dist loadfile`: every file's tests stay on one
worker, so a file's module-scoped builds run once). A worker takes the next file when it is free, in the
order the files were collected; were a long file collected last, one worker would run it alone at the end.
So the files are collected longest first (the classic longest-processing-time schedule), from the test time
each file took in a measured run (README "Testing"); a file not listed is short and keeps its place after
them. The order of the tests inside a file never changes.

Re-measure with `pytest -n 2 --dist loadfile --durations=0` and sum the seconds per file when a file's
time changes a lot; a wrong order costs minutes, never a result.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# seconds of test time per file (setup + call + teardown), pytest -n 2 --dist loadfile, longest first
MEASURED_SECONDS = {
    "test_real_exports.py": 1106,
    "test_bad_input.py": 604,
    "test_adapters.py": 588,
    "test_incremental.py": 490,
    "test_valid_datasets.py": 332,
    "test_pipeline_cli.py": 330,
    "test_quality_windows.py": 277,
    "test_sources.py": 271,
    "test_postgres.py": 253,
    "test_gx_batches.py": 60,
}


def file_weight(path: str | Path) -> int:
    return MEASURED_SECONDS.get(Path(path).name, 0)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # a stable sort: the files' own order (and every file's test order) is kept among equal weights
    items.sort(key=lambda item: -file_weight(item.path))
