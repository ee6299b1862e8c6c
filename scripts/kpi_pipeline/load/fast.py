"""The fast file checks: records counted by the csv module, per-column questions as DuckDB queries."""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Callable, Iterator
from typing import Any

from kpi_pipeline.load.files import RawFile
from kpi_pipeline.load.header import MAX_FIELD_BYTES, _PATTERNS, parses_as
from kpi_pipeline.load.rows import _is_text, _open_text, _parquet_values
from kpi_pipeline.load.sql import _sql_literal
from kpi_pipeline.warehouse import quote_ident


# what Python's str.strip() strips: the SQL checks trim values with exactly these characters
WHITESPACE = "".join(chr(i) for i in range(0x3001) if chr(i).isspace())
# DuckDB's memory for the SQL checks of one file (its aggregates stream; env KPI_LOAD_MEMORY_LIMIT)
MEMORY_LIMIT_ENV = "KPI_LOAD_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"


def _fast_rows(raw: RawFile, width: int) -> int | None:
    """The data rows of a file whose records all have `width` fields; None when a record has another
    number of fields or the CSV does not parse (the exact reading says where)."""
    if raw.format == "parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(raw.path).metadata.num_rows)
    from collections import Counter

    with _open_text(raw) as handle:
        reader = csv.reader(handle, strict=True)
        for fields in reader:  # the header: the first non-blank record
            if fields:
                break
        try:
            counts = Counter(map(len, reader))  # no Python loop per line
        except csv.Error:
            return None
    counts.pop(0, None)  # blank lines
    if any(n != width for n in counts):
        return None
    return counts.get(width, 0)


def _sql_patterns() -> dict[str, str]:
    """_PATTERNS for DuckDB's regexp_full_match, with ASCII digits: a value these match matches
    _PATTERNS too (each candidate is checked with parses_as all the same)."""
    return {kind: pattern.pattern.replace(r"\d", "[0-9]") for kind, pattern in _PATTERNS.items()}


def _duckdb_reader(raw: RawFile, width: int, names: list[str]) -> tuple[str, Callable[[int], str]]:
    """The DuckDB table function that reads the file as the loader does, and the column at an index."""
    path = _sql_literal(str(raw.path))
    if raw.format == "parquet":
        return f"read_parquet({path})", lambda i: quote_ident(names[i])
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    reader = (
        f"read_csv({path}, header = true, auto_detect = false, columns = {{{columns}}}, "
        f"delim = ',', quote = '\"', escape = '\"', max_line_size = {MAX_FIELD_BYTES})"
    )
    return reader, lambda i: f"c{i}"


@contextlib.contextmanager
def _check_connection() -> Iterator[Any]:
    """The in-memory DuckDB connection of the SQL checks (one per process, reused: a connection costs
    more than a check of a small file), memory bounded by KPI_LOAD_MEMORY_LIMIT."""
    import duckdb

    global _CHECK_DB
    if _CHECK_DB is None:
        _CHECK_DB = duckdb.connect(config={"memory_limit": os.environ.get(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_LIMIT)})
    cursor = _CHECK_DB.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


_CHECK_DB: Any = None


def _fast_values_clean(raw: RawFile, header: list[str], positions: dict[str, int | None]) -> bool:
    """Whether DuckDB shows that every typed column with a value has a value that parses and no required
    column is empty on every line (False: a problem may be there; the exact reading decides). Each
    question is a query that stops at the first row that answers it, so a clean file is not read whole."""
    present = [c for c in raw.table.columns if positions.get(c.name) is not None]
    text_columns: set[int] = set(range(len(header)))
    if raw.format == "parquet":
        import pyarrow.parquet as pq

        schema = pq.ParquetFile(raw.path).schema_arrow
        text_columns = {i for i in range(len(header)) if _is_text(schema.field(i).type)}
    reader, column_at = _duckdb_reader(raw, len(header), header)
    not_blank = "[^" + "".join(f"\\x{{{ord(ch):x}}}" for ch in WHITESPACE) + "]"
    patterns = _sql_patterns()
    with _check_connection() as conn:

        def first_values(source: str, condition: str, n: int = 1) -> list[Any]:
            return [r[0] for r in conn.execute(
                f"select {source} from {reader} where {condition} limit {n}").fetchall()]

        for column in present:
            index = positions[column.name]
            assert index is not None
            source = column_at(index)
            if index in text_columns:
                filled = f"regexp_matches({source}, '{not_blank}')"
            else:  # a non-null value of another type is never blank as text
                filled = f"{source} is not null"
            if column.type in _PATTERNS:
                if index in text_columns:
                    # a value that parses, with any whitespace around it (Python strips it)
                    ws = not_blank[2:-1]
                    pattern = f"[{ws}]*(" + patterns[column.type] + f")[{ws}]*"
                    candidates = first_values(source, f"regexp_full_match({source}, {_sql_literal(pattern)})", 10)
                    if any(parses_as(str(v).strip(), column.type) for v in candidates):
                        continue  # filled, and a value parses
                elif _some_value_parses(raw, index, column.type):
                    continue
                if first_values("1", filled):
                    return False  # filled, and perhaps no value parses
                if column.required:
                    return False  # required and perhaps empty on every line
            elif column.required and not first_values("1", filled):
                return False  # required and perhaps empty on every line
    return True


def _some_value_parses(raw: RawFile, index: int, logical_type: str, tries: int = 1000) -> bool:
    """Whether one of the first `tries` non-blank values of a Parquet column, as text, parses."""
    seen = 0
    for (values,) in _parquet_values(raw.path, [index]):
        for value in values:
            text = (value or "").strip()
            if not text:
                continue
            if parses_as(text, logical_type):
                return True
            seen += 1
            if seen >= tries:
                return False
    return False
