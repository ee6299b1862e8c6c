"""What the step reads from the warehouse: column types, scalars, a mart's rows in frames or batches; DuckDB's memory cap."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kpi_pipeline import spark
from kpi_pipeline.artifacts import Mart
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.quality.windows import Scope, _as_date
from kpi_pipeline.warehouse import Warehouse, quote_ident, relation


DUCKDB_VECTOR_ROWS = 2048  # fetch_df_chunk reads whole vectors: a batch is rounded up to a multiple


def column_types(conn: Any, warehouse: Warehouse, mart: Mart) -> dict[str, str]:
    if warehouse.kind == "spark":  # no information_schema: `describe table` (types such as decimal(18,2))
        return dict(spark.columns(conn, mart.schema, mart.alias))
    mark = "%s" if warehouse.kind == "postgres" else "?"
    cur = conn.cursor()
    cur.execute(
        "select column_name, data_type from information_schema.columns "
        f"where table_schema = {mark} and table_name = {mark} order by ordinal_position",
        (mart.schema, mart.alias),
    )
    return {name: str(dtype) for name, dtype in cur.fetchall()}


def _scalar(conn: Any, sql: str) -> Any:
    cur = conn.cursor()
    cur.execute(sql)
    row = cur.fetchone()
    return row[0] if row else None


def _rollback_quietly(conn: Any) -> None:
    """End the failed transaction of a PostgreSQL connection after a failed read; DuckDB has none open
    ("cannot rollback - no transaction is active"), which must not turn a missing table into an error."""
    try:
        if hasattr(conn, "rollback"):
            conn.rollback()
    except Exception:  # noqa: BLE001 - no transaction to end
        pass


def latest_activity_date(conn: Any, manifest: dict[str, Any]) -> dt.date | None:
    """The latest date of activity in the data (`int_activity_dates.latest_activity_date`: the default
    as-of date), or None when this build has no such table."""
    for node in (manifest.get("nodes") or {}).values():
        if node.get("resource_type") == "model" and node.get("name") == "int_activity_dates":
            try:
                rel = relation(str(node["schema"]), str(node.get("alias") or node["name"]))
                return _as_date(_scalar(conn, f"select max(latest_activity_date) from {rel}"))
            except Exception:  # not built (a partial run) or unreadable: the as-of month decides alone
                _rollback_quietly(conn)
                return None
    return None


def _select(mart: Mart, scope: Scope, columns: list[str] | None = None) -> str:
    """The rows of `mart` in `scope` (all columns, or `columns`)."""
    what = ", ".join(quote_ident(c) for c in columns) if columns else "*"
    where = scope.where()
    return f"select {what} from {relation(mart.schema, mart.alias)}" + (f" where {where}" if where else "")


def _frame(conn: Any, sql: str) -> Any:
    """The rows of a query as one pandas frame (DuckDB; only for at most `batch_rows` rows)."""
    return conn.execute(sql).df()


def _batches(conn: Any, sql: str, batch_rows: int) -> Iterator[Any]:
    """The rows of a query as pandas frames of `batch_rows` rows (the last one: the rest). DuckDB streams
    the result in chunks of whole vectors (a view's chunks may be shorter), which are cut to size here, so
    at most about two batches' worth of rows are in memory at a time."""
    import pandas as pd

    cur = conn.cursor()
    try:
        cur.execute(sql)
        vectors = max(1, -(-batch_rows // DUCKDB_VECTOR_ROWS))
        pending: list[Any] = []
        held = 0
        while True:
            chunk = cur.fetch_df_chunk(vectors)
            done = not len(chunk)
            if not done:
                pending.append(chunk)
                held += len(chunk)
            del chunk
            while held >= batch_rows or (done and held):
                buffer = pending[0] if len(pending) == 1 else pd.concat(pending, ignore_index=True)
                take = min(batch_rows, held)
                yield buffer.iloc[:take].reset_index(drop=True)
                rest = buffer.iloc[take:].reset_index(drop=True)
                pending, held = ([rest] if len(rest) else []), len(rest)
                del buffer, rest
            if done:
                return
    finally:
        cur.close()


DEFAULT_DUCKDB_MEMORY = "1GB"  # DuckDB's memory limit during the step (env KPI_GX_DUCKDB_MEMORY)
MEMORY_SETTING = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


@contextmanager
def duckdb_memory_limit(conn: Any, kind: str) -> Iterator[None]:
    """DuckDB: cap the database's memory (its buffer cache of the blocks scanned and the SQL checks'
    aggregates, which spill to disk beyond it) during the step, then restore the setting. DuckDB's default
    (80% of RAM) lets the cache of a scanned multi-million-row fact grow with the table."""
    if kind != "duckdb":
        yield
        return
    limit = os.environ.get("KPI_GX_DUCKDB_MEMORY", "").strip() or DEFAULT_DUCKDB_MEMORY
    if not MEMORY_SETTING.match(limit):
        raise PipelineError(f"KPI_GX_DUCKDB_MEMORY must be a size such as 1GB or 512MB, got {limit!r}")
    setting = "select current_setting('memory_limit')"
    previous = _scalar(conn, setting)
    conn.execute("reset memory_limit")
    default = previous == _scalar(conn, setting)  # restored by reset, exactly (the setting reads rounded)
    conn.execute(f"set memory_limit = '{limit}'")
    try:
        yield
    finally:
        conn.execute("reset memory_limit" if default or not previous else f"set memory_limit = '{previous}'")
