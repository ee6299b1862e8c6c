"""Bulk-load a directory of raw files into the source tables of the dbt sources.

Files are named `<raw table>.csv` or `<raw table>.parquet` after the tables of
the raw data contract (`contract.TABLES`). Every column is loaded as text into
the source schema (var raw_schema / env KPI_RAW_SCHEMA, default `raw`; see
raw_schema.py), table = contract name, and the table is marked as loaded by
kpi-pipeline (a table comment naming the file), so the demo never replaces it.
Loading is native and bulk (DuckDB `read_csv`/`read_parquet`, PostgreSQL
`COPY`) and atomic per table: the data goes into a load table first and is
swapped in inside one transaction, so a killed run never leaves half a table.

`check_file` runs the file-level contract checks before anything is loaded
(`validate_file` returns just its problems). A problem stops the run with exit
2 before dbt runs, naming the file, the column and example lines:
  - the file must be UTF-8 (a UTF-8 byte-order mark is fine); otherwise the
    byte offset and line of the first bad byte are named;
  - it must have a header line: an empty file is an error, a header-only file
    is a valid empty table (0 rows, with a warning);
  - every contract column must be in the header, once; extra columns are
    ignored with a warning (they are not loaded);
  - every data line must have as many fields as the header;
  - a typed column (date, timestamp, decimal, integer, boolean) in which no
    value parses, or a required column that is empty on every line, is a
    whole-file problem (a different export format), not a row problem.
Everything finer is a row-level rule: the row is loaded and the quarantine
layer (docs/quarantine.md) keeps it out of staging with the rule it broke.
After loading, the table's row count must equal the file's data lines.

The checks stream in bounded memory (issue 18): a CSV file's bytes are scanned
in chunks (CHUNK_BYTES) for emptiness, UTF-8 and NUL bytes; its records are
counted by Python's csv module (the project's CSV dialect, strict) without a
Python loop per line; the per-column questions (does a typed column have a
value that parses, does a required column have a value) are DuckDB queries
over the file that stop at the first row that answers them, each answer
re-checked with the Python patterns (`parses_as`). A Parquet file's row count
comes from its footer. Whatever the fast checks find or merely suspect (a
record with another number of fields, a CSV error, no parsing value found, no
value found), `exact_check` reads the file again row by row, streamed, and
words every problem with its lines: the fast path only vouches for a clean
file, so the messages are those of the line-by-line reading
(tests/python/test_loader_checks.py pins the two to each other).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi_pipeline.contract import TABLES, Table
from kpi_pipeline.demo_files import seed_path
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.raw_schema import load_mark, set_comment
from kpi_pipeline.warehouse import Warehouse, quote_ident, relation

RAW_SCHEMA = "raw"  # the default source schema
SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class RawFile:
    table: Table
    path: Path
    default_note: str | None = None  # set when the file is the project's default, not the data dir's
    absent_from: Path | None = None  # the data directory that has no file for the table (a default is loaded)

    @property
    def format(self) -> str:
        return self.path.suffix.lstrip(".").lower()


@dataclass(frozen=True)
class LoadedTable:
    name: str
    path: Path
    rows: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileCheck:
    """The outcome of the file-level checks of one raw file."""

    problems: list[str] = field(default_factory=list)  # stop the run (exit 2)
    warnings: list[str] = field(default_factory=list)  # reported, the file is loaded
    data_rows: int | None = None  # data lines (CSV) or rows (Parquet) in the file
    positions: dict[str, int | None] = field(default_factory=dict)  # contract column -> header index
    header: list[str] = field(default_factory=list)


PROJECT_DIR = Path(__file__).resolve().parents[2]
# Reference tables are project configuration rather than exports: when the data
# directory has no file for one, the project's default is loaded (with a
# warning): the channel taxonomy and utm map the project ships in seeds/, and
# no KPI targets (the demo targets would be meaningless for other data).
REFERENCE_DEFAULTS: dict[str, tuple[Path, str]] = {
    "ref_channels": (seed_path("ref_channels"), "the project's default channels (seeds/reference/)"),
    "ref_utm_channel_map": (seed_path("ref_utm_channel_map"), "the project's default utm map (seeds/reference/)"),
    "ref_kpi_targets": (Path(__file__).resolve().parent / "defaults" / "ref_kpi_targets.csv",
                        "no targets (an empty table: the scorecard shows values without targets)"),
}


def discover(data_dir: Path, tables: tuple[Table, ...] = TABLES) -> list[RawFile]:
    """One file per contract table; PipelineError if the directory or a file is missing.

    A missing reference table (REFERENCE_DEFAULTS) is not an error: its default
    file is used and the load says so. A source system with no file at all (no
    billing export, no ad platform) is loaded as empty tables with a warning, so
    a data set with only CRM data, or only ad data, builds what it can; a source
    system with some of its files is an error naming the missing ones (a
    partial export is a mistake, not a data set). A file whose name is not a
    contract table is reported with the nearest table name."""
    if not data_dir.is_dir():
        raise PipelineError(f"data directory {data_dir} does not exist (or is not a directory)")
    found: list[RawFile] = []
    missing: list[str] = []
    present_by_table: dict[str, list[Path]] = {}
    for table in tables:
        candidates = [data_dir / f"{table.name}{suffix}" for suffix in SUFFIXES]
        present_by_table[table.name] = [p for p in candidates if p.is_file()]
    systems_present = {t.source for t in tables if present_by_table[t.name] and t.name not in REFERENCE_DEFAULTS}
    if not systems_present:
        raise PipelineError(
            f"data directory {data_dir} has no file of the raw data contract (e.g. crm_leads.csv, "
            "ads_spend_daily.parquet); see docs/raw_data_contract.md"
        )
    for table in tables:
        present = present_by_table[table.name]
        if not present and table.name in REFERENCE_DEFAULTS:
            default, what = REFERENCE_DEFAULTS[table.name]
            note = f"{data_dir} has no {table.name}.csv|.parquet: loading {what}"
            found.append(RawFile(table, default, default_note=note, absent_from=data_dir))
            continue
        if not present and table.source not in systems_present:
            note = (f"{data_dir} has no {table.source} export: {table.name} is loaded empty, and the KPIs that "
                    f"need it are empty or zero")
            found.append(RawFile(table, empty_table_file(table), default_note=note, absent_from=data_dir))
            continue
        if not present:
            missing.append(f"{table.name}.csv|.parquet")
        elif len(present) > 1:
            raise PipelineError(f"{data_dir} has both {present[0].name} and {present[1].name}; keep one")
        else:
            found.append(RawFile(table, present[0].resolve()))
    if missing:
        raise PipelineError(
            f"data directory {data_dir} is missing required file(s): {', '.join(missing)} (it has other files "
            "of the same source system, so the export looks incomplete)"
        )
    return found


def unknown_files(data_dir: Path, tables: tuple[Table, ...] = TABLES) -> list[str]:
    """Warnings for the files of data_dir that are not a contract table (with the nearest table name)."""
    import difflib

    names = [t.name for t in tables]
    notes = []
    for path in sorted(data_dir.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.suffix.lower() not in SUFFIXES:
            continue
        if path.stem in names:
            continue
        near = difflib.get_close_matches(path.stem, names, n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]}{path.suffix}?" if near else ""
        notes.append(f"{path.name} is not a table of the raw data contract and is ignored{hint}")
    return notes


def empty_table_file(table: Table) -> Path:
    """A header-only CSV of the table (in a directory of this process), for a source system with no export."""
    import tempfile

    folder = Path(tempfile.gettempdir()) / f"kpi-pipeline-empty-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table.name}.csv"
    path.write_text(",".join(table.column_names) + "\n", encoding="utf-8")
    return path


# The longest field a CSV line may hold (a long description or a JSON blob); a longer one is a file
# problem naming its line (CSV and DuckDB's reader alike).
MAX_FIELD_BYTES = 16 * 1024 * 1024
csv.field_size_limit(MAX_FIELD_BYTES)


def header_key(name: str) -> str:
    """A header name compared with the contract's: lower-cased, trimmed, spaces and underscores as one
    underscore, invisible characters dropped ('Lead ID' and 'lead_id' are the same column)."""
    cleaned = "".join(ch for ch in name if ch not in INVISIBLE).replace("\u00a0", " ")
    return re.sub(r"[\s_]+", "_", cleaned.strip().lower())


INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


@dataclass(frozen=True)
class HeaderMap:
    """Where each contract column is in a file's header (None: absent, allowed for absent_ok columns)."""

    positions: dict[str, int | None]
    problems: list[str]
    warnings: list[str]


def map_header(name: str, header: list[str], table: Table) -> HeaderMap:
    """Match a header with the contract's columns: exactly, else by header_key when that is unambiguous.
    Two headers that both match one column (`Amount` and `amount`) are a file problem naming both."""
    positions: dict[str, int | None] = {}
    problems: list[str] = []
    warnings: list[str] = []
    used: set[int] = set()
    for column in table.columns:
        exact = [i for i, h in enumerate(header) if h == column.name]
        similar = [i for i, h in enumerate(header) if h != column.name and header_key(h) == column.name]
        matches = sorted(exact + similar)  # in header order, for the message
        if len(matches) > 1:
            shown = " and ".join(repr(header[i]) for i in matches)
            problems.append(
                f"{name} has columns {shown}, which differ only in case or spacing: both would be "
                f"{table.name}.{column.name}; keep one (the project does not guess which)"
            )
            continue
        if not matches:
            positions[column.name] = None
            continue
        index = matches[0]
        positions[column.name] = index
        used.add(index)
        if header[index] != column.name:
            warnings.append(f"{name}: column {header[index]!r} is read as {column.name}")
    missing = [c.name for c in table.columns if positions.get(c.name, 0) is None and not c.absent_ok]
    if missing:
        hint = ""
        if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
            hint = " (the header has one column: is the file separated by something other than commas?)"
        problems.append(f"{name} lacks column(s) {', '.join(missing)} required by the raw data contract{hint}")
    absent = [c.name for c in table.columns if positions.get(c.name, 0) is None and c.absent_ok]
    if absent and not missing:
        warnings.append(f"{name} has no column(s) {', '.join(absent)}: read as empty (optional in the contract)")
    extra = [h for i, h in enumerate(header) if i not in used and not any(
        header_key(h) == c.name for c in table.columns)]
    if extra:
        warnings.append(
            f"{name} has column(s) {', '.join(extra)} that are not in the raw data contract; they are ignored"
        )
    return HeaderMap({k: v for k, v in positions.items()}, problems, warnings)


def file_columns(raw: RawFile) -> list[str]:
    """The column names in the file's header (CSV) or schema (Parquet)."""
    if raw.format == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(raw.path).names)
    with raw.path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), [])
    return [name.strip() for name in header]


# What each logical type must look like (mirrors macros/staging/casts.sql closely
# enough to tell "no value parses" from "some values do not").
_PATTERNS = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "timestamp": re.compile(
        r"\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?( ?([Zz]|[+-]\d{2}(:?\d{2})?)| +[A-Za-z][A-Za-z0-9_+/-]*)?)?"
    ),
    "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    "integer": re.compile(r"[+-]?\d+"),
    "boolean": re.compile(r"(?i)true|false|t|f|yes|no|y|n|1|0"),
}
_PATTERNS["date_or_timestamp"] = _PATTERNS["timestamp"]
_TYPE_WORDS = {
    "date": "a date YYYY-MM-DD",
    "timestamp": "an ISO 8601 timestamp",
    "date_or_timestamp": "a date or an ISO 8601 timestamp",
    "decimal": "a decimal number",
    "integer": "a whole number",
    "boolean": "a boolean true/false",
}
MAX_EXAMPLES = 3


def parses_as(value: str, logical_type: str) -> bool:
    """Whether a non-empty raw value looks like its contract type."""
    pattern = _PATTERNS.get(logical_type)
    if pattern is None:
        return True
    if not pattern.fullmatch(value):
        return False
    if logical_type == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
    return True


CHUNK_BYTES = 8 * 1024 * 1024  # what the streamed byte scans read at a time
BOM = b"\xef\xbb\xbf"
# what Python's str.strip() strips: the SQL checks trim values with exactly these characters
WHITESPACE = "".join(chr(i) for i in range(0x3001) if chr(i).isspace())
# DuckDB's memory for the SQL checks of one file (its aggregates stream; env KPI_LOAD_MEMORY_LIMIT)
MEMORY_LIMIT_ENV = "KPI_LOAD_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"
PARQUET_BATCH_ROWS = 65_536  # rows per batch when Python reads a Parquet file's values


@dataclass(frozen=True)
class ByteScan:
    """What one streamed pass over a CSV file's bytes found."""

    blank: bool  # nothing but ASCII whitespace
    bom: bool
    bad_utf8: tuple[int, int] | None  # (byte offset, byte) of the first byte that is not UTF-8
    nul_count: int
    first_nul: int | None


def _scan_bytes(path: Path) -> ByteScan:
    """Empty or blank, UTF-8, NUL bytes: one pass in chunks of CHUNK_BYTES (an ASCII chunk is not decoded)."""
    size = 0
    content = False
    bad: tuple[int, int] | None = None
    nul_count = 0
    first_nul: int | None = None
    carry = b""  # the start of a character split between two chunks
    with path.open("rb") as handle:
        bom = handle.read(len(BOM)) == BOM
        handle.seek(0)
        while chunk := handle.read(CHUNK_BYTES):
            if not content:
                content = bool(chunk.strip())
            count = chunk.count(b"\x00")
            if count:
                if first_nul is None:
                    first_nul = size + chunk.find(b"\x00")
                nul_count += count
            if bad is None and (carry or not chunk.isascii()):
                data = carry + chunk
                try:
                    _, consumed = codecs.utf_8_decode(data, "strict", False)
                    carry = data[consumed:]
                except UnicodeDecodeError as exc:
                    bad = (size - len(carry) + exc.start, data[exc.start])
                    carry = b""
            size += len(chunk)
    if bad is None and carry:  # the file ends inside a character
        bad = (size - len(carry), carry[0])
    return ByteScan(not content, bom, bad, nul_count, first_nul)


def _line_of(path: Path, offset: int) -> tuple[int, int]:
    """(line, byte offset the line starts at) of a byte offset, counting line feeds in one streamed pass."""
    line, position, line_start = 1, 0, 0
    with path.open("rb") as handle:
        while position < offset and (chunk := handle.read(min(CHUNK_BYTES, offset - position))):
            line += chunk.count(b"\n")
            last = chunk.rfind(b"\n")
            if last >= 0:
                line_start = position + last + 1
            position += len(chunk)
    return line, line_start


def _characters(path: Path, start: int, end: int) -> int:
    """How many UTF-8 characters the bytes [start, end) of the file hold (streamed)."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    count = 0
    with path.open("rb") as handle:
        handle.seek(start)
        left = end - start
        while left > 0 and (chunk := handle.read(min(CHUNK_BYTES, left))):
            count += len(decoder.decode(chunk))
            left -= len(chunk)
    return count + len(decoder.decode(b"", True))


def _byte_problems(raw: RawFile) -> list[str]:
    """The problems of a CSV file's bytes, streamed: empty, not UTF-8, NUL bytes (in that order; the first
    wins), with the messages (byte offset, line, character) of reading the whole file."""
    name = raw.path.name
    scan = _scan_bytes(raw.path)
    if scan.blank:
        return [
            f"{name} is empty: it has no header line (a file with just the header line "
            "is a valid empty table)"
        ]
    if scan.bad_utf8 is not None:
        offset, byte = scan.bad_utf8
        line, _ = _line_of(raw.path, offset)
        return [
            f"{name} is not UTF-8: byte 0x{byte:02x} at byte offset {offset} (line {line}) is not valid "
            "UTF-8; re-export the file as UTF-8"
        ]
    if scan.nul_count:
        assert scan.first_nul is not None
        line, start = _line_of(raw.path, scan.first_nul)
        if start == 0 and scan.bom:
            start = len(BOM)  # the character count starts after the byte-order mark
        column = _characters(raw.path, start, scan.first_nul) + 1
        return [
            f"{name} holds {scan.nul_count} NUL byte(s) (\\x00), the first at line {line}, character {column}: "
            "a text export has none (a UTF-16 file or a binary field?); re-export it as UTF-8 text"
        ]
    return []


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


def _header_problems(name: str, header: list[str], table: Table) -> tuple[list[str], HeaderMap]:
    problems: list[str] = []
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        problems.append(f"{name} has duplicate column(s) {', '.join(duplicated)} in its header")
    mapped = map_header(name, header, table)
    return problems + mapped.problems, mapped


def check_file(raw: RawFile) -> FileCheck:
    """The file-level contract checks of one raw file (see the module docstring).

    Fast and in bounded memory: the bytes are scanned in chunks, the CSV structure (records and their
    field counts) is counted by Python's csv module without a Python loop per line, and the per-column
    checks (no value parses, required column empty) are one DuckDB aggregate over the file. Where the
    fast checks find or suspect a problem, the file is read again line by line (`exact_check`), which
    finds the problems and words them exactly: the fast path only ever vouches for a clean file."""
    name = raw.path.name
    header, problems = _read_header(raw)
    if header is None:
        return FileCheck(problems=problems)
    problems, mapped = _header_problems(name, header, raw.table)
    warnings = list(mapped.warnings)
    if problems:
        return FileCheck(problems=problems, warnings=warnings)
    try:
        data_rows = _fast_rows(raw, len(header))
        clean = data_rows is not None and (data_rows == 0 or _fast_values_clean(raw, header, mapped.positions))
    except Exception:  # anything the fast path cannot read is for the exact reading to word
        clean = False
    if not clean:
        return exact_check(raw)
    if data_rows == 0 and not raw.default_note:
        warnings.append(f"{name} has a header but no data rows: {raw.table.name} is loaded empty")
    return FileCheck(problems=[], warnings=warnings, data_rows=data_rows, positions=mapped.positions,
                     header=header)


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


def exact_check(raw: RawFile) -> FileCheck:
    """The file-level checks line by line in Python (streamed): every problem, worded with its lines."""
    name = raw.path.name
    handle = None
    try:
        if raw.format == "parquet":
            header, rows = _table_rows(raw)
            where = "row"
        else:
            problems = _byte_problems(raw)
            if problems:
                return FileCheck(problems=problems)
            handle = _open_text(raw)
            lines = _csv_rows(handle)
            first = next(lines, None)
            if first is None:
                return FileCheck(problems=[f"{name} is empty: it has no header line"])
            header, rows = [h.strip() for h in first[1]], lines
            where = "line"
    except CsvProblem as exc:
        return FileCheck(problems=[f"cannot read {name}: {exc}"])
    except (OSError, csv.Error, ValueError) as exc:
        return FileCheck(problems=[f"cannot read {name}: {exc}"])
    except Exception as exc:  # pyarrow raises its own error types
        return FileCheck(problems=[f"cannot read {name}: {exc}"])
    try:
        return _exact_rows(raw, header, rows, where)
    finally:
        if handle is not None:
            handle.close()


def _exact_rows(raw: RawFile, header: list[str], rows: Iterator[tuple[int, list[str]]], where: str) -> FileCheck:
    name = raw.path.name
    problems, mapped = _header_problems(name, header, raw.table)
    warnings = list(mapped.warnings)
    if problems:
        return FileCheck(problems=problems, warnings=warnings)

    positions = {c: i for c, i in mapped.positions.items() if i is not None}
    present = [c for c in raw.table.columns if c.name in positions]
    typed = [c for c in present if c.type in _PATTERNS]
    parsed = {c.name: 0 for c in typed}
    filled = {c.name: 0 for c in present}
    examples: dict[str, list[str]] = {c.name: [] for c in typed}
    ragged: list[str] = []
    n_ragged = 0
    data_rows = 0
    try:
        for label, fields in rows:
            data_rows += 1
            if len(fields) != len(header):
                n_ragged += 1
                if len(ragged) < MAX_EXAMPLES:
                    ragged.append(f"{where} {label} has {len(fields)}")
                continue
            for column in present:
                value = fields[positions[column.name]].strip()
                if not value:
                    continue
                filled[column.name] += 1
                if column.name in parsed:
                    if parses_as(value, column.type):
                        parsed[column.name] += 1
                    elif len(examples[column.name]) < MAX_EXAMPLES:
                        examples[column.name].append(f"{where} {label}: {value[:40]!r}")
    except CsvProblem as exc:
        return FileCheck(problems=[f"cannot read {name}: {exc}"], warnings=warnings)
    except csv.Error as exc:
        return FileCheck(problems=[f"cannot read {name}: {exc}"], warnings=warnings)
    except Exception as exc:  # pyarrow raises its own error types
        return FileCheck(problems=[f"cannot read {name}: {exc}"], warnings=warnings)

    if n_ragged:
        problems.append(
            f"{name}: {n_ragged} {where}(s) do not have the {len(header)} fields of the header: "
            + "; ".join(ragged) + (" ..." if n_ragged > len(ragged) else "")
        )
    for column in typed:
        if filled[column.name] and not parsed[column.name]:
            problems.append(
                f"{name} column {column.name}: none of its {filled[column.name]} values is "
                f"{_TYPE_WORDS[column.type]}, e.g. " + ", ".join(examples[column.name])
            )
    good_rows = data_rows - n_ragged
    for column in present:
        if column.required and good_rows and not filled[column.name]:
            problems.append(f"{name} column {column.name} is required but empty on every {where}")
    if data_rows == 0 and not problems and not raw.default_note:
        warnings.append(f"{name} has a header but no data rows: {raw.table.name} is loaded empty")
    return FileCheck(problems=problems, warnings=warnings, data_rows=data_rows, positions=mapped.positions,
                     header=header)


def validate_file(raw: RawFile) -> list[str]:
    """Problems that stop this file from loading (the contract-check hook)."""
    return check_file(raw).problems


def load_all(
    warehouse: Warehouse,
    files: list[RawFile],
    progress: Callable[[str], None],
    check: Callable[[RawFile], FileCheck] = check_file,
    schema: str = RAW_SCHEMA,
) -> list[LoadedTable]:
    """Check every file first (all problems at once, nothing loaded if any), then load each into `schema`."""
    checks = {raw.path: check(raw) for raw in files}
    for raw in files:
        if raw.default_note:
            checks[raw.path].warnings.insert(0, raw.default_note)
        for warning in checks[raw.path].warnings:
            progress(f"WARN   {warning}")
    problems = [problem for raw in files for problem in checks[raw.path].problems]
    if problems:
        raise PipelineError(
            f"{len(problems)} raw file problem(s), nothing was loaded:\n  - " + "\n  - ".join(problems)
        )
    if warehouse.kind == "duckdb" and warehouse.duckdb_path is not None:
        check_free_space(warehouse.duckdb_path.parent, files)
    loaded: list[LoadedTable] = []
    with warehouse.connect() as conn:
        for index, raw in enumerate(files, start=1):
            positions = checks[raw.path].positions or {c: i for i, c in enumerate(raw.table.column_names)}
            if warehouse.kind == "duckdb":
                rows = _load_duckdb(conn, raw, schema, positions, checks[raw.path].header)
            else:
                rows = _load_postgres(conn, raw, schema, positions)
            expected = checks[raw.path].data_rows
            if expected is not None and rows != expected:
                raise PipelineError(
                    f"{raw.path.name} has {expected} data rows but {rows} were loaded into "
                    f"{schema}.{raw.table.name}; check its quoting"
                )
            loaded.append(LoadedTable(raw.table.name, raw.path, rows, tuple(checks[raw.path].warnings)))
            progress(f"[{index}/{len(files)}] OK {loaded_line(raw, schema, rows)}")
    return loaded


def loaded_line(raw: RawFile, schema: str, rows: int) -> str:
    """What the load of one table says: the file it read, or that the data directory has none (and what
    was loaded instead: an empty table of an optional source system, or the project's default)."""
    where = f"{schema}.{raw.table.name}"
    if raw.absent_from is None:
        return f"loaded {where} from {raw.path.name} ({rows} rows)"
    absent = f"no {raw.table.name}.csv|.parquet in {raw.absent_from}"
    if raw.table.name in REFERENCE_DEFAULTS:
        what = REFERENCE_DEFAULTS[raw.table.name][1]
        return f"{where}: {absent}: loaded {what} ({rows} rows)"
    return f"{where}: {absent}: empty table (the {raw.table.source} system is optional)"


def check_free_space(folder: Path, files: list[RawFile]) -> None:
    """Stop (exit 2) before loading when the warehouse's disk cannot take the files: a load needs about
    three times the files' size (the load table, the table, the WAL)."""
    import shutil

    needed = 3 * sum(raw.path.stat().st_size for raw in files if raw.path.is_file())
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise PipelineError(
            f"No space left on device for the load: {folder} has {free / 2**20:,.0f} MiB free, the load needs about "
            f"{needed / 2**20:,.0f} MiB; free space or point KPI_DUCKDB_PATH elsewhere"
        )


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _positional_select(table: Table, positions: dict[str, int | None], text_type: str, name_of) -> str:
    """Every contract column by its place in the file (absent: empty), cast to text."""
    parts = []
    for column in table.columns:
        index = positions.get(column.name)
        source = "null" if index is None else name_of(index)
        parts.append(f"cast({source} as {text_type}) as {quote_ident(column.name)}")
    return ", ".join(parts)


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


def _disk_hint(exc: BaseException, raw: RawFile) -> str:
    text = str(exc)
    if "No space left on device" in text or "disk is full" in text.lower():
        return " (the warehouse's disk is full: free space or point KPI_DUCKDB_PATH / the database elsewhere)"
    return ""


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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
