"""Bulk-load a directory of raw files into the raw relations the seeds create.

Files are named `<raw table>.csv` or `<raw table>.parquet` after the tables of
the raw data contract (`contract.TABLES`). Every column is loaded as text,
like the seeds, into schema `raw`, table = seed name. Loading is native and
bulk (DuckDB `read_csv`/`read_parquet`, PostgreSQL `COPY`) and atomic per
table: the data goes into a load table first and is swapped in inside one
transaction, so a killed run never leaves half a table.

`validate_file` is the hook for per-file contract checks: it returns the
problems of one file (an empty list when the file may be loaded).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpi_pipeline.contract import TABLES, Table
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.warehouse import Warehouse, quote_ident, relation

RAW_SCHEMA = "raw"
SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class RawFile:
    table: Table
    path: Path

    @property
    def format(self) -> str:
        return self.path.suffix.lstrip(".").lower()


@dataclass(frozen=True)
class LoadedTable:
    name: str
    path: Path
    rows: int


def discover(data_dir: Path, tables: tuple[Table, ...] = TABLES) -> list[RawFile]:
    """One file per contract table; PipelineError if the directory or a file is missing."""
    if not data_dir.is_dir():
        raise PipelineError(f"data directory {data_dir} does not exist (or is not a directory)")
    found: list[RawFile] = []
    missing: list[str] = []
    for table in tables:
        candidates = [data_dir / f"{table.name}{suffix}" for suffix in SUFFIXES]
        present = [p for p in candidates if p.is_file()]
        if not present:
            missing.append(f"{table.name}.csv|.parquet")
        elif len(present) > 1:
            raise PipelineError(f"{data_dir} has both {present[0].name} and {present[1].name}; keep one")
        else:
            found.append(RawFile(table, present[0].resolve()))
    if missing:
        raise PipelineError(f"data directory {data_dir} is missing required file(s): {', '.join(missing)}")
    return found


def file_columns(raw: RawFile) -> list[str]:
    """The column names in the file's header (CSV) or schema (Parquet)."""
    if raw.format == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(raw.path).names)
    with raw.path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), [])
    return [name.strip() for name in header]


def validate_file(raw: RawFile) -> list[str]:
    """Problems that stop this file from loading (the contract-check hook)."""
    try:
        columns = file_columns(raw)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError) as exc:
        return [f"cannot read {raw.path.name}: {exc}"]
    except Exception as exc:  # pyarrow raises its own error types
        return [f"cannot read {raw.path.name}: {exc}"]
    missing = [c for c in raw.table.column_names if c not in columns]
    if missing:
        return [f"{raw.path.name} lacks column(s) {', '.join(missing)} required by the raw data contract"]
    return []


def load_all(
    warehouse: Warehouse,
    files: list[RawFile],
    progress: Callable[[str], None],
    validate: Callable[[RawFile], list[str]] = validate_file,
) -> list[LoadedTable]:
    problems = [problem for raw in files for problem in validate(raw)]
    if problems:
        raise PipelineError("raw files do not follow the contract: " + "; ".join(problems))
    loaded: list[LoadedTable] = []
    with warehouse.connect() as conn:
        for index, raw in enumerate(files, start=1):
            if warehouse.kind == "duckdb":
                rows = _load_duckdb(conn, raw)
            else:
                rows = _load_postgres(conn, raw)
            loaded.append(LoadedTable(raw.table.name, raw.path, rows))
            progress(f"[{index}/{len(files)}] OK loaded {RAW_SCHEMA}.{raw.table.name} from {raw.path.name} ({rows} rows)")
    return loaded


def _select_list(table: Table, text_type: str) -> str:
    return ", ".join(f"cast({quote_ident(c)} as {text_type}) as {quote_ident(c)}" for c in table.column_names)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _load_duckdb(conn: Any, raw: RawFile) -> int:
    path = _sql_literal(str(raw.path))
    reader = (
        f"read_parquet({path})"
        if raw.format == "parquet"
        else f"read_csv({path}, all_varchar = true, header = true, auto_detect = true)"
    )
    target = relation(RAW_SCHEMA, raw.table.name)
    load_name = f"__kpi_load_{raw.table.name}"
    conn.execute("begin transaction")
    try:
        conn.execute(f"create schema if not exists {quote_ident(RAW_SCHEMA)}")
        conn.execute(f"drop table if exists {relation(RAW_SCHEMA, load_name)}")
        conn.execute(
            f"create table {relation(RAW_SCHEMA, load_name)} as "
            f"select {_select_list(raw.table, 'varchar')} from {reader}"
        )
        conn.execute(f"drop table if exists {target}")
        conn.execute(f"alter table {relation(RAW_SCHEMA, load_name)} rename to {quote_ident(raw.table.name)}")
        rows = int(conn.execute(f"select count(*) from {target}").fetchone()[0])
        conn.execute("commit")
    except Exception as exc:
        conn.execute("rollback")
        raise PipelineError(f"loading {raw.path} into {RAW_SCHEMA}.{raw.table.name} failed: {_first_line(exc)}") from exc
    return rows


def _csv_buffer(raw: RawFile) -> tuple[list[str], io.BytesIO]:
    """The file as CSV bytes with a header (Parquet is converted in memory, all text)."""
    if raw.format == "parquet":
        import pyarrow as pa
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        table = pq.read_table(raw.path)
        table = table.cast(pa.schema([(name, pa.string()) for name in table.column_names]))
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer)
        buffer.seek(0)
        return list(table.column_names), buffer
    return file_columns(raw), io.BytesIO(raw.path.read_bytes())


def _load_postgres(conn: Any, raw: RawFile) -> int:
    import psycopg2

    columns, buffer = _csv_buffer(raw)
    target = relation(RAW_SCHEMA, raw.table.name)
    load_name = quote_ident(f"__kpi_load_{raw.table.name}")
    wanted = raw.table.column_names
    try:
        with conn:  # one transaction: commit on success, rollback on error
            cur = conn.cursor()
            cur.execute(f"create schema if not exists {quote_ident(RAW_SCHEMA)}")
            cur.execute(
                f"create temporary table {load_name} ("
                + ", ".join(f"{quote_ident(c)} text" for c in columns)
                + ") on commit drop"
            )
            cur.copy_expert(
                f"copy {load_name} ({', '.join(quote_ident(c) for c in columns)}) "
                "from stdin with (format csv, header true)",
                buffer,
            )
            cur.execute(
                "select column_name from information_schema.columns "
                "where table_schema = %s and table_name = %s order by ordinal_position",
                (RAW_SCHEMA, raw.table.name),
            )
            existing = [row[0] for row in cur.fetchall()]
            select = ", ".join(quote_ident(c) for c in wanted)
            if sorted(existing) == sorted(wanted):
                # keep the table (and the staging views built on it): swap its contents
                cur.execute(f"truncate table {target}")
                cur.execute(f"insert into {target} ({select}) select {select} from {load_name}")
            else:
                cur.execute(f"drop table if exists {target} cascade")
                cur.execute(f"create table {target} as select {select} from {load_name}")
            cur.execute(f"select count(*) from {target}")
            rows = int(cur.fetchone()[0])
    except psycopg2.Error as exc:
        raise PipelineError(f"loading {raw.path} into {RAW_SCHEMA}.{raw.table.name} failed: {_first_line(exc)}") from exc
    return rows


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
