"""Run history: one row per run in `ops.pipeline_runs`, created if missing (DuckDB, PostgreSQL, Spark)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from kpi_pipeline.warehouse import Warehouse, quote_ident, relation

SCHEMA = "ops"
TABLE = "pipeline_runs"

COLUMNS: tuple[tuple[str, str], ...] = (
    ("run_id", "varchar(36)"),
    ("started_at", "timestamp"),
    ("finished_at", "timestamp"),
    ("status", "varchar(16)"),
    ("exit_code", "integer"),
    ("target", "varchar(64)"),
    ("as_of_date", "date"),
    ("models_passed", "integer"),
    ("models_failed", "integer"),
    ("tests_passed", "integer"),
    ("tests_warned", "integer"),
    ("tests_failed", "integer"),
    ("expectations_passed", "integer"),
    ("expectations_failed", "integer"),
    ("quarantined_rows", "integer"),
    ("data_dir", "varchar(1024)"),
    ("message", "varchar(2048)"),
)


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    started_at: dt.datetime  # UTC, naive in the table
    finished_at: dt.datetime
    status: str  # success, failed, error
    exit_code: int
    target: str
    as_of_date: dt.date | None
    models_passed: int
    models_failed: int
    tests_passed: int
    tests_warned: int
    tests_failed: int
    expectations_passed: int
    expectations_failed: int
    quarantined_rows: int
    data_dir: str | None
    message: str | None


def _naive_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def append_run(warehouse: Warehouse, record: RunRecord) -> None:
    """Create `ops.pipeline_runs` if needed and append `record` (one transaction)."""
    values = asdict(record)
    values["started_at"] = _naive_utc(record.started_at)
    values["finished_at"] = _naive_utc(record.finished_at)
    if values["message"]:
        values["message"] = values["message"][:2048]
    names = [name for name, _type in COLUMNS]
    mark = "%s" if warehouse.kind == "postgres" else "?"
    create = (
        f"create table if not exists {relation(SCHEMA, TABLE)} ("
        + ", ".join(f"{quote_ident(n)} {t}" for n, t in COLUMNS)
        + ")"
        + (" using parquet" if warehouse.kind == "spark" else "")  # not a Hive text table
    )
    insert = (
        f"insert into {relation(SCHEMA, TABLE)} ({', '.join(quote_ident(n) for n in names)}) "
        f"values ({', '.join(mark for _ in names)})"
    )
    with warehouse.connect() as conn:
        # DuckDB: cursor() would open a second connection, so use the connection itself
        cur = conn if warehouse.kind == "duckdb" else conn.cursor()
        if warehouse.kind == "duckdb":
            cur.execute("begin transaction")
        cur.execute(f"create schema if not exists {quote_ident(SCHEMA)}")
        cur.execute(create)
        cur.execute(insert, [values[n] for n in names])
        conn.commit()
