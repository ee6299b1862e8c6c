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
    file is used and the load says so."""
    if not data_dir.is_dir():
        raise PipelineError(f"data directory {data_dir} does not exist (or is not a directory)")
    found: list[RawFile] = []
    missing: list[str] = []
    for table in tables:
        candidates = [data_dir / f"{table.name}{suffix}" for suffix in SUFFIXES]
        present = [p for p in candidates if p.is_file()]
        if not present and table.name in REFERENCE_DEFAULTS:
            default, what = REFERENCE_DEFAULTS[table.name]
            note = f"{data_dir} has no {table.name}.csv|.parquet: loading {what}"
            found.append(RawFile(table, default, default_note=note))
            continue
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


# What each logical type must look like (mirrors macros/staging/casts.sql closely
# enough to tell "no value parses" from "some values do not").
_PATTERNS = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "timestamp": re.compile(
        r"\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?( ?([Zz]|[+-]\d{2}(:?\d{2})?))?)?"
    ),
    "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    "integer": re.compile(r"[+-]?\d+"),
    "boolean": re.compile(r"(?i)true|false|t|f|yes|no|y|n|1|0"),
}
_TYPE_WORDS = {
    "date": "a date YYYY-MM-DD",
    "timestamp": "an ISO 8601 timestamp",
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


def _decode(raw: RawFile) -> tuple[str | None, list[str]]:
    """The file's text, or the problem that it is empty or not UTF-8."""
    data = raw.path.read_bytes()
    if not data.strip():
        return None, [
            f"{raw.path.name} is empty: it has no header line (a file with just the header line "
            "is a valid empty table)"
        ]
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return data[3 if bom else 0:].decode("utf-8"), []
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if bom else 0)
        line = data[:offset].count(b"\n") + 1
        bad = data[offset:offset + 1].hex()
        return None, [
            f"{raw.path.name} is not UTF-8: byte 0x{bad} at byte offset {offset} (line {line}) is not valid "
            "UTF-8; re-export the file as UTF-8"
        ]


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every non-blank line; the header is line 1."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for fields in reader:
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
    except (OSError, csv.Error, ValueError) as exc:
        return FileCheck(problems=[f"cannot read {name}: {exc}"])
    except Exception as exc:  # pyarrow raises its own error types
        return FileCheck(problems=[f"cannot read {name}: {exc}"])

    problems: list[str] = []
    warnings: list[str] = []
    contract_columns = raw.table.column_names
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        problems.append(f"{name} has duplicate column(s) {', '.join(duplicated)} in its header")
    missing = [c for c in contract_columns if c not in header]
    if missing:
        hint = ""
        if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
            hint = " (the header has one column: is the file separated by something other than commas?)"
        problems.append(
            f"{name} lacks column(s) {', '.join(missing)} required by the raw data contract{hint}"
        )
    extra = [h for h in header if h not in contract_columns]
    if extra:
        warnings.append(
            f"{name} has column(s) {', '.join(extra)} that are not in the raw data contract; they are ignored"
        )
    if problems:
        return FileCheck(problems=problems, warnings=warnings)

    positions = {c: header.index(c) for c in contract_columns}
    typed = [c for c in raw.table.columns if c.type in _PATTERNS]
    parsed = {c.name: 0 for c in typed}
    filled = {c.name: 0 for c in raw.table.columns}
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
            for column in raw.table.columns:
                value = fields[positions[column.name]].strip()
                if not value:
                    continue
                filled[column.name] += 1
                if column.name in parsed:
                    if parses_as(value, column.type):
                        parsed[column.name] += 1
                    elif len(examples[column.name]) < MAX_EXAMPLES:
                        examples[column.name].append(f"{where} {label}: {value[:40]!r}")
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
    for column in raw.table.columns:
        if column.required and good_rows and not filled[column.name]:
            problems.append(f"{name} column {column.name} is required but empty on every {where}")
    if data_rows == 0 and not problems:
        warnings.append(f"{name} has a header but no data rows: {raw.table.name} is loaded empty")
    return FileCheck(problems=problems, warnings=warnings, data_rows=data_rows)


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
    loaded: list[LoadedTable] = []
    with warehouse.connect() as conn:
        for index, raw in enumerate(files, start=1):
            if warehouse.kind == "duckdb":
                rows = _load_duckdb(conn, raw, schema)
            else:
                rows = _load_postgres(conn, raw, schema)
            expected = checks[raw.path].data_rows
            if expected is not None and rows != expected:
                raise PipelineError(
                    f"{raw.path.name} has {expected} data rows but {rows} were loaded into "
                    f"{schema}.{raw.table.name}; check its quoting"
                )
            loaded.append(LoadedTable(raw.table.name, raw.path, rows, tuple(checks[raw.path].warnings)))
            progress(f"[{index}/{len(files)}] OK loaded {schema}.{raw.table.name} from {raw.path.name} ({rows} rows)")
    return loaded


def _select_list(table: Table, text_type: str) -> str:
    return ", ".join(f"cast({quote_ident(c)} as {text_type}) as {quote_ident(c)}" for c in table.column_names)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _load_duckdb(conn: Any, raw: RawFile, schema: str = RAW_SCHEMA) -> int:
    path = _sql_literal(str(raw.path))
    reader = (
        f"read_parquet({path})"
        if raw.format == "parquet"
        else (
            f"read_csv({path}, all_varchar = true, header = true, auto_detect = true, "
            "delim = ',', quote = '\"', escape = '\"')"
        )
    )
    target = relation(schema, raw.table.name)
    load_name = f"__kpi_load_{raw.table.name}"
    conn.execute("begin transaction")
    try:
        conn.execute(f"create schema if not exists {quote_ident(schema)}")
        conn.execute(f"drop table if exists {relation(schema, load_name)}")
        conn.execute(
            f"create table {relation(schema, load_name)} as "
            f"select {_select_list(raw.table, 'varchar')} from {reader}"
        )
        conn.execute(f"drop table if exists {target}")
        conn.execute(f"alter table {relation(schema, load_name)} rename to {quote_ident(raw.table.name)}")
        rows = int(conn.execute(f"select count(*) from {target}").fetchone()[0])
        set_comment(conn, schema, raw.table.name, load_mark(raw.path.name, rows))
        conn.execute("commit")
    except Exception as exc:
        conn.execute("rollback")
        raise PipelineError(f"loading {raw.path} into {schema}.{raw.table.name} failed: {_first_line(exc)}") from exc
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


def _load_postgres(conn: Any, raw: RawFile, schema: str = RAW_SCHEMA) -> int:
    import psycopg2

    columns, buffer = _csv_buffer(raw)
    target = relation(schema, raw.table.name)
    load_name = quote_ident(f"__kpi_load_{raw.table.name}")
    wanted = raw.table.column_names
    try:
        with conn:  # one transaction: commit on success, rollback on error
            cur = conn.cursor()
            cur.execute(f"create schema if not exists {quote_ident(schema)}")
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
                (schema, raw.table.name),
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
            set_comment(cur, schema, raw.table.name, load_mark(raw.path.name, rows))
    except psycopg2.Error as exc:
        raise PipelineError(f"loading {raw.path} into {schema}.{raw.table.name} failed: {_first_line(exc)}") from exc
    return rows


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
