"""The warehouse behind a dbt target: which one it is and a DB-API connection to it.

Connection settings come from the same environment variables `profiles.yml`
reads (KPI_DUCKDB_PATH, KPI_PG_*), so the orchestrator and dbt always talk to
the same database. DuckDB, PostgreSQL and Spark targets are supported; Spark only with method
`session` (KPI_SPARK_METHOD, profiles.yml): the job's steps run their SQL on the SparkSession of their own
process, which dbt-spark shares (spark.py: KPI_SPARK_MASTER, KPI_SPARK_WAREHOUSE_DIR,
KPI_SPARK_METASTORE_DIR, KPI_SPARK_SESSION_TIME_ZONE, KPI_SPARK_DRIVER_MEMORY).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from kpi_pipeline import spark
from kpi_pipeline.errors import PipelineError

PROFILE_NAME = "sales_marketing_kpis"


@dataclass(frozen=True)
class Warehouse:
    target: str
    kind: str  # "duckdb", "postgres" or "spark"
    duckdb_path: Path | None = None
    pg_host: str = ""
    pg_port: int = 5432
    pg_user: str = ""
    pg_password: str = ""
    pg_database: str = ""
    spark_settings: spark.SparkSettings | None = None

    @property
    def description(self) -> str:
        if self.kind == "duckdb":
            return f"duckdb file {self.duckdb_path}"
        if self.kind == "spark":
            assert self.spark_settings is not None
            return (f"spark {self.spark_settings.master}, metastore {self.spark_settings.metastore_dir}, "
                    f"warehouse {self.spark_settings.warehouse_dir}")
        return f"postgres {self.pg_user}@{self.pg_host}:{self.pg_port}/{self.pg_database}"

    @property
    def lock_key(self) -> str:
        """A file-name-safe key of the database this target writes to."""
        if self.kind == "duckdb":
            return f"duckdb-{self.duckdb_path.stem}"  # type: ignore[union-attr]
        if self.kind == "spark":  # the metastore: one Derby metastore is one warehouse
            assert self.spark_settings is not None
            return "spark-" + str(self.spark_settings.metastore_dir).strip("/").replace("/", "_")
        return f"pg-{self.pg_host}-{self.pg_port}-{self.pg_database}".replace("/", "_")

    def sqlalchemy_url(self) -> str:
        password = f":{quote(self.pg_password, safe='')}" if self.pg_password else ""
        return (
            f"postgresql+psycopg2://{quote(self.pg_user, safe='')}{password}"
            f"@{self.pg_host}:{self.pg_port}/{self.pg_database}"
        )

    @contextlib.contextmanager
    def connect(self, read_only: bool = False) -> Iterator[Any]:
        """A DB-API connection; raises PipelineError when the warehouse is unreachable.

        `read_only`: for a reader in a process of its own (`kpi-pipeline report`):
        a DuckDB file that does not exist is an error instead of being created, and
        the file is opened read-only; a PostgreSQL session is made read-only. Within
        `kpi-pipeline run` keep the default (dbt-duckdb's connection in the same
        process has the default configuration, and DuckDB refuses a second one with
        another). Spark: a SparkConnection over the process's SparkSession (created on first use);
        `read_only` changes nothing there.
        """
        if self.kind == "spark":
            assert self.spark_settings is not None
            yield spark.SparkConnection(spark.session(self.spark_settings))
            return
        if self.kind == "duckdb":
            import duckdb

            assert self.duckdb_path is not None
            if read_only and not self.duckdb_path.is_file():
                raise PipelineError(
                    f"no DuckDB warehouse at {self.duckdb_path}: build it first (kpi-pipeline run) "
                    "or point KPI_DUCKDB_PATH at it"
                )
            if not read_only:
                self.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                # default configuration: the same process may still hold dbt-duckdb's
                # connection, and DuckDB refuses a second one with another config
                conn = (
                    duckdb.connect(str(self.duckdb_path), read_only=True)
                    if read_only
                    else duckdb.connect(str(self.duckdb_path))
                )
            except duckdb.Error as exc:
                raise PipelineError(f"cannot open {self.description}: {_first_line(exc)}") from exc
        else:
            import psycopg2

            try:
                conn = psycopg2.connect(
                    host=self.pg_host,
                    port=self.pg_port,
                    user=self.pg_user,
                    password=self.pg_password,
                    dbname=self.pg_database,
                    connect_timeout=10,
                )
            except psycopg2.Error as exc:
                raise PipelineError(f"cannot connect to {self.description}: {_first_line(exc)}") from exc
            if read_only:
                conn.set_session(readonly=True)
        try:
            yield conn
        finally:
            conn.close()


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def relation(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def table_exists(conn: Any, schema: str, name: str) -> bool:
    if isinstance(conn, spark.SparkConnection):
        return name.lower() in {t.lower() for t in spark.tables(conn, schema)}
    cur = conn.cursor()
    cur.execute(
        "select count(*) from information_schema.tables where table_schema = %s and table_name = %s"
        if _is_pg(conn)
        else "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        (schema, name),
    )
    return bool(cur.fetchone()[0])


def table_columns(conn: Any, schema: str, name: str) -> list[str]:
    if isinstance(conn, spark.SparkConnection):
        return [column for column, _type in spark.columns(conn, schema, name)]
    cur = conn.cursor()
    cur.execute(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s "
        "order by ordinal_position"
        if _is_pg(conn)
        else "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        (schema, name),
    )
    return [row[0] for row in cur.fetchall()]


def row_count(conn: Any, schema: str, name: str) -> int:
    cur = conn.cursor()
    cur.execute(f"select count(*) from {relation(schema, name)}")
    return int(cur.fetchone()[0])


def _is_pg(conn: Any) -> bool:
    return type(conn).__module__.startswith("psycopg2")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def resolve(project_dir: Path, target: str) -> Warehouse:
    """The warehouse of `target` in the project's profiles.yml; PipelineError if unknown."""
    profiles_path = project_dir / "profiles.yml"
    try:
        profiles = yaml.safe_load(profiles_path.read_text())
        outputs: dict[str, Any] = profiles[PROFILE_NAME]["outputs"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise PipelineError(f"cannot read profile {PROFILE_NAME!r} from {profiles_path}: {exc}") from None
    if target not in outputs:
        raise PipelineError(
            f"unknown target {target!r}: {profiles_path} defines {', '.join(sorted(outputs))}"
        )
    kind = str(outputs[target].get("type", ""))
    if kind == "duckdb":
        default = Path(os.environ.get("KPI_PROJECT_DIR", str(project_dir))) / "warehouse" / "kpis.duckdb"
        path = Path(os.environ.get("KPI_DUCKDB_PATH", str(default))).expanduser().resolve()
        return Warehouse(target=target, kind="duckdb", duckdb_path=path)
    if kind == "postgres":
        try:
            port = int(os.environ.get("KPI_PG_PORT", "5432"))
        except ValueError:
            raise PipelineError("KPI_PG_PORT must be an integer") from None
        return Warehouse(
            target=target,
            kind="postgres",
            pg_host=os.environ.get("KPI_PG_HOST", "127.0.0.1"),
            pg_port=port,
            pg_user=os.environ.get("KPI_PG_USER", "postgres"),
            pg_password=os.environ.get("KPI_PG_PASSWORD", ""),
            pg_database=os.environ.get("KPI_PG_DATABASE", "kpis"),
        )
    if kind == "spark":
        return _spark(project_dir, target, outputs[target])
    raise PipelineError(f"target {target!r} has type {kind!r}; kpi-pipeline supports duckdb, postgres and spark")


# the steps of `kpi-pipeline run` that read or write the warehouse themselves, not through dbt
SPARK_SESSION_STEPS = ("the load of --data-dir", "the demo's ownership check", "the quarantine gate",
                       "the data-quality checks and reconciliation", "the report", "the run history")


def _spark(project_dir: Path, target: str, output: dict[str, Any]) -> Warehouse:
    """The spark target: method session only (the job's own steps need a SparkSession in its process)."""
    method = os.environ.get("KPI_SPARK_METHOD") or "session"
    raw_method = str(output.get("method", ""))
    if "{{" not in raw_method and raw_method:  # a profile with the method written out
        method = raw_method
    if method != "session":
        raise PipelineError(
            f"target {target!r} uses Spark method {method!r}: kpi-pipeline runs only with method session "
            f"(KPI_SPARK_METHOD=session: Spark in the pipeline's own process), because "
            f"{', '.join(SPARK_SESSION_STEPS)} run their SQL on a SparkSession of that process; with a "
            f"Thrift server or Databricks run dbt itself (dbt build --target {target})"
        )
    base = Path(os.environ.get("KPI_PROJECT_DIR", str(project_dir)))
    return Warehouse(target=target, kind="spark", spark_settings=spark.SparkSettings.from_env(base))
