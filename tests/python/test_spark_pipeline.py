"""Issue 26: the pipeline on Apache Spark (target spark, method session).

- The loader: the demo CSVs loaded into Spark give the very values DuckDB's loader gives (every raw table,
  value by value, nulls where DuckDB has nulls), and so do files with hostile fields (line breaks, quotes,
  commas, markup, Unicode, empty and blank fields, columns in another order, CRLF, Parquet).
- One full `kpi-pipeline run --target spark --data-dir` of the demo data with three bad rows planted (the
  dbt build on Spark takes minutes: it runs once, module scoped): exit 0, the report written, data quality
  checked, the run history appended, and the bad rows quarantined with the messages DuckDB gives them (a
  DuckDB build of the same files up to the quarantine).
- The job's own SQL in Spark's dialect; methods thrift and http stop with a clear error.

All Spark tests share one SparkSession per pytest process (spark_session.py); keep them in this file.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from kpi_pipeline import load
from kpi_pipeline.contract import TABLES, TABLES_BY_NAME
from kpi_pipeline.demo_files import copy_demo_data
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.load.check import check_file
from kpi_pipeline.load.files import RawFile
from kpi_pipeline.load.to_duckdb import _load_duckdb
from kpi_pipeline.load.to_spark import _load_spark
from kpi_pipeline.spark import SparkConnection, SparkSettings, to_spark_sql
from kpi_pipeline.warehouse import Warehouse, resolve
from dbt_inprocess import invoke
from shared_runs import run_pipeline
from spark_parity import compare_table, duckdb_tables, split_last_day
from spark_session import PROJECT_DIR, SparkRun, run_in_process, spark_env

pytest.importorskip("pyspark")


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=lambda row: tuple((v is None, "" if v is None else str(v)) for v in row))


def _duckdb_rows(db: Path, schema: str, table: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return _sorted(conn.execute(f'select * from "{schema}"."{table}"').fetchall())


def _spark_rows(spark, schema: str, table: str) -> list[tuple]:
    return _sorted([tuple(row) for row in spark.sql(f"select * from `{schema}`.`{table}`").collect()])


def _spark_warehouse() -> Warehouse:
    return Warehouse(target="spark", kind="spark", spark_settings=SparkSettings.from_env(PROJECT_DIR))


# ---------------------------------------------------------------- the loader


def test_the_demo_files_load_into_spark_as_into_duckdb(spark_session, tmp_path: Path) -> None:
    data = copy_demo_data(tmp_path / "data")
    files = load.discover(data)
    db = tmp_path / "parity.duckdb"
    duck = {t.name: t.rows for t in load.load_all(Warehouse("duckdb", "duckdb", duckdb_path=db), files, print)}
    spark = {t.name: t.rows for t in load.load_all(_spark_warehouse(), files, print, schema="parity_raw")}
    assert spark == duck and set(spark) == {t.name for t in TABLES}
    for table in TABLES:
        expected = _duckdb_rows(db, "raw", table.name)
        actual = _spark_rows(spark_session, "parity_raw", table.name)
        assert len(actual) == duck[table.name]
        assert actual == expected, table.name
    comment = spark_session.sql("describe table extended parity_raw.crm_leads").where("col_name = 'Comment'").collect()
    assert comment[0]["data_type"] == f"kpi-pipeline load: crm_leads.csv, {duck['crm_leads']} rows"


HOSTILE_ROWS = [  # crm_sales_teams, its columns in another order and one column more (ignored)
    ["region", "Team_ID", "notes", "team_name", "manager_rep_id"],
    ["EMEA, \"north\"", "t1", "x", "multi\nline name", "r1"],
    ["<script>alert('x')</script>", "t2", "", "  padded  ", ""],
    ["", "t3", "   ", " ", ""],
    ["\u00a0nbsp\u2003", "t4", "😀", "Zoë Ünal 日本", "r2"],
    ["a\r\nb", "t5", "'single'", "trailing \\", "\"quoted\""],
    ["=1+1", "t6", "NULL", "\\N", "null"],
]


def _write_csv(path: Path, rows: list[list[str]], newline: str, quote_all: bool = False) -> RawFile:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator=newline, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
                   ).writerows(rows)
    return RawFile(TABLES_BY_NAME["crm_sales_teams"], path)


@pytest.mark.parametrize("variant", ["lf", "crlf", "quote_all", "empty_quoted", "parquet"])
def test_hostile_fields_load_into_spark_as_into_duckdb(spark_session, tmp_path: Path, variant: str) -> None:
    path = tmp_path / "crm_sales_teams.csv"
    rows = [list(r) for r in HOSTILE_ROWS]
    if variant == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = tmp_path / "crm_sales_teams.parquet"
        columns = list(zip(*rows[1:]))
        pq.write_table(pa.table({name: list(values) for name, values in zip(rows[0], columns)}), path)
        raw = RawFile(TABLES_BY_NAME["crm_sales_teams"], path)
    elif variant == "empty_quoted":
        path.write_text('team_id,team_name,region,manager_rep_id\n"t1","",,""\n"t2", ,"",x\n"t3","n","r",""\n', encoding="utf-8")
        raw = RawFile(TABLES_BY_NAME["crm_sales_teams"], path)
    else:
        raw = _write_csv(path, rows, "\r\n" if variant == "crlf" else "\n", quote_all=variant == "quote_all")
    check = check_file(raw)
    assert not check.problems, check.problems
    positions = check.positions
    db = tmp_path / "hostile.duckdb"
    with duckdb.connect(str(db)) as conn:
        duck_rows = _load_duckdb(conn, raw, "raw", positions, check.header)
    spark_rows = _load_spark(SparkConnection(spark_session), raw, "hostile_raw", positions, check.header)
    assert spark_rows == duck_rows == (check.data_rows if check.data_rows is not None else duck_rows)
    expected = _duckdb_rows(db, "raw", "crm_sales_teams")
    assert _spark_rows(spark_session, "hostile_raw", "crm_sales_teams") == expected
    if variant == "lf":  # the values as written, none trimmed
        assert ("t1", "multi\nline name", "EMEA, \"north\"", "r1") in expected
        assert ("t3", " ", None, None) in expected


def _instant(text: str | None) -> dt.datetime | None:
    """A loaded timestamp's text as an aware datetime (offset-less text read as UTC, as the parser does)."""
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Asia/Kolkata"])
def test_parquet_instants_load_into_spark_as_the_same_instants_in_any_session_zone(
        spark_session, tmp_path: Path, zone: str) -> None:
    """A Parquet timestamp adjusted to UTC (an instant) loads as text that means the same instant whatever the
    session's time zone (Spark writes an instant in the session zone without an offset, which the timestamp
    parser would read as UTC); a timestamp without a zone stays the wall time it is."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    written = [dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.timezone.utc),
               dt.datetime(2025, 7, 1, 23, 30, 15, 250000, tzinfo=dt.timezone.utc), None]
    columns = [c.name for c in TABLES_BY_NAME["crm_leads"].columns]
    data = {name: [f"{name}{i}" for i in range(3)] for name in columns}
    data["created_at"] = written
    path = tmp_path / "crm_leads.parquet"
    pq.write_table(pa.table({name: data[name] for name in columns}).cast(pa.schema(
        [(name, pa.timestamp("us", tz="UTC") if name == "created_at" else pa.string()) for name in columns])), path)
    naive = tmp_path / "naive" / "crm_leads.parquet"
    naive.parent.mkdir()
    pq.write_table(pa.table({**{n: data[n] for n in columns},
                             "created_at": [None if v is None else v.replace(tzinfo=None) for v in written]}), naive)
    before = spark_session.conf.get("spark.sql.session.timeZone")
    spark_session.conf.set("spark.sql.session.timeZone", zone)
    try:
        for file, expected in [(path, written), (naive, written)]:
            raw = RawFile(TABLES_BY_NAME["crm_leads"], file)
            check = check_file(raw)
            assert not check.problems, check.problems
            _load_spark(SparkConnection(spark_session), raw, "instant_raw", check.positions, check.header)
            loaded = spark_session.sql("select lead_id, created_at from instant_raw.crm_leads").collect()
            got = {row[0]: _instant(row[1]) for row in loaded}
            assert got == {f"lead_id{i}": expected[i] for i in range(3)}, (file, [tuple(r) for r in loaded])
    finally:
        spark_session.conf.set("spark.sql.session.timeZone", before)


# ---------------------------------------------------------------- the job's SQL on Spark


def test_standard_sql_is_translated_to_spark_sql() -> None:
    sql = to_spark_sql("select \"a\"\"b\", 'it''s \\ here' from \"raw\".\"t\" where x = ? and y = %s -- it's",
                       ["o'k", dt.date(2026, 1, 31)])
    assert sql == "select `a\"b`, 'it\\'s \\\\ here' from `raw`.`t` where x = 'o\\'k' and y = date'2026-01-31' -- it's"
    assert to_spark_sql("select '?' from `a``b`", []) == "select '?' from `a``b`"


@pytest.mark.parametrize("method", ["thrift", "http"])
def test_a_spark_target_without_a_session_in_the_process_stops_with_a_clear_error(
        monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    monkeypatch.setenv("KPI_SPARK_METHOD", method)
    with pytest.raises(PipelineError, match=f"Spark method '{method}'.*method session.*the quarantine gate"):
        resolve(PROJECT_DIR, "spark")


def test_the_demo_fills_only_a_source_schema_without_other_tables(spark_session) -> None:
    """Without --data-dir, a user's tables in the metastore are read in place: the demo's ownership check
    reads the marks on Spark (show tables, describe table extended)."""
    from kpi_pipeline.steps import demo_owner

    conn = SparkConnection(spark_session)
    assert demo_owner(conn, "spark", "no_such_raw").demo_allowed
    spark_session.sql("create database if not exists user_raw")
    spark_session.sql("create table if not exists user_raw.crm_leads (lead_id string) using parquet")
    spark_session.sql("insert into user_raw.crm_leads values ('l1')")
    owner = demo_owner(conn, "spark", "user_raw")
    assert not owner.demo_allowed
    assert owner.reason == "user_raw.crm_leads holds data that is not the demo's (no demo mark: created by another tool)"


# ---------------------------------------------------------------- one full run on Spark

# bad rows of ads_spend_daily (3 of 17,314: under the 1 % threshold): index, column, value, rule, message
PLANTED = [
    (20, "spend_date", "15/03/2025", "unparseable_value", "is not a date"),
    (30, "spend_amount", "1,234.50", "unparseable_value", "no thousands separators"),
    (40, "clicks", "12.5", "unparseable_value", "is not a whole number"),
]


def _plant(data: Path) -> list[str]:
    path = data / "ads_spend_daily.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    for index, column, value, _rule, _message in PLANTED:
        rows[index][column] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return [f"spend_id={rows[index]['spend_id']}" for index, *_ in PLANTED]


@pytest.fixture(scope="module")
def planted_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The demo files with the bad rows planted, without the rows of the demo's last day (LAST_DAY): those
    are in <data>/../last_day, appended after the first run for the refresh (test_spark_refresh_*)."""
    root = tmp_path_factory.mktemp("spark_data")
    data = copy_demo_data(root / "data")
    keys = _plant(data)
    shutil.copytree(data, root / "all_days")
    held_back = split_last_day(data, LAST_DAY, root / "last_day")
    assert sum(held_back.values()) > 0, held_back
    return data, keys


@pytest.fixture(scope="module")
def spark_run(spark_session, spark_base: Path, planted_data, tmp_path_factory: pytest.TempPathFactory) -> SparkRun:
    data, _keys = planted_data
    # dbt's unit tests read their own fixtures, never the data: test_every_unit_test_passes_on_spark runs them
    return run_in_process(tmp_path_factory.mktemp("spark_run"), spark_base, "--data-dir", str(data),
                          env_extra={"DBT_EXCLUDE_RESOURCE_TYPES": "unit_test"})


QUARANTINE_SQL = ("select raw_table, row_key, rule_name, column_name, message from quarantine.quarantined_rows "
                  "order by raw_table, row_key, rule_name, column_name")


@pytest.fixture(scope="module")
def duckdb_before(planted_data, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB build of the same files (every model; the checks and the report are the Spark run's)."""
    data, _keys = planted_data
    run = run_pipeline(tmp_path_factory.mktemp("duckdb_before"), "--data-dir", str(data),
                       "--skip-quality", "--skip-report", unit_tests=False, data_tests=False)
    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    return run.db


@pytest.fixture(scope="module")
def duckdb_quarantine(duckdb_before: Path) -> list[tuple]:
    """The quarantine of the DuckDB build of the same files."""
    with duckdb.connect(str(duckdb_before), read_only=True) as conn:
        return conn.execute(QUARANTINE_SQL).fetchall()


def test_the_spark_run_builds_checks_and_reports(spark_run: SparkRun) -> None:
    assert spark_run.code == 0, spark_run.stdout[-6000:] + spark_run.stderr[-3000:]
    summary = spark_run.summary
    assert summary["status"] == "success" and summary["target"] == "spark"
    assert summary["warehouse"].startswith("spark local[2]")
    dbt = summary["dbt"]
    assert dbt["models"]["errored"] == 0 and dbt["models"]["skipped"] == 0
    assert dbt["tests"]["failed"] == 0 and dbt["tests"]["errored"] == 0
    assert summary["expectations"]["passed"] > 0 and summary["expectations"]["failed"] == 0
    assert Path(summary["report"]["path"]).is_file() and not summary["report"]["missing_marts"]
    assert any(name.startswith("marts.kpi_") and count > 0 for name, count in summary["row_counts"].items())


def test_the_spark_run_loads_every_file(spark_run: SparkRun, spark_session, planted_data) -> None:
    data, _keys = planted_data
    loaded = spark_run.summary["loaded_rows"]
    for table in TABLES:
        with (data / f"{table.name}.csv").open(newline="", encoding="utf-8") as handle:
            assert loaded[table.name] == sum(1 for _ in csv.reader(handle)) - 1, table.name
        assert spark_session.sql(f"select count(*) from raw.{table.name}").collect()[0][0] == loaded[table.name]


def test_the_spark_run_is_in_the_run_history(spark_run: SparkRun, spark_session) -> None:
    rows = spark_session.sql("select run_id, status, exit_code, target, quarantined_rows from ops.pipeline_runs").collect()
    assert [(r["run_id"], r["status"], r["exit_code"], r["target"]) for r in rows] == [
        (spark_run.summary["run_id"], "success", 0, "spark")]


def test_the_loaded_tables_are_not_the_demos(spark_run: SparkRun, spark_session) -> None:
    from kpi_pipeline.steps import demo_owner

    owner = demo_owner(SparkConnection(spark_session), "spark", "raw")
    assert not owner.demo_allowed and "holds data that is not the demo's (\"kpi-pipeline load: " in owner.reason


def test_bad_rows_are_quarantined_on_spark_as_on_duckdb(spark_run: SparkRun, spark_session, planted_data,
                                                         duckdb_quarantine: list[tuple]) -> None:
    _data, keys = planted_data
    spark_rows = [tuple(r) for r in spark_session.sql(QUARANTINE_SQL).collect()]
    planted = [r for r in spark_rows if r[0] == "ads_spend_daily" and r[1] in keys]
    assert len(planted) == len(PLANTED)
    for key, (_index, column, _value, rule, message) in zip(keys, PLANTED):
        row = next(r for r in planted if r[1] == key)
        assert (row[2], row[3]) == (rule, column) and message in row[4], row
    assert spark_rows == duckdb_quarantine
    quarantine = spark_run.summary["quarantine"]["tables"]["ads_spend_daily"]
    assert quarantine["quarantined_rows"] >= len(PLANTED)


# ---------------------------------------------------------------- parity with DuckDB, the refresh, unit tests
# The Spark run above is the full build (of the data without its last day). Its marts and facts must equal a
# DuckDB build of the same files; then the last day is appended to the raw tables, as a scheduled load does,
# and a refresh (`dbt run`: the incremental models rewrite their window) must leave every compared table as a
# DuckDB full build of all the days has it: full build + refresh = full build, on Spark.
LAST_DAY = "2026-10-31"  # the demo's last day
# the keyed incremental models (macros/incremental/keyed_incremental.sql), compared after the refresh too
INCREMENTAL_MODELS = {
    "staging": ["base_marketing__touchpoints", "base_crm__leads", "base_crm__lead_status_history",
                "base_crm__opportunities", "base_crm__opportunity_stage_history", "base_ads__spend_daily",
                "base_billing__subscription_events"],
    "intermediate": ["int_touchpoints_sourced", "int_leads_sourced", "int_lead_lifecycle",
                     "int_attribution_touch_weights"],
}


def _compared_tables(db: Path) -> list[tuple[str, str]]:
    marts = [("marts", name) for name in duckdb_tables(db, "marts")]
    assert len(marts) > 25, marts
    return marts + [(schema, name) for schema, names in INCREMENTAL_MODELS.items() for name in names]


def _differences(spark_session, db: Path) -> list[str]:
    return [problem for schema, name in _compared_tables(db)
            if (problem := compare_table(spark_session, db, schema, name)) is not None]


def _spark_dbt(spark_base: Path, work: Path, *args: str) -> dict:
    """`dbt *args --target spark` in this process on the test session's SparkSession; its run_results."""
    env = {**spark_env(spark_base), "KPI_PROJECT_DIR": str(PROJECT_DIR), "DBT_PROFILES_DIR": str(PROJECT_DIR),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    work.mkdir(parents=True, exist_ok=True)
    result = invoke([*args, "--target", "spark", "--project-dir", str(PROJECT_DIR),
                     "--target-path", str(work / "target"), "--log-path", str(work / "logs")], env, work)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    return json.loads((work / "target" / "run_results.json").read_text())


def test_spark_marts_equal_duckdb(spark_run: SparkRun, spark_session, duckdb_before: Path) -> None:
    assert spark_run.code == 0, spark_run.stdout[-6000:] + spark_run.stderr[-3000:]
    problems = _differences(spark_session, duckdb_before)
    assert not problems, "Spark != DuckDB:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def spark_refresh(spark_run: SparkRun, spark_session, spark_base: Path, planted_data,
                  tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The last day appended to the raw tables on Spark, then `dbt run` (the incremental refresh)."""
    assert spark_run.code == 0, spark_run.stdout[-3000:]
    data, _keys = planted_data
    conn = SparkConnection(spark_session)
    appended = 0
    last_day = data.parent / "last_day"
    # the tables with rows that day (the tables without an event column are not appended to)
    for raw in load.discover(last_day, tables=tuple(t for t in TABLES if (last_day / f"{t.name}.csv").is_file())):
        if raw.absent_from is not None:
            continue
        _load_spark(conn, raw, "raw_last_day")
        appended += spark_session.sql(f"select count(*) from raw_last_day.{raw.table.name}").collect()[0][0]
        spark_session.sql(f"insert into raw.{raw.table.name} select * from raw_last_day.{raw.table.name}")
    spark_session.sql("drop database raw_last_day cascade")
    assert appended > 0
    return _spark_dbt(spark_base, tmp_path_factory.mktemp("spark_refresh"), "run")


@pytest.fixture(scope="module")
def duckdb_all_days(planted_data, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB full build of every day of the same files."""
    data, _keys = planted_data
    run = run_pipeline(tmp_path_factory.mktemp("duckdb_all_days"), "--data-dir", str(data.parent / "all_days"),
                       "--skip-quality", "--skip-report", unit_tests=False, data_tests=False)
    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    return run.db


def test_spark_refresh_ran_incrementally(spark_refresh: dict) -> None:
    ran = {r["unique_id"].split(".")[-1]: r for r in spark_refresh["results"] if r["status"] == "success"}
    for name in [n for names in INCREMENTAL_MODELS.values() for n in names] + ["fct_touchpoints"]:
        code = ran[name].get("compiled_code") or ""
        # the rows held in the rewritten buckets are kept (keyed_incremental_rows' incremental branch)
        assert "held.spark_key_bucket in" in code, f"{name} did not run incrementally"


def test_spark_refresh_equals_a_full_build(spark_refresh: dict, spark_session, duckdb_all_days: Path) -> None:
    problems = _differences(spark_session, duckdb_all_days)
    assert not problems, "Spark full build + refresh != full build:\n" + "\n".join(problems)


def test_every_unit_test_passes_on_spark(spark_refresh: dict, spark_base: Path,
                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    """dbt's unit tests read their own fixtures (the builds above leave them out): every one, on Spark."""
    results = _spark_dbt(spark_base, tmp_path_factory.mktemp("spark_unit_tests"), "test", "--select",
                         "test_type:unit")
    units = [r for r in results["results"] if r["unique_id"].startswith("unit_test.")]  # not the hooks
    assert len(units) >= 35
    assert all(r["status"] == "pass" for r in units), [(r["unique_id"], r["status"], r["message"])
                                                       for r in units if r["status"] != "pass"]
