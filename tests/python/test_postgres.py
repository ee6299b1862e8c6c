"""The same project on PostgreSQL, against a real (throwaway) server.

One PostgreSQL cluster per session (`kpi_pipeline.pgcluster.throwaway_cluster`,
always stopped and deleted) and one pipeline run on it, to stay inside the CI
time budget: `kpi-pipeline run --target pg --data-dir <copy of seeds/>`, which
bulk-loads the raw tables with COPY, builds every model with its data and unit
tests, and runs the Great Expectations checks through GX's SQL datasource. Its
marts are then compared, table by table and row by row, with the DuckDB build
of the same data (the shared `demo_warehouse` fixture), and the read-only
`bi_reader` role is probed as a logged-in member of it. While that run holds
the warehouse, a second `kpi-pipeline run` of the same schedule starts from
another checkout of the project (its own lock file): the database's advisory
lock must refuse it, so the marts compared are those of the one complete build.

Skipped only when the PostgreSQL server binaries are absent (scripts/setup.sh
installs them); with CI=true or KPI_REQUIRE_POSTGRES=1 their absence is a
failure instead, so CI can never skip these tests silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

sys.path.insert(0, str(Path(__file__).resolve().parent))

import native_types  # noqa: E402
from kpi_pipeline import load as loader  # noqa: E402
from kpi_pipeline.contract import TABLES  # noqa: E402
from kpi_pipeline.demo_files import copy_demo_data, seed_path  # noqa: E402
from kpi_pipeline.pgcluster import ClusterSettings, postgres_available, throwaway_cluster  # noqa: E402
from kpi_pipeline.warehouse import Warehouse  # noqa: E402

psycopg2 = pytest.importorskip("psycopg2")
from psycopg2 import errors as pg_errors  # noqa: E402

_REQUIRED = os.environ.get("KPI_REQUIRE_POSTGRES") == "1" or os.environ.get("CI", "").lower() in ("1", "true")
if not postgres_available() and _REQUIRED:
    raise RuntimeError("PostgreSQL server binaries not found but required here (CI): run scripts/setup.sh")
pytestmark = pytest.mark.skipif(
    not postgres_available(),
    reason="PostgreSQL server binaries (initdb, pg_ctl) not installed; run `bash scripts/setup.sh`",
)

BI_ROLE = "bi_reader"
BI_LOGIN = "bi_reader_probe"  # a login user in the bi_reader group role, as a BI tool would have
MARTS = "marts"
NOT_FOR_BI = ("raw", "staging", "intermediate", "ops")  # at least these
REL_TOL = 1e-9
ABS_TOL = 1e-12  # values that are 0 on one engine and 1e-16 on the other are equal


@dataclass
class PgRun:
    code: int
    stdout: str
    stderr: str
    out: Path
    target: Path
    pid: int = 0
    rival: "PgRun | None" = None  # the same job started from another checkout while this one ran
    checkout: Path | None = None  # that other checkout

    @property
    def summary(self) -> dict[str, Any]:
        return json.loads((self.out / "run_summary.json").read_text())

    def require_marts(self) -> None:
        """The run got as far as building the marts (exit 0, or 1 for a failed test or check)."""
        assert self.code in (0, 1) and self.summary.get("row_counts"), self.explain()

    def explain(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout[-4000:]}\n--- stderr\n{self.stderr[-3000:]}"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def pg() -> Iterator[ClusterSettings]:
    with throwaway_cluster() as settings:
        yield settings


def _connect(pg: ClusterSettings, user: str | None = None, database: str | None = None) -> Any:
    conn = psycopg2.connect(**pg.connect_kwargs(user=user, database=database))
    conn.autocommit = True
    return conn


def _pg_env(pg: ClusterSettings, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPI_", "DBT_"))}
    env.update(
        pg.env(),
        PYTHONPATH=str(PROJECT_DIR / "scripts"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        KPI_PROJECT_DIR=str(PROJECT_DIR),
        KPI_DUCKDB_PATH=str(work / "unused.duckdb"),
    )
    return env


def other_checkout(dest: Path) -> Path:
    """A second checkout of the project (as another clone, on another host, would be): its own files,
    so its own `kpi_pipeline.PROJECT_DIR` and its own lock file under <checkout>/warehouse/."""
    shutil.copytree(PROJECT_DIR, dest, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "target", "warehouse", "logs", "__pycache__", ".pytest_cache", "dbt_packages", "*.duckdb*"))
    return dest


def _advisory_holders(pg: ClusterSettings) -> list[tuple[int, str]]:
    """(server pid, application_name) of the sessions holding an advisory lock in the warehouse database."""
    with closing(_connect(pg)) as conn, conn.cursor() as cur:
        cur.execute(
            "select l.pid, coalesce(a.application_name, '') from pg_locks l "
            "left join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted "
            "and l.database = (select oid from pg_database where datname = current_database())"
        )
        return cur.fetchall()


def _pipeline_cmd(work: Path, data: Path) -> list[str]:
    return [
        sys.executable, "-m", "kpi_pipeline.cli", "run", "--target", "pg",
        "--data-dir", str(data),
        "--output-dir", str(work / "out"),
        "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"),
    ]


@pytest.fixture(scope="session")
def pg_run(pg: ClusterSettings, tmp_path_factory: pytest.TempPathFactory) -> PgRun:
    """The one pipeline run on PostgreSQL: COPY load of a copy of seeds/, build, GX checks; and, once it
    holds the warehouse, the same job from a second checkout (it must be refused at once)."""
    work = tmp_path_factory.mktemp("pg_run")
    data = copy_demo_data(work / "data")
    checkout = other_checkout(tmp_path_factory.mktemp("pg_second_checkout") / "project")
    rival_work = tmp_path_factory.mktemp("pg_rival")
    with (work / "stdout.txt").open("w") as stdout, (work / "stderr.txt").open("w") as stderr:
        proc = subprocess.Popen(_pipeline_cmd(work, data), cwd=work, env=_pg_env(pg, work),
                                stdout=stdout, stderr=stderr, text=True)
        try:
            deadline = time.monotonic() + 120
            # start the rival once the first run holds the warehouse (or, without a database lock, has
            # started loading into it)
            while time.monotonic() < deadline and proc.poll() is None:
                if any(name.startswith("kpi-pipeline") for _pid, name in _advisory_holders(pg)):
                    break
                if "== load ==" in (work / "stdout.txt").read_text():
                    time.sleep(2)
                    break
                time.sleep(0.2)
            rival_env = {**_pg_env(pg, rival_work), "PYTHONPATH": str(checkout / "scripts")}
            second = subprocess.run(
                _pipeline_cmd(rival_work, copy_demo_data(rival_work / "data")), cwd=rival_work, env=rival_env,
                capture_output=True, text=True, timeout=1500, check=False,
            )
            code = proc.wait(timeout=1500)
        except BaseException:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
            raise
    rival = PgRun(second.returncode, second.stdout, second.stderr, rival_work / "out", rival_work / "target")
    return PgRun(code, (work / "stdout.txt").read_text(), (work / "stderr.txt").read_text(), work / "out",
                 work / "target", pid=proc.pid, rival=rival, checkout=checkout)


@pytest.fixture(scope="session")
def bi_conn(pg: ClusterSettings, pg_run: PgRun) -> Iterator[Any]:
    """A connection as a login user that is only a member of the bi_reader group role."""
    pg_run.require_marts()
    with closing(_connect(pg)) as admin_conn, admin_conn.cursor() as cur:
        cur.execute(f"create role {BI_LOGIN} login")
        cur.execute(f"grant {BI_ROLE} to {BI_LOGIN}")
    conn = _connect(pg, user=BI_LOGIN)
    yield conn
    conn.close()


# ---------------------------------------------------------------- cluster


def test_throwaway_cluster_is_stopped_and_removed() -> None:
    with throwaway_cluster(database="scratch") as settings:
        with closing(_connect(settings)) as conn, conn.cursor() as cur:
            cur.execute("select current_database(), inet_server_addr()::text")
            assert cur.fetchone() == ("scratch", "127.0.0.1/32")
        data_dir = settings.data_dir
        assert (data_dir / "postmaster.pid").exists()
    assert not data_dir.exists()
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(**{**settings.connect_kwargs(), "connect_timeout": 2})


def test_throwaway_cluster_cleans_up_when_the_body_fails() -> None:
    with pytest.raises(ZeroDivisionError):
        with throwaway_cluster() as settings:
            data_dir = settings.data_dir
            1 / 0  # noqa: B018
    assert not data_dir.exists()


# ---------------------------------------------------------------- COPY loader


class _RecordingCursor(psycopg2.extensions.cursor):
    statements: list[str] = []

    def execute(self, query: Any, vars: Any = None) -> Any:  # noqa: A002
        type(self).statements.append(str(query))
        return super().execute(query, vars)

    def copy_expert(self, sql: Any, file: Any, size: int = 8192) -> Any:
        type(self).statements.append(str(sql))
        return super().copy_expert(sql, file, size)


def _csv_rows(path: Path) -> list[tuple[str | None, ...]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [tuple(value if value != "" else None for value in row) for row in reader]


def test_loader_bulk_loads_with_copy_on_postgres(
    pg: ClusterSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader's PostgreSQL path, in a database of its own: COPY, exact text, reloadable."""
    with closing(_connect(pg)) as conn, conn.cursor() as cur:
        cur.execute("create database loader_check")
    real_connect = psycopg2.connect
    monkeypatch.setattr(
        psycopg2, "connect", lambda *a, **kw: real_connect(*a, **kw, cursor_factory=_RecordingCursor)
    )
    _RecordingCursor.statements = []
    warehouse = Warehouse(
        target="pg", kind="postgres", pg_host=pg.host, pg_port=pg.port, pg_user=pg.user,
        pg_password=pg.password, pg_database="loader_check",
    )
    files = loader.discover(copy_demo_data(tmp_path / "data"))
    loaded = loader.load_all(warehouse, files, progress=lambda _line: None)
    loader.load_all(warehouse, files, progress=lambda _line: None)  # a reload replaces, never appends

    copies = [s for s in _RecordingCursor.statements if s.lstrip().lower().startswith("copy ")]
    assert len(copies) == 2 * len(TABLES), _RecordingCursor.statements[:20]
    assert all("from stdin" in s.lower() for s in copies)
    assert not [s for s in _RecordingCursor.statements if " values " in s.lower() or "values(" in s.lower()]

    by_name = {t.name: t for t in TABLES}
    with closing(_connect(pg, database="loader_check")) as conn, conn.cursor() as cur:
        for table in loaded:
            columns = by_name[table.name].column_names
            expected = sorted(_reorder(_csv_rows(table.path), table.path, columns), key=_none_first)
            cur.execute(f'select {", ".join(columns)} from raw."{table.name}"')
            actual = sorted(cur.fetchall(), key=_none_first)
            assert table.rows == len(expected), table.name
            assert actual == expected, f"raw.{table.name} differs from {table.path.name}"
            cur.execute(
                "select distinct data_type from information_schema.columns "
                "where table_schema = 'raw' and table_name = %s",
                (table.name,),
            )
            assert [r[0] for r in cur.fetchall()] == ["text"], table.name


def _reorder(rows: list[tuple], path: Path, columns: list[str]) -> list[tuple]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = [h.strip() for h in next(csv.reader(handle))]
    index = [header.index(c) for c in columns]
    return [tuple(row[i] for i in index) for row in rows]


def _none_first(row: tuple) -> tuple:
    return tuple((v is not None, v) for v in row)


# ---------------------------------------------------------------- the pipeline on PostgreSQL


def test_pipeline_runs_on_postgres_with_copy_load_and_gx_checks(pg_run: PgRun) -> None:
    assert pg_run.code == 0, pg_run.explain()
    summary = pg_run.summary
    assert summary["status"] == "success" and summary["target"] == "pg"
    assert summary["warehouse"].startswith("postgres ")
    load = summary["steps"][0]
    assert load["name"] == "load" and load["mode"].startswith("bulk load")
    assert summary["loaded_rows"] == {
        t.name: len(_csv_rows(seed_path(t.name))) for t in TABLES
    }
    assert summary["expectations"]["passed"] > 0 and summary["expectations"]["failed"] == 0
    assert (pg_run.out / "data_docs" / "index.html").is_file()


def test_a_second_job_from_another_checkout_is_refused_by_the_database_lock(
    pg: ClusterSettings, pg_run: PgRun
) -> None:
    """Two checkouts, one schedule, one warehouse: the lock files differ (each under its own checkout), so
    only the advisory lock in the database can stop the second job. It exits 2 at once, naming the
    database and the session holding it, and touches nothing; the first builds alone (its marts equal
    the DuckDB build: test_every_mart_matches_the_duckdb_build)."""
    rival = pg_run.rival
    assert rival is not None and pg_run.checkout is not None
    assert pg_run.code == 0, pg_run.explain()
    assert rival.code == 2, rival.explain()
    assert "Traceback" not in rival.stderr and "already exists" not in rival.stdout + rival.stderr
    assert (f"kpi-pipeline: error: another kpi-pipeline run holds the lock on postgres database {pg.database} "
            f"at {pg.host}:{pg.port}") in rival.stderr, rival.explain()
    assert f"application_name 'kpi-pipeline pid {pg_run.pid} on " in rival.stderr, rival.explain()
    assert "client 127.0.0.1" in rival.stderr and "connected since " in rival.stderr
    assert "wait for it to finish" in rival.stderr and "pg_terminate_backend(" in rival.stderr
    assert "== load ==" not in rival.stdout and not (rival.out / "run_summary.json").exists()
    # the rival's file lock was its own (another checkout) and is gone; nothing holds the database now
    assert not list((pg_run.checkout / "warehouse").glob(".kpi-pipeline-*.lock"))
    assert _advisory_holders(pg) == []
    with closing(_connect(pg)) as conn, conn.cursor() as cur:
        cur.execute("select run_id, status from ops.pipeline_runs")
        assert cur.fetchall() == [(pg_run.summary["run_id"], "success")]


def test_the_advisory_lock_admits_one_session_per_database(pg: ClusterSettings, tmp_path: Path) -> None:
    """The lock alone, on two connections: the second try is refused naming the holder; after release it
    succeeds; ending the holder's session (pg_terminate_backend) or killing its process frees it."""
    from kpi_pipeline.errors import LockHeldError
    from kpi_pipeline.lock import PgAdvisoryLock, advisory_lock_key

    warehouse = Warehouse(
        target="pg", kind="postgres", pg_host=pg.host, pg_port=pg.port, pg_user=pg.user,
        pg_password=pg.password, pg_database=pg.database,
    )
    assert advisory_lock_key(pg.database) == advisory_lock_key(pg.database) != advisory_lock_key("other")
    first, second = PgAdvisoryLock(warehouse, "first-run"), PgAdvisoryLock(warehouse, "second-run")
    first.acquire()
    try:
        with pytest.raises(LockHeldError) as refused:
            second.acquire()
        text = str(refused.value)
        assert f"holds the lock on postgres database {pg.database} at {pg.host}:{pg.port}" in text
        assert f"application_name 'kpi-pipeline pid {os.getpid()} on " in text and "run first-ru" in text
        assert f"server pid {first.conn.get_backend_pid()}" in text and "client 127.0.0.1" in text
        assert second.conn is None
        first.release()
        assert first.conn is None
        second.acquire()  # free after the release
        with pytest.raises(LockHeldError):
            first.acquire()
        # the holder's session ends (an administrator's pg_terminate_backend, a dropped connection)
        with closing(_connect(pg)) as admin, admin.cursor() as cur:
            cur.execute("select pg_terminate_backend(%s)", (second.conn.get_backend_pid(),))
        _eventually(first.acquire)
        second.release()  # its session is gone: nothing to do, no error
        first.release()
        # the holder's process is killed: the server ends its session and frees the lock
        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import sys, time\n"
             "from kpi_pipeline.lock import PgAdvisoryLock\n"
             "from kpi_pipeline.warehouse import Warehouse\n"
             f"w = Warehouse(target='pg', kind='postgres', pg_host={pg.host!r}, pg_port={pg.port}, "
             f"pg_user={pg.user!r}, pg_password={pg.password!r}, pg_database={pg.database!r})\n"
             "lock = PgAdvisoryLock(w, 'killed')\nlock.acquire()\nprint('held', flush=True)\ntime.sleep(300)\n"],
            env={**os.environ, "PYTHONPATH": str(PROJECT_DIR / "scripts")}, stdout=subprocess.PIPE, text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            with pytest.raises(LockHeldError, match=f"kpi-pipeline pid {holder.pid} on "):
                first.acquire()
        finally:
            holder.kill()
            holder.wait(timeout=30)
        _eventually(first.acquire)
    finally:
        first.release()
        second.release()
    assert _advisory_holders(pg) == []


def _eventually(action: Any, seconds: float = 20) -> None:
    """`action()` until it stops raising LockHeldError (the server ends a session asynchronously)."""
    from kpi_pipeline.errors import LockHeldError

    deadline = time.monotonic() + seconds
    while True:
        try:
            action()
            return
        except LockHeldError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_every_model_data_test_and_unit_test_passes_on_postgres(pg_run: PgRun) -> None:
    """Nothing of the project is skipped or failing on PostgreSQL (seeds are replaced by the COPY load)."""
    assert pg_run.code == 0, pg_run.explain()
    manifest = json.loads((pg_run.target / "manifest.json").read_text())
    results = json.loads((pg_run.target / "run_results.json").read_text())["results"]
    status = {r["unique_id"]: r["status"] for r in results}
    expected = [
        uid for uid, node in {**manifest["nodes"], **manifest.get("unit_tests", {})}.items()
        if node["resource_type"] in ("model", "test", "unit_test")
        and node.get("package_name") == "sales_marketing_kpis"
        and node.get("config", {}).get("enabled", True)
    ]
    assert len(expected) > 100
    missing = [uid for uid in expected if uid not in status]
    bad = {uid: status[uid] for uid in expected if uid in status and status[uid] not in ("success", "pass")}
    assert not missing, f"not run on PostgreSQL: {missing[:10]}"
    assert not bad, f"not passing on PostgreSQL: {bad}"
    assert any(uid.startswith("unit_test.") for uid in expected)


def test_gx_validates_postgres_marts_through_its_sql_datasource(
    pg: ClusterSettings, pg_run: PgRun, tmp_path: Path
) -> None:
    import great_expectations as gx
    from great_expectations import expectations as gxe

    from kpi_pipeline.quality import Validator

    pg_run.require_marts()
    warehouse = Warehouse(
        target="pg", kind="postgres", pg_host=pg.host, pg_port=pg.port, pg_user=pg.user,
        pg_password=pg.password, pg_database=pg.database,
    )
    validator = Validator(warehouse, tmp_path / "docs")
    assert validator.sql is not None and validator.sql.type == "postgres"
    suite = gx.ExpectationSuite(name="probe")
    suite.add_expectation(gxe.ExpectTableRowCountToBeBetween(min_value=1))
    suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column="lead_id"))
    outcomes = validator.validate_table("probe__fct_leads", suite, MARTS, "fct_leads")
    assert len(outcomes) == 2 and all(o.success for o in outcomes), outcomes


# ---------------------------------------------------------------- parity with DuckDB


def _pg_tables(pg: ClusterSettings, schema: str) -> list[str]:
    with closing(_connect(pg)) as conn, conn.cursor() as cur:
        cur.execute(
            "select table_name from information_schema.tables where table_schema = %s order by 1", (schema,)
        )
        return [r[0] for r in cur.fetchall()]


def _normal(value: Any) -> Any:
    """Numbers to float (Decimal, int and float compare within tolerance); everything else as is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value)
    return value


def _sort_key(row: tuple) -> tuple:
    """Sort on every column; floats rounded to 9 significant digits so tiny engine differences do not reorder."""
    key = []
    for value in row:
        if isinstance(value, float) and math.isfinite(value) and value != 0:
            value = float(f"{value:.9g}")
        key.append((value is None, type(value).__name__, value if value is not None else 0))
    return tuple(key)


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    # dates, timestamps (a date never equals a timestamp), strings: exact, same type
    return type(a) is type(b) and a == b


def _compare_table(name: str, duck: duckdb.DuckDBPyConnection, pg_cur: Any, pg_schema: str = MARTS) -> list[str]:
    """The mart `name` in DuckDB's marts schema against PostgreSQL's `pg_schema` (test_integration_tests: a
    host's name for it), row by row within the tolerances; a list of differences."""
    duck_cur = duck.execute(f'select * from {MARTS}."{name}"')
    duck_cols = [d[0] for d in duck_cur.description]
    duck_rows = sorted((tuple(_normal(v) for v in r) for r in duck_cur.fetchall()), key=_sort_key)
    pg_cur.execute(f'select * from {pg_schema}."{name}"')
    pg_cols = [d[0] for d in pg_cur.description]
    pg_rows = sorted((tuple(_normal(v) for v in r) for r in pg_cur.fetchall()), key=_sort_key)
    if duck_cols != pg_cols:
        return [f"{name}: columns differ: duckdb {duck_cols} vs postgres {pg_cols}"]
    if len(duck_rows) != len(pg_rows):
        return [f"{name}: {len(duck_rows)} rows on duckdb vs {len(pg_rows)} on postgres"]
    problems = []
    for duck_row, pg_row in zip(duck_rows, pg_rows):
        diff = [
            f"{col}: duckdb {a!r} vs postgres {b!r}"
            for col, a, b in zip(duck_cols, duck_row, pg_row)
            if not _same(a, b)
        ]
        if diff:
            problems.append(f"{name}: row {dict(zip(duck_cols, duck_row))}: " + "; ".join(diff[:4]))
            if len(problems) >= 3:
                break
    return problems


def test_every_mart_matches_the_duckdb_build(pg: ClusterSettings, pg_run: PgRun, demo_warehouse: Path) -> None:
    pg_run.require_marts()
    pg_marts = _pg_tables(pg, MARTS)
    with duckdb.connect(str(demo_warehouse), read_only=True) as duck:
        duck_marts = [
            r[0] for r in duck.execute(
                "select table_name from information_schema.tables where table_schema = ? order by 1", [MARTS]
            ).fetchall()
        ]
        assert pg_marts == duck_marts
        assert len(pg_marts) >= 10
        problems: list[str] = []
        with closing(_connect(pg)) as conn, conn.cursor() as cur:
            for name in pg_marts:
                problems += _compare_table(name, duck, cur)
    assert not problems, "PostgreSQL marts differ from DuckDB:\n" + "\n".join(problems)


def test_the_comparison_notices_differences() -> None:
    assert _same(1.0, 1.0 + 1e-12) and _same(0.0, 1e-15) and _same(None, None)
    assert not _same(1.0, 1.0001) and not _same(None, 0.0) and not _same(True, 1.0)
    assert not _same(dt.date(2025, 1, 1), dt.datetime(2025, 1, 1))
    assert not _same("a", "a ")


# ---------------------------------------------------------------- read-only BI role


def _attempt(conn: Any, sql: str) -> Exception | None:
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            if cur.description:
                cur.fetchall()
    except psycopg2.Error as exc:
        return exc
    return None


def test_bi_reader_is_a_nologin_group_role(pg: ClusterSettings, pg_run: PgRun) -> None:
    pg_run.require_marts()
    with closing(_connect(pg)) as conn, conn.cursor() as cur:
        cur.execute("select rolcanlogin, rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = %s", (BI_ROLE,))
        assert cur.fetchone() == (False, False, False, False)


def test_bi_reader_can_select_every_mart(pg: ClusterSettings, bi_conn: Any) -> None:
    marts = _pg_tables(pg, MARTS)
    assert marts
    failures = {name: _attempt(bi_conn, f'select * from {MARTS}."{name}" limit 5') for name in marts}
    assert not {k: str(v).strip() for k, v in failures.items() if v is not None}


def _other_schemas(pg: ClusterSettings) -> list[str]:
    """Every schema of the project's database except marts and the system ones."""
    with closing(_connect(pg)) as conn, conn.cursor() as cur:
        cur.execute(
            "select distinct table_schema from information_schema.tables "
            "where table_schema not in ('marts', 'pg_catalog', 'information_schema') order by 1"
        )
        return [r[0] for r in cur.fetchall()]


def test_bi_reader_cannot_read_anything_outside_marts(pg: ClusterSettings, bi_conn: Any) -> None:
    """raw, staging, intermediate (and quarantine, ops, ...): permission denied on every relation."""
    relations = [(schema, name) for schema in _other_schemas(pg) for name in _pg_tables(pg, schema)]
    assert {schema for schema, _ in relations} >= set(NOT_FOR_BI)
    readable = []
    for schema, name in relations:
        error = _attempt(bi_conn, f'select * from "{schema}"."{name}" limit 1')
        if not isinstance(error, pg_errors.InsufficientPrivilege):
            readable.append(f"{schema}.{name}: {error!r}")
    assert not readable


def test_bi_reader_cannot_write_or_create_anywhere(pg: ClusterSettings, bi_conn: Any) -> None:
    mart = _pg_tables(pg, MARTS)[0]
    attempts = {
        "insert into a mart": f'insert into {MARTS}."{mart}" select * from {MARTS}."{mart}" limit 1',
        "update a mart": f'update {MARTS}."{mart}" set {_first_column(pg, mart)} = null',
        "delete from a mart": f'delete from {MARTS}."{mart}"',
        "truncate a mart": f'truncate {MARTS}."{mart}"',
        "drop a mart": f'drop table {MARTS}."{mart}"',
        "create a table in marts": f"create table {MARTS}.bi_probe (x int)",
        "create a view in marts": f"create view {MARTS}.bi_probe as select 1 as x",
        "create a table in public": "create table public.bi_probe (x int)",
        "create a table in raw": "create table raw.bi_probe (x int)",
        "create a schema": "create schema bi_probe",
        "insert into raw": f'insert into raw."{TABLES[0].name}" default values',
    }
    allowed = {what: sql for what, sql in attempts.items()
               if not isinstance(_attempt(bi_conn, sql), pg_errors.InsufficientPrivilege)}
    assert not allowed


def _first_column(pg: ClusterSettings, table: str) -> str:
    with closing(_connect(pg)) as conn, conn.cursor() as cur:
        cur.execute(
            "select column_name from information_schema.columns where table_schema = %s and table_name = %s "
            "order by ordinal_position limit 1",
            (MARTS, table),
        )
        return '"' + cur.fetchone()[0] + '"'


# ---------------------------------------------------------------- sources created by another tool


def test_sources_of_another_tool_with_native_types_on_postgres(
    pg: ClusterSettings, demo_warehouse: Path, tmp_path: Path
) -> None:
    """Tables a loader created in schema crm_export (not kpi-pipeline's), typed natively (native_types.py:
    dates as date, timestamp or timestamptz at UTC midnight): a `dbt build --target pg` of the models and seeds with
    KPI_RAW_SCHEMA and no load step, in a session time zone west of UTC (PGTZ), gives the DuckDB demo's
    marts."""
    with closing(_connect(pg)) as conn, conn.cursor() as cur:
        cur.execute("create database native_sources")
    with closing(_connect(pg, database="native_sources")) as conn, conn.cursor() as cur:
        cur.execute("set time zone 'UTC'")
        cur.execute("create schema crm_export")
        for index, table in enumerate(TABLES):
            columns = table.column_names
            cur.execute(f"create temporary table load_{table.name} ({', '.join(f'{c} text' for c in columns)})")
            with seed_path(table.name).open(encoding="utf-8") as handle:
                cur.copy_expert(f"copy load_{table.name} from stdin with (format csv, header true)", handle)
            select = ", ".join(
                f"{native_types.select_expression('postgres', index, c)} as {c.name}" for c in table.columns
            )
            cur.execute(f"create table crm_export.{table.name} as select {select} from load_{table.name}")
        cur.execute(
            "select distinct data_type from information_schema.columns where table_schema = 'crm_export'"
        )
        types = {r[0] for r in cur.fetchall()}
    assert native_types.expected_types("postgres") <= types
    env = {**_pg_env(pg, tmp_path), "KPI_PG_DATABASE": "native_sources", "KPI_RAW_SCHEMA": "crm_export",
           "PGTZ": native_types.WEST_ZONE}
    result = subprocess.run(
        # the models and the reference seeds (the marts compared below): every data test and unit test runs on
        # PostgreSQL in the pipeline run (test_every_model_data_test_and_unit_test_passes_on_postgres)
        [str(Path(sys.executable).with_name("dbt")), "build", "--quiet", "--target", "pg",
         "--exclude-resource-type", "test", "unit_test",
         "--project-dir", str(PROJECT_DIR), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs")],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=1800, check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    problems: list[str] = []
    with duckdb.connect(str(demo_warehouse), read_only=True) as duck:
        with closing(_connect(pg, database="native_sources")) as conn, conn.cursor() as cur:
            cur.execute(
                "select table_name from information_schema.tables where table_schema = %s order by 1", (MARTS,)
            )
            names = [r[0] for r in cur.fetchall()]
            assert len(names) >= 10
            for name in names:
                problems += _compare_table(name, duck, cur)
    assert not problems, "marts from native PostgreSQL sources differ from DuckDB:\n" + "\n".join(problems)


# ---------------------------------------------------------------- the KPI report on PostgreSQL


def test_the_run_on_postgres_writes_the_same_report_as_duckdb(
    pg_run: PgRun, demo_warehouse: Path, tmp_path: Path
) -> None:
    """The report step of the PostgreSQL run read the PostgreSQL marts: byte for byte the page that the
    DuckDB build of the same data gives (same as-of date, same numbers, same order)."""
    from kpi_pipeline.report.command import write_report

    pg_run.require_marts()
    report = pg_run.summary["report"]
    assert report["missing_marts"] == [] and report["charts"] > 10, report
    duck = write_report(
        Warehouse(target="duckdb", kind="duckdb", duckdb_path=demo_warehouse), tmp_path / "duckdb.html", "USD"
    )
    assert Path(report["path"]).read_bytes() == duck.path.read_bytes()


def test_the_report_command_reads_postgres_as_the_bi_reader(
    pg: ClusterSettings, pg_run: PgRun, bi_conn: Any, tmp_path: Path
) -> None:
    """`kpi-pipeline report --target pg` needs no more than the read-only BI role (a read-only session)."""
    env = {**_pg_env(pg, tmp_path), "KPI_PG_USER": BI_LOGIN}
    output = tmp_path / "bi" / "index.html"
    proc = subprocess.run(
        [sys.executable, "-m", "kpi_pipeline.cli", "report", "--target", "pg", "--output", str(output)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "warning" not in proc.stderr and f"{BI_LOGIN}@" in proc.stdout
    assert output.read_bytes() == Path(pg_run.summary["report"]["path"]).read_bytes()


# ---------------------------------------------------------------- semantic layer (MetricFlow) on PostgreSQL


def test_semantic_layer_on_postgres_equals_the_marts(pg: ClusterSettings, pg_run: PgRun) -> None:
    """A subset of the semantic-layer checks (semantic_checks.postgres_checks: one per KPI family, month x
    total and month x channel), on the PostgreSQL build above: MetricFlow's PostgreSQL SQL against its marts."""
    from semantic_checks import compare, mart_rows, metricflow_rows, postgres_checks

    from kpi_pipeline.semantic_layer import SemanticLayer

    pg_run.require_marts()
    checks = postgres_checks()
    assert len(checks) >= 15
    problems: list[str] = []
    with SemanticLayer.for_postgres(pg_run.target / "semantic_manifest.json", **pg.connect_kwargs()) as layer, \
            closing(_connect(pg)) as conn:

        def fetch(sql: str) -> tuple[list[str], list[tuple]]:
            with conn.cursor() as cur:
                cur.execute(sql)
                return [d[0] for d in cur.description], cur.fetchall()

        for check in checks:
            outcome = compare(check, metricflow_rows(layer, check), mart_rows(fetch, check))
            problems += [f"{check.name}: {problem}" for problem in outcome.problems[:5]]
    assert not problems, "MetricFlow on PostgreSQL differs from the marts:\n" + "\n".join(problems)
