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
"""

from __future__ import annotations

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
            found.append(RawFile(table, default, default_note=note))
            continue
        if not present and table.source not in systems_present:
            note = (f"{data_dir} has no {table.source} export: {table.name} is loaded empty, and the KPIs that "
                    f"need it are empty or zero")
            found.append(RawFile(table, empty_table_file(table), default_note=note))
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


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _decode(raw: RawFile) -> tuple[str | None, list[str]]:
    """The file's text, or the problem that it is empty, not UTF-8 or holds NUL bytes."""
    data = raw.path.read_bytes()
    if not data.strip():
        return None, [
            f"{raw.path.name} is empty: it has no header line (a file with just the header line "
            "is a valid empty table)"
        ]
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3 if bom else 0:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if bom else 0)
        line = data[:offset].count(b"\n") + 1
        bad = data[offset:offset + 1].hex()
        return None, [
            f"{raw.path.name} is not UTF-8: byte 0x{bad} at byte offset {offset} (line {line}) is not valid "
            "UTF-8; re-export the file as UTF-8"
        ]
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _line_and_column(text, nul)
        count = text.count("\x00")
        return None, [
            f"{raw.path.name} holds {count} NUL byte(s) (\\x00), the first at line {line}, character {column}: "
            "a text export has none (a UTF-16 file or a binary field?); re-export it as UTF-8 text"
        ]
    return text, []


class CsvProblem(Exception):
    """A CSV syntax problem, with the line it is on."""


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every non-blank line; the header is line 1. A field larger than
    MAX_FIELD_BYTES or a quoted field that is never closed is a CsvProblem naming the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
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


def _table_rows(raw: RawFile) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header and (row label, values) of a Parquet file, values as text ('' for null)."""
    import pyarrow.parquet as pq

    table = pq.read_table(raw.path)
    names = list(table.column_names)
    columns = [[None if v is None else str(v) for v in col.to_pylist()] for col in table.columns]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for index in range(table.num_rows):
            yield index + 1, ["" if col[index] is None else col[index] for col in columns]

    return names, rows()


def check_file(raw: RawFile) -> FileCheck:
    """The file-level contract checks of one raw file (see the module docstring)."""
    name = raw.path.name
    try:
        if raw.format == "parquet":
            header, rows = _table_rows(raw)
            where = "row"
        else:
            text, problems = _decode(raw)
            if text is None:
                return FileCheck(problems=problems)
            lines = _csv_rows(text)
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

    problems: list[str] = []
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        problems.append(f"{name} has duplicate column(s) {', '.join(duplicated)} in its header")
    mapped = map_header(name, header, raw.table)
    problems += mapped.problems
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
            progress(f"[{index}/{len(files)}] OK loaded {schema}.{raw.table.name} from {raw.path.name} ({rows} rows)")
    return loaded


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
    return rows


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
