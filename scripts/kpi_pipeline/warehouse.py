"""The warehouse behind a dbt target: which one it is and a DB-API connection to it.

Connection settings come from the same environment variables `profiles.yml`
reads (KPI_DUCKDB_PATH, KPI_PG_*), so the orchestrator and dbt always talk to
the same database. Only DuckDB and PostgreSQL targets are supported.
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

from kpi_pipeline.errors import PipelineError

PROFILE_NAME = "sales_marketing_kpis"


@dataclass(frozen=True)
class Warehouse:
    target: str
    kind: str  # "duckdb" or "postgres"
    duckdb_path: Path | None = None
    pg_host: str = ""
    pg_port: int = 5432
    pg_user: str = ""
    pg_password: str = ""
    pg_database: str = ""

    @property
    def description(self) -> str:
        if self.kind == "duckdb":
            return f"duckdb file {self.duckdb_path}"
        return f"postgres {self.pg_user}@{self.pg_host}:{self.pg_port}/{self.pg_database}"

    @property
    def lock_key(self) -> str:
        """A file-name-safe key of the database this target writes to."""
        if self.kind == "duckdb":
            return f"duckdb-{self.duckdb_path.stem}"  # type: ignore[union-attr]
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
        another).
        """
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
    cur = conn.cursor()
    cur.execute(
        "select count(*) from information_schema.tables where table_schema = %s and table_name = %s"
        if _is_pg(conn)
        else "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        (schema, name),
    )
    return bool(cur.fetchone()[0])


def table_columns(conn: Any, schema: str, name: str) -> list[str]:
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
    raise PipelineError(f"target {target!r} has type {kind!r}; kpi-pipeline supports duckdb and postgres")
