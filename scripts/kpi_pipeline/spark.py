"""Apache Spark behind the `spark` target (method session): the process's SparkSession and a DB-API-like
connection over `spark.sql`.

dbt-spark's method `session` runs its SQL on the SparkSession of the Python process it runs in
(`SparkSession.builder.enableHiveSupport().getOrCreate()`): whoever creates the session first decides its
settings. `session()` creates it once with the settings of the environment (see `SparkSettings`) and
returns the existing one when there is one (a test fixture's, or the one an earlier step created): the
loader, dbt, the quarantine gate, the data-quality step, the report and the run history all share it.

The rest of the package writes standard SQL (identifiers in double quotes, strings in single quotes with
'' for a quote, `?` or `%s` parameter marks). `SparkConnection` translates it into Spark SQL before
`spark.sql` runs it: double-quoted identifiers become backtick-quoted ones, string literals are re-written
with Spark's backslash escapes, parameters are inlined as literals. SQL compiled by dbt for Spark (a failed
test's SQL) is Spark SQL already: `cursor(native=True)` runs it as it is.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpi_pipeline.errors import PipelineError

# what profiles.yml's spark target sets through server_side_parameters, and what dbt-spark forces: the
# session has them from its start, so the loader's and the history's SQL runs as dbt's does
SESSION_SQL_CONF = {"spark.sql.timestampType": "TIMESTAMP_NTZ", "spark.sql.ansi.enabled": "false"}


@dataclass(frozen=True)
class SparkSettings:
    """The SparkSession a `kpi-pipeline` process creates (env vars, see docs/spark.md)."""

    master: str  # KPI_SPARK_MASTER, default local[2]
    warehouse_dir: Path  # KPI_SPARK_WAREHOUSE_DIR, default <project>/warehouse/spark-warehouse
    metastore_dir: Path  # KPI_SPARK_METASTORE_DIR, default <project>/warehouse/spark-metastore (Derby)
    time_zone: str | None = None  # KPI_SPARK_SESSION_TIME_ZONE, default: Spark's (the JVM's zone)
    driver_memory: str | None = None  # KPI_SPARK_DRIVER_MEMORY, default: Spark's (1g)

    @classmethod
    def from_env(cls, project_dir: Path) -> SparkSettings:
        warehouse = project_dir / "warehouse"
        return cls(
            master=os.environ.get("KPI_SPARK_MASTER") or "local[2]",
            warehouse_dir=Path(os.environ.get("KPI_SPARK_WAREHOUSE_DIR") or warehouse / "spark-warehouse")
            .expanduser().resolve(),
            metastore_dir=Path(os.environ.get("KPI_SPARK_METASTORE_DIR") or warehouse / "spark-metastore")
            .expanduser().resolve(),
            time_zone=os.environ.get("KPI_SPARK_SESSION_TIME_ZONE") or None,
            driver_memory=os.environ.get("KPI_SPARK_DRIVER_MEMORY") or None,
        )

    def options(self) -> dict[str, str]:
        """The session's configuration: a small local job (2 shuffle partitions, no UI), a Hive metastore
        in Derby under `metastore_dir` (one process at a time), tables under `warehouse_dir`."""
        options = {
            "spark.sql.shuffle.partitions": "2",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.warehouse.dir": str(self.warehouse_dir),
            "spark.hadoop.javax.jdo.option.ConnectionURL":
                f"jdbc:derby:;databaseName={self.metastore_dir / 'metastore_db'};create=true",
            "spark.driver.extraJavaOptions": f"-Dderby.system.home={self.metastore_dir}",
            **SESSION_SQL_CONF,
        }
        if self.time_zone:
            options["spark.sql.session.timeZone"] = self.time_zone
        if self.driver_memory:
            options["spark.driver.memory"] = self.driver_memory
        return options


def session(settings: SparkSettings) -> Any:
    """THE SparkSession of this process: the existing one, else a new one with `settings`."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise PipelineError(f"the spark target needs pyspark (pip install 'dbt-spark[session]'): {exc}") from None
    existing = SparkSession.getActiveSession()
    if existing is not None:
        return existing
    settings.metastore_dir.mkdir(parents=True, exist_ok=True)
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.master(settings.master).appName("kpi-pipeline")
    for key, value in settings.options().items():
        builder = builder.config(key, value)
    try:
        spark = builder.enableHiveSupport().getOrCreate()
    except Exception as exc:  # no Java, a metastore held by another process, ...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PipelineError(f"cannot start Spark ({settings.master}, metastore {settings.metastore_dir}): {first}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# ---------------------------------------------------------------- standard SQL -> Spark SQL


def literal(value: Any) -> str:
    """A Spark SQL literal of a Python value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, decimal.Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else f"double('{value}')"
    if isinstance(value, dt.datetime):
        return f"timestamp'{value.replace(tzinfo=None).isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"date'{value.isoformat()}'"
    return string_literal(str(value))


def string_literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def quote_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


BARE_VARCHAR = re.compile(r"\bvarchar\b(?!\s*\()", re.IGNORECASE)
DOUBLE_PRECISION = re.compile(r"\bdouble\s+precision\b", re.IGNORECASE)


def to_spark_sql(sql: str, params: Sequence[Any] | None = None) -> str:
    """Standard SQL (double-quoted identifiers, '' in strings, `?`/`%s` marks, `varchar` without a length,
    `double precision`) as Spark SQL (backticks, backslash escapes, literals, `string`, `double`)."""
    out: list[str] = []
    values = list(params or ())
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            j, text = i + 1, []
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        text.append(ch)
                        j += 2
                        continue
                    break
                text.append(sql[j])
                j += 1
            body = "".join(text)
            out.append(string_literal(body) if ch == "'" else quote_ident(body))
            i = j + 1
        elif ch == "`":
            j = sql.find("`", i + 1)
            j = n - 1 if j < 0 else j
            out.append(sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j])
            i = j
        elif params is not None and (ch == "?" or sql.startswith("%s", i)):
            if not values:
                raise PipelineError(f"more parameter marks than parameters in: {sql[:200]}")
            out.append(literal(values.pop(0)))
            i += 1 if ch == "?" else 2
        else:
            j = i + 1
            while j < n and sql[j] not in "'\"`-?%":
                j += 1
            out.append(DOUBLE_PRECISION.sub("double", BARE_VARCHAR.sub("string", sql[i:j])))
            i = j
    if values:
        raise PipelineError(f"{len(values)} parameter(s) left over in: {sql[:200]}")
    return "".join(out)


# ---------------------------------------------------------------- the DB-API-like connection


class SparkCursor:
    """A cursor over `spark.sql`: execute, fetchone, fetchall, description, df (pandas), fetch_df_chunk."""

    def __init__(self, spark: Any, native: bool = False) -> None:
        self.spark = spark
        self.native = native
        self._df: Any = None
        self._rows: list[tuple] | None = None
        self._iter: Iterator[Any] | None = None

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> SparkCursor:
        text = sql if self.native and params is None else to_spark_sql(sql, params)
        self._df = self.spark.sql(text)
        self._rows = None
        self._iter = None
        return self

    @property
    def description(self) -> list[tuple] | None:
        if self._df is None:
            return None
        return [(f.name, f.dataType.simpleString(), None, None, None, None, f.nullable) for f in self._df.schema.fields]

    def _all(self) -> list[tuple]:
        if self._rows is None:
            self._rows = [tuple(row) for row in self._df.collect()] if self._df is not None else []
        return self._rows

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._all(), []
        return rows

    def fetchone(self) -> tuple | None:
        rows = self._all()
        return rows.pop(0) if rows else None

    def df(self) -> Any:
        """The result as one pandas frame (decimals as floats, as DuckDB's `df()` gives them)."""
        return _decimals_as_floats(self._df.toPandas(), self._df.schema)

    def fetch_df_chunk(self, vectors: int = 1) -> Any:
        """The next rows (at most vectors x 2048, like DuckDB's) as a pandas frame; empty at the end."""
        import pandas as pd

        if self._iter is None:
            self._iter = self._df.toLocalIterator(prefetchPartitions=False)
        rows = []
        for row in self._iter:
            rows.append(tuple(row))
            if len(rows) >= vectors * 2048:
                break
        frame = pd.DataFrame.from_records(rows, columns=self._df.columns)
        return _decimals_as_floats(frame, self._df.schema)

    def close(self) -> None:
        self._df = self._rows = self._iter = None


def _decimals_as_floats(frame: Any, schema: Any) -> Any:
    from pyspark.sql.types import DecimalType

    for field in schema.fields:
        if isinstance(field.dataType, DecimalType) and field.name in frame.columns:
            frame[field.name] = frame[field.name].astype("float64")
    return frame


class SparkConnection:
    """What the pipeline's steps use of a DB-API connection (and of DuckDB's `execute(...).df()`)."""

    def __init__(self, spark: Any) -> None:
        self.spark = spark

    def cursor(self, native: bool = False) -> SparkCursor:
        return SparkCursor(self.spark, native=native)

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> SparkCursor:
        return self.cursor().execute(sql, params)

    def commit(self) -> None:  # every statement is its own transaction on Spark
        pass

    def rollback(self) -> None:
        pass

    def close(self) -> None:  # the session is the process's: it stays up for the next step (and dbt)
        pass


# ---------------------------------------------------------------- the catalog (no information_schema)


def _not_found(exc: Exception) -> bool:
    text = str(exc)
    return any(s in text for s in ("SCHEMA_NOT_FOUND", "TABLE_OR_VIEW_NOT_FOUND", "NoSuchDatabase", "NoSuchTable"))


def tables(conn: SparkConnection, schema: str) -> list[str]:
    """The tables and views of database `schema` (none when it does not exist); not temporary views."""
    try:
        rows = conn.spark.sql(f"show tables in {quote_ident(schema)}").collect()
    except Exception as exc:
        if _not_found(exc):
            return []
        raise
    return [row["tableName"] for row in rows if not row["isTemporary"]]


def columns(conn: SparkConnection, schema: str, name: str) -> list[tuple[str, str]]:
    """[(column, Spark type)] of a table, in order; [] when it does not exist."""
    if name.lower() not in {t.lower() for t in tables(conn, schema)}:
        return []
    result = []
    for row in conn.spark.sql(f"describe table {quote_ident(schema)}.{quote_ident(name)}").collect():
        if not row["col_name"] or row["col_name"].startswith("#"):
            break  # the partition and detail sections follow
        result.append((row["col_name"], row["data_type"]))
    return result


def table_comment(conn: SparkConnection, schema: str, name: str) -> str | None:
    """The table's comment (`Comment` of `describe table extended`), None without one."""
    for row in conn.spark.sql(f"describe table extended {quote_ident(schema)}.{quote_ident(name)}").collect():
        if row["col_name"] == "Comment":
            return row["data_type"]
    return None
