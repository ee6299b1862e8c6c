"""Load one raw file into Spark (its CSV or Parquet reader) as a Parquet table, replaced at the end.

The same values as the DuckDB load (to_duckdb.py) of the same file: every column as a string, read by
its position in the file (c0, c1, ...: a header's own names never decide which column is read), RFC 4180
quoting (double quotes, "" for a quote, fields over several lines), nothing trimmed, an empty field (quoted
or not) a null, as DuckDB's read_csv gives it. One difference of Spark's CSV parser is avoided: in a file
whose lines end in CRLF it turns a CRLF inside a quoted value into LF (univocity's normalization of line
endings within quotes); a CSV file with a carriage return anywhere is therefore read through a copy with LF
line ends (Python's csv module, which keeps a quoted value's bytes as they are). Spark has no multi-statement transaction: the rows are
written to a load table first, which then replaces the table (drop + rename), and the table's comment
carries the load mark (raw_schema.py), as on the other engines.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from kpi_pipeline.errors import PipelineError
from kpi_pipeline.load.files import RAW_SCHEMA, RawFile
from kpi_pipeline.load.header import file_columns
from kpi_pipeline.load.sql import _disk_hint, _first_line, _positional_select
from kpi_pipeline.raw_schema import load_mark, set_comment
from kpi_pipeline.warehouse import quote_ident, relation


CHUNK = 1 << 20


def has_carriage_return(path: Path) -> bool:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if b"\r" in chunk:
                return True
    return False


def lf_copy(path: Path, folder: Path) -> Path:
    """A copy of the CSV file with LF line ends between records (quoted values unchanged)."""
    copy = folder / path.name
    with path.open(newline="", encoding="utf-8") as source, copy.open("w", newline="", encoding="utf-8") as target:
        csv.writer(target, lineterminator="\n").writerows(csv.reader(source))
    return copy


def read_raw(spark: Any, raw: RawFile, width: int, folder: Path | None = None) -> Any:
    """The file as a DataFrame of `width` string columns c0, c1, ... (by position). `folder`: where the LF
    copy of a CSV file with carriage returns goes (it must live until the rows are written)."""
    from pyspark.sql.types import StringType, StructField, StructType

    path = str(raw.path.resolve())
    if raw.format == "parquet":
        frame = spark.read.parquet(path)
        return frame.toDF(*[f"c{i}" for i in range(len(frame.columns))])
    if folder is not None and has_carriage_return(raw.path):
        path = str(lf_copy(raw.path, folder))
    schema = StructType([StructField(f"c{i}", StringType()) for i in range(width)])
    return spark.read.csv(
        path, schema=schema, header=True, enforceSchema=True, sep=",", quote='"', escape='"', multiLine=True,
        encoding="UTF-8", mode="FAILFAST", ignoreLeadingWhiteSpace=False, ignoreTrailingWhiteSpace=False,
        nullValue="", maxCharsPerColumn=-1,
    )


def _text_of(column: str, instants: set[str]) -> str:
    """A column as Spark's text, an instant with its UTC offset in the session's time zone."""
    if column in instants:
        return f"concat(cast({column} as string), date_format({column}, 'xxx'))"
    return column


def _load_spark(conn: Any, raw: RawFile, schema: str = RAW_SCHEMA,
                positions: dict[str, int | None] | None = None, header: list[str] | None = None) -> int:
    """Load `raw` into `schema`.<table> on the SparkConnection `conn`; returns the rows loaded."""
    positions = positions if positions is not None else {c: i for i, c in enumerate(raw.table.column_names)}
    width = len(header or file_columns(raw))
    view = f"__kpi_file_{raw.table.name}"
    load_name = f"__kpi_load_{raw.table.name}"
    folder = tempfile.TemporaryDirectory(prefix="kpi-load-")
    try:
        frame = read_raw(conn.spark, raw, width, Path(folder.name))
        # parquet columns are cast to string the way Spark casts them (as DuckDB casts them to varchar), but
        # an instant (a Parquet timestamp adjusted to UTC) keeps its offset: Spark writes it in the session's
        # time zone without one, which the parser would read as UTC (8 hours off in America/Los_Angeles)
        instants = {field.name for field in frame.schema.fields if field.dataType.typeName() == "timestamp"}
        select = _positional_select(raw.table, positions, "string", lambda i: _text_of(f"c{i}", instants))
        frame.createOrReplaceTempView(view)
        conn.execute(f"create database if not exists {quote_ident(schema)}")
        conn.execute(f"drop table if exists {relation(schema, load_name)}")
        conn.execute(f"create table {relation(schema, load_name)} using parquet as select {select} "
                     f"from {quote_ident(view)}")
        conn.execute(f"drop table if exists {relation(schema, raw.table.name)}")
        conn.execute(f"alter table {relation(schema, load_name)} rename to {relation(schema, raw.table.name)}")
        rows = int(conn.execute(f"select count(*) from {relation(schema, raw.table.name)}").fetchone()[0])
        set_comment(conn, schema, raw.table.name, load_mark(raw.path.name, rows))
    except Exception as exc:
        try:
            conn.execute(f"drop table if exists {relation(schema, load_name)}")
        except Exception:  # report the cause, not the clean-up's failure
            pass
        raise PipelineError(
            f"loading {raw.path} into {schema}.{raw.table.name} failed: {_first_line(exc)}" + _disk_hint(exc, raw)
        ) from exc
    finally:
        conn.spark.catalog.dropTempView(view)
        folder.cleanup()
    return rows
