"""A raw file's rows, streamed: CSV records (Python's csv module) and Parquet batches (pyarrow)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kpi_pipeline.load.byte_scan import _byte_problems
from kpi_pipeline.load.files import RawFile
from kpi_pipeline.load.header import MAX_FIELD_BYTES


PARQUET_BATCH_ROWS = 65_536  # rows per batch when Python reads a Parquet file's values


class CsvProblem(Exception):
    """A CSV syntax problem, with the line it is on."""


def _open_text(raw: RawFile) -> io.TextIOWrapper:
    """The CSV file as text (a UTF-8 byte-order mark dropped), line breaks untouched, read as it goes."""
    return raw.path.open(newline="", encoding="utf-8-sig")


def _csv_rows(text: Any) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every non-blank line of a text or text stream; the header is line 1. A
    field larger than MAX_FIELD_BYTES or a quoted field that is never closed is a CsvProblem naming the
    line it starts on."""
    stream = io.StringIO(text, newline="") if isinstance(text, str) else text
    reader = csv.reader(stream, strict=True)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = str(exc)
            if "field larger than field limit" in message:
                raise CsvProblem(
                    f"line {start}: a field is longer than {MAX_FIELD_BYTES // (1024 * 1024)} MiB, the longest "
                    "a field may be (docs/quarantine.md); is a quote missing?"
                ) from None
            if "unexpected end of data" in message or "EOF" in message:
                raise CsvProblem(
                    f"line {start}: a quoted field starts on this line and is never closed (its \" runs to the "
                    "end of the file)"
                ) from None
            raise CsvProblem(f"line {reader.line_num}: {message}") from None
        if fields:  # a blank line yields []; DuckDB and COPY skip it too
            yield start, fields
        start = reader.line_num + 1


def _is_text(arrow_type: Any) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    return (pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
            or getattr(pa.types, "is_string_view", lambda _t: False)(arrow_type))


def _parquet_values(path: Path, columns: list[int] | None = None) -> Iterator[list[list[str | None]]]:
    """The values of a Parquet file as text (None for null), one batch of columns at a time (all columns,
    or those at the given indexes, in that order)."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    names = parquet.schema_arrow.names
    wanted = None if columns is None else [names[i] for i in columns]
    if wanted is not None and len(set(wanted)) < len(wanted):
        wanted = None  # duplicate names: read every column and pick by position
    for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=wanted, use_threads=False):
        values = [[None if v is None else str(v) for v in col.to_pylist()] for col in batch.columns]
        if wanted is None and columns is not None:
            values = [values[i] for i in columns]
        yield values


def _open_parquet(path: Path) -> Any:
    """The file as a pyarrow ParquetFile; a file that is not Parquet raises the error of reading it as a
    table (the message names the file), without reading any column."""
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except Exception:
        pq.read_table(path, columns=[])  # raises the error that names the file
        raise


def _table_rows(raw: RawFile) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header and (row label, values) of a Parquet file, values as text ('' for null), read in batches."""
    names = list(_open_parquet(raw.path).schema_arrow.names)

    def rows() -> Iterator[tuple[int, list[str]]]:
        index = 0
        for columns in _parquet_values(raw.path):
            for values in zip(*columns):
                index += 1
                yield index, ["" if v is None else v for v in values]

    return names, rows()


def _read_header(raw: RawFile) -> tuple[list[str] | None, list[str]]:
    """The header of a file (None with the problems when it cannot be read)."""
    name = raw.path.name
    try:
        if raw.format == "parquet":
            return list(_open_parquet(raw.path).schema_arrow.names), []
        problems = _byte_problems(raw)
        if problems:
            return None, problems
        with _open_text(raw) as handle:
            first = next(_csv_rows(handle), None)
        if first is None:
            return None, [f"{name} is empty: it has no header line"]
        return [h.strip() for h in first[1]], []
    except CsvProblem as exc:
        return None, [f"cannot read {name}: {exc}"]
    except Exception as exc:  # OSError, csv.Error, ValueError; pyarrow raises its own error types
        return None, [f"cannot read {name}: {exc}"]
