"""The warehouse-specific steps of scripts/benchmark.py: how a dbt step runs (on Spark: a SparkSession first,
then dbt in the same process), the JVM's memory, and holding back / appending the last day in the raw tables
of DuckDB, PostgreSQL or Spark ($KPI_TARGET)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from kpi_pipeline.contract import TABLES  # noqa: E402

BENCHMARK = Path(__file__).resolve().with_name("benchmark.py")


def jvm_peak_mb(session: Any) -> float:
    """Peak RSS (VmHWM) of the JVM behind a SparkSession of this process, MiB (0 if unknown)."""
    try:
        pid = session.sparkContext._gateway.proc.pid  # the spark-submit launcher execs java
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (AttributeError, OSError, ValueError):
        pass
    return 0.0


def write_spark_info(session: Any, start_seconds: float | None) -> None:
    if os.environ.get("KPI_BENCH_START_FILE"):
        Path(os.environ["KPI_BENCH_START_FILE"]).write_text(json.dumps(
            {"start": None if start_seconds is None else round(start_seconds, 2),
             "jvm_peak_mb": jvm_peak_mb(session)}))


def dbt_command(env: dict[str, str]) -> list[str]:
    """How a dbt step runs: the dbt executable, or on Spark this script's `_spark_dbt` (a SparkSession first,
    then dbt in the same process: dbt-spark's method session uses the process's session)."""
    if env.get("KPI_TARGET") == "spark":
        return [sys.executable, str(BENCHMARK), "_spark_dbt"]
    return [str(Path(sys.executable).with_name("dbt"))]


def spark_dbt(args: list[str]) -> int:
    """Internal step on Spark: start the SparkSession (its seconds to KPI_BENCH_START_FILE), run dbt."""
    from kpi_pipeline import spark

    started = time.perf_counter()
    session = spark.session(spark.SparkSettings.from_env(ROOT))
    seconds = time.perf_counter() - started
    print(f"SparkSession started in {seconds:.1f}s", flush=True)
    from dbt.cli.main import dbtRunner

    ok = dbtRunner().invoke(args).success
    write_spark_info(session, seconds)
    return 0 if ok else 1


def _day_sql(table_name: str, day: dt.date) -> str | None:
    """A predicate: the raw row's event column starts with `day` (None: the table has no event column). The
    raw columns are text (the loader's), so one text comparison serves every warehouse."""
    table = next(t for t in TABLES if t.name == table_name)
    if table.event_column is None:
        return None
    return f"coalesce(substr(trim({table.event_column}), 1, 10) = '{day.isoformat()}', false)"


def _warehouse_sql(statements: list[str]) -> list[Any]:
    """Run statements on $KPI_TARGET's warehouse (one connection); the first value of each result, if any."""
    from kpi_pipeline.warehouse import resolve

    out: list[Any] = []
    with resolve(ROOT, os.environ.get("KPI_TARGET", "duckdb")).connect() as conn:
        cur = conn.cursor()
        for sql in statements:
            cur.execute(sql)
            try:
                row = cur.fetchone() if sql.lstrip().lower().startswith("select") else None
            except Exception:  # noqa: BLE001 - a statement without a result
                row = None
            out.append(row[0] if row else None)
        conn.commit()
    return out


def hold_back_day(day: dt.date) -> int:
    """Move the raw rows dated `day` into schema bench_hold (kept there for append_day). Spark cannot DELETE
    from a Parquet table: the rows to keep are copied out and written back with INSERT OVERWRITE."""
    from kpi_pipeline.load import RAW_SCHEMA

    spark = os.environ.get("KPI_TARGET") == "spark"
    using = " using parquet" if spark else ""
    statements = ["create schema if not exists bench_hold"]
    for table in TABLES:
        day_sql = _day_sql(table.name, day)
        if day_sql is None:
            continue
        raw, hold = f"{RAW_SCHEMA}.{table.name}", f"bench_hold.{table.name}"
        statements += [f"drop table if exists {hold}",
                       f"create table {hold}{using} as select * from {raw} where {day_sql}",
                       f"select count(*) from {hold}"]
        if spark:
            keep = f"bench_hold.keep_{table.name}"
            statements += [f"drop table if exists {keep}",
                           f"create table {keep}{using} as select * from {raw} where not {day_sql}",
                           f"insert overwrite table {raw} select * from {keep}",
                           f"drop table {keep}"]
        else:
            statements.append(f"delete from {raw} where {day_sql}")
    return int(sum(v for sql, v in zip(statements, _warehouse_sql(statements))
                   if sql.startswith("select count") and v))


def append_day() -> None:
    """INSERT the held-back day into the raw tables (the measured "append" step)."""
    from kpi_pipeline.load import RAW_SCHEMA

    session, start_seconds = None, None
    if os.environ.get("KPI_TARGET") == "spark":
        from kpi_pipeline import spark

        started = time.perf_counter()
        session = spark.session(spark.SparkSettings.from_env(ROOT))
        start_seconds = time.perf_counter() - started
    _warehouse_sql([f"insert into {RAW_SCHEMA}.{table.name} select * from bench_hold.{table.name}"
                    for table in TABLES if table.event_column is not None])
    if session is not None:
        write_spark_info(session, start_seconds)
