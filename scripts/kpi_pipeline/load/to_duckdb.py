"""Load one raw file into DuckDB (read_csv/read_parquet), atomically."""

from __future__ import annotations

from typing import Any

from kpi_pipeline.errors import PipelineError
from kpi_pipeline.load.files import RAW_SCHEMA, RawFile
from kpi_pipeline.load.header import MAX_FIELD_BYTES, file_columns
from kpi_pipeline.load.sql import _disk_hint, _first_line, _positional_select, _sql_literal
from kpi_pipeline.raw_schema import load_mark, set_comment
from kpi_pipeline.warehouse import quote_ident, relation


def _load_duckdb(conn: Any, raw: RawFile, schema: str = RAW_SCHEMA,
                 positions: dict[str, int | None] | None = None, header: list[str] | None = None) -> int:
    path = _sql_literal(str(raw.path))
    positions = positions if positions is not None else {c: i for i, c in enumerate(raw.table.column_names)}
    if raw.format == "parquet":
        names = header or file_columns(raw)
        reader = f"read_parquet({path})"
        select = _positional_select(raw.table, positions, "varchar", lambda i: quote_ident(names[i]))
    else:
        width = len(header or file_columns(raw))
        # the file's columns by position (c0, c1, ...): a header's own names never decide which column is
        # read (DuckDB compares names case-insensitively: `Amount` would shadow `amount`)
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        reader = (
            f"read_csv({path}, header = true, auto_detect = false, columns = {{{columns}}}, "
            f"delim = ',', quote = '\"', escape = '\"', max_line_size = {MAX_FIELD_BYTES})"
        )
        select = _positional_select(raw.table, positions, "varchar", lambda i: f"c{i}")
    target = relation(schema, raw.table.name)
    load_name = f"__kpi_load_{raw.table.name}"
    conn.execute("begin transaction")
    try:
        conn.execute(f"create schema if not exists {quote_ident(schema)}")
        conn.execute(f"drop table if exists {relation(schema, load_name)}")
        conn.execute(f"create table {relation(schema, load_name)} as select {select} from {reader}")
        conn.execute(f"drop table if exists {target}")
        conn.execute(f"alter table {relation(schema, load_name)} rename to {quote_ident(raw.table.name)}")
        rows = int(conn.execute(f"select count(*) from {target}").fetchone()[0])
        set_comment(conn, schema, raw.table.name, load_mark(raw.path.name, rows))
        conn.execute("commit")
    except Exception as exc:
        try:
            conn.execute("rollback")
        except Exception:  # the failure may have ended the transaction (disk full): report the cause
            pass
        raise PipelineError(
            f"loading {raw.path} into {schema}.{raw.table.name} failed: {_first_line(exc)}"
            + _disk_hint(exc, raw)
        ) from exc
    return rows
