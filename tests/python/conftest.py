"""Shared fixtures: one demo warehouse built per pytest session.

`demo_warehouse` fills the source schema with the demo data (dbt seed with var
load_demo_data) and builds the whole dbt project into a throwaway DuckDB file
(never the developer's warehouse/kpis.duckdb) and yields its path. KPI checks
compare its marts with numbers computed in Python straight from the raw CSVs
in seeds/demo/ and seeds/reference/ (see rawdata.py), never from dbt models.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
# `dbt seed` arguments that fill the source schema with the demo data (a plain dbt build never does)
DEMO_SEED_ARGS = ["--select", "path:seeds/demo", "--vars", "{load_demo_data: true}"]


def pytest_configure(config: pytest.Config) -> None:
    """parse_cache's folder: made once by the process that starts the session (the pytest-xdist controller,
    or the only process), before the workers start, so they inherit it; removed when that process ends."""
    if os.environ.get("PYTEST_XDIST_WORKER") or os.environ.get("KPI_TEST_PARSE_CACHE"):
        return
    folder = tempfile.mkdtemp(prefix="kpi-parse-cache-")
    os.environ["KPI_TEST_PARSE_CACHE"] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def _dbt_settings(duckdb_path: Path, **extra: str) -> dict[str, str]:
    """The env vars dbt needs for the throwaway DuckDB file (profiles.yml and dbt_project.yml read them)."""
    return {
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "KPI_PROJECT_DIR": str(PROJECT_DIR),
        "KPI_DUCKDB_PATH": str(duckdb_path),
        "KPI_TARGET": "duckdb",
        **extra,
    }


def dbt_env(duckdb_path: Path, **extra: str) -> dict[str, str]:
    """The whole environment of a `dbt` subprocess: this one's plus _dbt_settings."""
    return {**os.environ, **_dbt_settings(duckdb_path, **extra)}


def run_dbt(args: list[str], duckdb_path: Path, work_dir: Path) -> subprocess.CompletedProcess:
    """`dbt *args` on the DuckDB file `duckdb_path`, target and logs in `work_dir`; in this process
    (dbt_inprocess.invoke: no 5-8 s subprocess start), with the CLI's exit code and console text in the
    CompletedProcess callers read (.returncode, .stdout, .stderr).

    The warehouse file is named relative to its folder, the run's working directory, and the parse of an
    earlier run with the same file name and vars is offered to dbt (parse_cache: a partial parse of about 1 s
    instead of a full one of about 15 s; dbt parses in full whenever anything it checks differs)."""
    from dbt_inprocess import invoke
    from parse_cache import cache_key, option, shared_parse, warehouse_env

    full_args = [
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    cwd, relative = warehouse_env(duckdb_path)
    key = cache_key("run_dbt", relative, option(args, "--vars"), option(args, "--target"))
    with shared_parse(work_dir / "target", key):
        return invoke(full_args, _dbt_settings(Path(relative)), cwd)


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a DuckDB file holding the full build of the demo data.

    scripts/test.sh has just run `dbt build` from scratch on the demo data and
    passes its warehouse in KPI_TEST_DEMO_WAREHOUSE; it is reused (read only)
    instead of building a second time. Otherwise the fixture builds its own.
    """
    prebuilt = os.environ.get("KPI_TEST_DEMO_WAREHOUSE")
    if prebuilt and Path(prebuilt).is_file():
        return Path(prebuilt)
    work = tmp_path_factory.mktemp("demo_warehouse")
    db_path = work / "demo.duckdb"
    result = run_dbt(["seed", "--quiet", *DEMO_SEED_ARGS], db_path, work)
    if result.returncode == 0:
        result = run_dbt(["build", "--quiet"], db_path, work)
    if result.returncode != 0:
        pytest.fail(f"dbt build of the demo warehouse failed:\n{result.stdout[-5000:]}\n{result.stderr[-2000:]}")
    return db_path


@pytest.fixture(scope="session")
def demo_con(demo_warehouse: Path):
    """Read-only DuckDB connection to the demo warehouse."""
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def demo_manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The manifest of the demo build scripts/test.sh made (KPI_TEST_DEMO_TARGET), else of a `dbt parse`."""
    target = os.environ.get("KPI_TEST_DEMO_TARGET")
    if target and (Path(target) / "manifest.json").is_file():
        return json.loads((Path(target) / "manifest.json").read_text(encoding="utf-8"))
    work = tmp_path_factory.mktemp("demo_parse")
    result = run_dbt(["parse", "--quiet"], work / "unused.duckdb", work)
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((work / "target" / "manifest.json").read_text(encoding="utf-8"))


# the Spark tests' one SparkSession per pytest process (issue 26): spark_session.py
from spark_session import spark_base, spark_session  # noqa: E402,F401
