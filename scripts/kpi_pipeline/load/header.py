"""A raw file's header against the contract's columns, and what a value of each logical type looks like."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass

from kpi_pipeline.contract import Table
from kpi_pipeline.load.files import RawFile


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


def _header_problems(name: str, header: list[str], table: Table) -> tuple[list[str], HeaderMap]:
    problems: list[str] = []
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        problems.append(f"{name} has duplicate column(s) {', '.join(duplicated)} in its header")
    mapped = map_header(name, header, table)
    return problems + mapped.problems, mapped
