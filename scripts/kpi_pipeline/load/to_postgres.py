"""Load one raw file into PostgreSQL (COPY), atomically."""

from __future__ import annotations

from typing import Any

from kpi_pipeline.errors import PipelineError
from kpi_pipeline.load.files import RAW_SCHEMA, RawFile
from kpi_pipeline.load.header import file_columns
from kpi_pipeline.load.rows import PARQUET_BATCH_ROWS, _open_parquet
from kpi_pipeline.load.sql import _disk_hint, _first_line, _positional_select
from kpi_pipeline.raw_schema import load_mark, set_comment
from kpi_pipeline.warehouse import quote_ident, relation


def _csv_buffer(raw: RawFile) -> tuple[list[str], Any]:
    """The file as a binary stream of CSV with a header, read as COPY goes: a CSV file itself, a Parquet
    file converted batch by batch (all text) into a temporary file, so memory stays bounded."""
    if raw.format == "parquet":
        import tempfile

        import pyarrow as pa
        import pyarrow.csv as pacsv

        parquet = _open_parquet(raw.path)
        names = list(parquet.schema_arrow.names)
        text = pa.schema([(name, pa.string()) for name in names])
        buffer = tempfile.TemporaryFile()
        try:
            with pacsv.CSVWriter(buffer, text) as writer:
                for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                    writer.write_table(pa.Table.from_batches([batch]).cast(text))
        except BaseException:
            buffer.close()
            raise
        buffer.seek(0)
        return names, buffer
    return file_columns(raw), raw.path.open("rb")


def _load_postgres(conn: Any, raw: RawFile, schema: str = RAW_SCHEMA,
                   positions: dict[str, int | None] | None = None) -> int:
    import psycopg2

    columns, buffer = _csv_buffer(raw)
    positions = positions if positions is not None else {c: columns.index(c) for c in raw.table.column_names}
    target = relation(schema, raw.table.name)
    load_name = quote_ident(f"__kpi_load_{raw.table.name}")
    wanted = raw.table.column_names
    # the file's columns by position (c0, c1, ...): the header's own names never decide
    placeholders = [f"c{i}" for i in range(len(columns))]
    select = _positional_select(raw.table, positions, "text", lambda i: placeholders[i])
    try:
        with conn:  # one transaction: commit on success, rollback on error
            cur = conn.cursor()
            cur.execute(f"create schema if not exists {quote_ident(schema)}")
            cur.execute(
                f"create temporary table {load_name} ("
                + ", ".join(f"{c} text" for c in placeholders)
                + ") on commit drop"
            )
            cur.copy_expert(
                f"copy {load_name} ({', '.join(placeholders)}) from stdin with (format csv, header true)",
                buffer,
            )
            cur.execute(
                "select column_name from information_schema.columns "
                "where table_schema = %s and table_name = %s order by ordinal_position",
                (schema, raw.table.name),
            )
            existing = [row[0] for row in cur.fetchall()]
            names = ", ".join(quote_ident(c) for c in wanted)
            if sorted(existing) == sorted(wanted):
                # keep the table (and the staging views built on it): swap its contents
                cur.execute(f"truncate table {target}")
                cur.execute(f"insert into {target} ({names}) select {select} from {load_name}")
            else:
                cur.execute(f"drop table if exists {target} cascade")
                cur.execute(f"create table {target} as select {select} from {load_name}")
            cur.execute(f"select count(*) from {target}")
            rows = int(cur.fetchone()[0])
            set_comment(cur, schema, raw.table.name, load_mark(raw.path.name, rows))
    except psycopg2.Error as exc:
        raise PipelineError(
            f"loading {raw.path} into {schema}.{raw.table.name} failed: {_first_line(exc)}" + _disk_hint(exc, raw)
        ) from exc
    finally:
        buffer.close()
    return rows
