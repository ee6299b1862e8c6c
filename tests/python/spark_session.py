"""The Spark tests' one SparkSession (issue 26), and `kpi-pipeline run` in the test process on it.

Starting Spark costs 10-20 s and a Derby metastore admits one process at a time, so the tests of a pytest
process share one session (`spark_session`, session scoped), created here first with the settings the
pipeline would use (kpi_pipeline.spark.SparkSettings) on a warehouse and metastore of the pytest run's own
(a temp dir); the pipeline's `spark.session()` then finds and reuses it, as dbt-spark's method session does.
With pytest-xdist every worker would start a JVM of its own: keep the Spark tests in as few files as
possible (`--dist loadfile` puts a file's tests on one worker).

`run_in_process` runs `kpi_pipeline.cli.main` in the test process (a forked copy would share the JVM's
gateway with this process; a fresh interpreter would start a second Spark, which the metastore refuses).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dbt_inprocess import _LOCK, _cwd, _environ, _release

PROJECT_DIR = Path(__file__).resolve().parents[2]


def spark_env(base: Path) -> dict[str, str]:
    """The env vars of a Spark run whose warehouse and metastore are under `base`."""
    return {
        "KPI_SPARK_METHOD": "session",
        "KPI_SPARK_MASTER": "local[2]",
        "KPI_SPARK_WAREHOUSE_DIR": str(base / "spark-warehouse"),
        "KPI_SPARK_METASTORE_DIR": str(base / "spark-metastore"),
        "KPI_SPARK_SESSION_TIME_ZONE": "UTC",
    }


@pytest.fixture(scope="session")
def spark_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spark")


@pytest.fixture(scope="session")
def spark_session(spark_base: Path) -> Any:
    """THE SparkSession of this pytest process (stopped at the end of the session)."""
    pytest.importorskip("pyspark")
    from kpi_pipeline.spark import SparkSettings, session

    with _environ(spark_env(spark_base)):
        settings = SparkSettings.from_env(PROJECT_DIR)
    spark = session(settings)
    yield spark
    spark.stop()


@dataclass
class SparkRun:
    code: int
    stdout: str
    stderr: str
    out: Path
    target: Path

    @property
    def summary(self) -> dict:
        return json.loads((self.out / "run_summary.json").read_text())


def run_in_process(work: Path, spark_base: Path, *args: str, env_extra: dict[str, str] | None = None) -> SparkRun:
    """`kpi-pipeline run --target spark *args` in this process, output and dbt's target and logs in `work`."""
    from kpi_pipeline.cli import main

    work.mkdir(parents=True, exist_ok=True)
    env = {**spark_env(spark_base), "KPI_PROJECT_DIR": str(PROJECT_DIR), "DBT_PROFILES_DIR": str(PROJECT_DIR),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1", "DBT_LOG_PATH": str(work / "logs"),
           **(env_extra or {})}
    out, err = io.StringIO(), io.StringIO()
    argv = ["run", "--target", "spark", "--output-dir", str(work / "out"), "--target-path", str(work / "target"), *args]
    with _LOCK, _environ(env), _cwd(work):
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
        finally:
            _release()
    return SparkRun(code, out.getvalue(), err.getvalue(), work / "out", work / "target")
