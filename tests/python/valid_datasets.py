"""Valid data sets derived from the demo data by the raw data contract alone (issue 23, "the class").

Everything here is driven by scripts/kpi_pipeline/contract.py (which columns are optional, may be
absent, have a default, are required with / without / when another column) and by the loader's rules
for whole files (kpi_pipeline.load: which tables have a project default, which systems may have no
export at all): no column or table name of the data is written here. Each function edits a flat data
directory (kpi_pipeline.demo_files.copy_demo_data) in place and returns what it left out, so the tests
can say it and check it:

- `without_optional_columns(dir)`: every column the contract lets a file lack (absent_ok) is dropped
  from every file;
- `with_optional_columns_empty(dir)`: every optional column (required=False) is emptied on every row,
  except where another rule of the contract needs its value in that row: required_without (one of the
  pair keeps its value), required_when (e.g. a close date on a closed stage), required_with (emptied
  together with the column it goes with), no_overlap (only a partition's last period may be open);
- `without_optional_systems(dir)`: the files of every source system but the leads' own are deleted
  (the loader loads a system with no export as empty tables), the reference tables with a project
  default are deleted (the defaults are loaded: the project's channels and utm map, no KPI targets), and
  the kept system's tables that no other table references (its histories) are left with a header only;
- `smallest(dir)`: one lead; every other table of its system with a header only, and the other systems
  and reference tables as in `without_optional_systems`: the smallest data set the contract allows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from kpi_pipeline import load as loader
from kpi_pipeline.contract import TABLES, TABLES_BY_NAME, Column, Table

# the table a data set is about: the one every KPI starts from (the smallest data set is one of its rows)
LEADS = next(t for t in TABLES if t.name.endswith("_leads"))


@dataclass
class LeftOut:
    """What a generator left out of a data directory."""

    absent_columns: dict[str, list[str]] = field(default_factory=dict)  # table -> columns dropped
    empty_columns: dict[str, list[str]] = field(default_factory=dict)  # table -> columns emptied (some rows)
    kept_values: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> column -> rows kept (a rule)
    absent_systems: list[str] = field(default_factory=list)  # source systems without a file
    absent_tables: list[str] = field(default_factory=list)  # tables without a file (system absent, default)
    header_only_tables: list[str] = field(default_factory=list)  # tables with a header and no rows
    dropped_rows: dict[str, int] = field(default_factory=dict)  # table -> rows left out (invalid without a column)


# ---------------------------------------------------------------- CSV helpers (defects.py style)


def read_csv(data_dir: Path, name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (data_dir / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_csv(data_dir: Path, name: str, header: list[str], rows: list[dict[str, str]]) -> None:
    with (data_dir / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def present_tables(data_dir: Path) -> list[Table]:
    return [t for t in TABLES if (data_dir / f"{t.name}.csv").is_file()]


# ---------------------------------------------------------------- what the contract and loader allow


def absent_ok_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if c.absent_ok]


def optional_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if not c.required]


def systems() -> list[str]:
    """The source systems of the exports (the reference tables are project configuration)."""
    return sorted({t.source for t in TABLES if t.name not in loader.REFERENCE_DEFAULTS})


def optional_systems() -> list[str]:
    """Every system but the leads' own: the loader loads a system with no file as empty tables, and a data
    set needs one system's files (loader.discover)."""
    return [s for s in systems() if s != LEADS.source]


def unreferenced_tables(source: str) -> list[Table]:
    """Tables of a system that no other table references (its histories): they may be empty without
    leaving a dangling reference anywhere."""
    referenced = {c.references.split(".")[0] for t in TABLES for c in t.columns if c.references}
    return [t for t in TABLES if t.source == source and t.name not in referenced and t is not LEADS]


# ---------------------------------------------------------------- the generators


def without_optional_columns(data_dir: Path) -> LeftOut:
    """Drop every absent_ok column from every file.

    An absent column is empty on every row, so a row that needs its value by another rule
    (required_without: e.g. an open deal, which has no close date, needs its creation time) cannot be in
    such an export: those rows are left out, with every row that references them (contract foreign keys)."""
    left = LeftOut()
    for table in present_tables(data_dir):
        drop = [c.name for c in absent_ok_columns(table)]
        if not drop:
            continue
        header, rows = read_csv(data_dir, table.name)
        needs = [c for c in absent_ok_columns(table) if c.required_without and c.required_without not in drop]
        orphans = [r for r in rows if any(not (r.get(c.required_without) or "").strip() for c in needs)]
        if orphans:
            left.dropped_rows[table.name] = len(orphans)
            rows = [r for r in rows if r not in orphans]
        write_csv(data_dir, table.name, [h for h in header if h not in drop], rows)
        left.absent_columns[table.name] = drop
        if orphans:
            _drop_references(data_dir, table, orphans, left)
    return left


def _drop_references(data_dir: Path, parent: Table, removed: list[dict[str, str]], left: LeftOut) -> None:
    """Leave out the rows of every table that reference a removed row (and theirs, recursively)."""
    for table in present_tables(data_dir):
        for column in table.columns:
            if not column.references or column.references.split(".")[0] != parent.name:
                continue
            key = column.references.split(".")[1]
            gone = {r[key].strip() for r in removed}
            header, rows = read_csv(data_dir, table.name)
            orphans = [r for r in rows if (r.get(column.name) or "").strip() in gone]
            if orphans:
                write_csv(data_dir, table.name, header, [r for r in rows if r not in orphans])
                left.dropped_rows[table.name] = left.dropped_rows.get(table.name, 0) + len(orphans)
                _drop_references(data_dir, table, orphans, left)


def _needed(column: Column, row: dict[str, str], emptied: set[str]) -> bool:
    """Whether another rule of the contract needs this optional column's value in this row, given the
    columns already emptied in it."""
    def value(name: str) -> str:
        return "" if name in emptied else (row.get(name) or "").strip()

    if column.required_when:
        other, values = column.required_when
        if value(other).lower() in values:
            return True
    if column.required_with and value(column.required_with):
        return True
    if column.required_without and not value(column.required_without):
        return True
    return False


def with_optional_columns_empty(data_dir: Path) -> LeftOut:
    """Empty every optional column on every row where no other rule of the contract needs its value."""
    left = LeftOut()
    for table in present_tables(data_dir):
        optional = optional_columns(table)
        if not optional:
            continue
        header, rows = read_csv(data_dir, table.name)
        optional = [c for c in optional if c.name in header]
        # a column whose need depends on another (required_with, required_without) is judged after the
        # others, on the row as it ends up: required_with empties both sides, required_without keeps one
        order = sorted(optional, key=lambda c: (c.required_with or c.required_without) is not None)
        kept: dict[str, int] = {}
        emptied_any: set[str] = set()
        open_end = _last_periods(table, rows)
        for index, row in enumerate(rows):
            emptied: set[str] = set()
            for column in order:
                if not (row.get(column.name) or "").strip():
                    emptied.add(column.name)
                    continue
                if _needed(column, row, emptied) or (table.no_overlap and column.name == table.no_overlap[2]
                                                      and index not in open_end):
                    kept[column.name] = kept.get(column.name, 0) + 1
                    continue
                emptied.add(column.name)
            for name in emptied:
                if row[name].strip():
                    emptied_any.add(name)
                row[name] = ""
        write_csv(data_dir, table.name, header, rows)
        left.empty_columns[table.name] = sorted(emptied_any)
        left.kept_values[table.name] = {k: v for k, v in kept.items() if v}
    return left


def _last_periods(table: Table, rows: list[dict[str, str]]) -> set[int]:
    """Rows that are the last period of their partition (no_overlap): only those may have an open end."""
    if not table.no_overlap:
        return set(range(len(rows)))
    partition, start, _end = table.no_overlap
    last: dict[str, tuple[str, int]] = {}
    for index, row in enumerate(rows):
        key = row[partition].strip()
        if key not in last or row[start] > last[key][0]:
            last[key] = (row[start], index)
    return {index for _start, index in last.values()}


def without_optional_systems(data_dir: Path) -> LeftOut:
    """Delete the files of every optional system and of the reference tables with a project default;
    leave the kept system's unreferenced tables (its histories) with a header only."""
    left = LeftOut()
    for table in TABLES:
        path = data_dir / f"{table.name}.csv"
        if table.source in optional_systems() or table.name in loader.REFERENCE_DEFAULTS:
            path.unlink(missing_ok=True)
            left.absent_tables.append(table.name)
    left.absent_systems = optional_systems()
    for table in unreferenced_tables(LEADS.source):
        header, _rows = read_csv(data_dir, table.name)
        write_csv(data_dir, table.name, header, [])
        left.header_only_tables.append(table.name)
    return left


def smallest(data_dir: Path) -> LeftOut:
    """One lead and nothing else the contract does not need: every other table of the leads' system with a
    header only, no other system, the reference tables' project defaults."""
    left = without_optional_systems(data_dir)
    for table in present_tables(data_dir):
        header, rows = read_csv(data_dir, table.name)
        keep = rows[:1] if table is LEADS else []
        write_csv(data_dir, table.name, header, keep)
        if table is not LEADS and table.name not in left.header_only_tables:
            left.header_only_tables.append(table.name)
    return left


def file_problems(data_dir: Path) -> list[str]:
    """The loader's file-level checks on a data directory (what stops a run with exit 2)."""
    return [p for raw in loader.discover(data_dir) for p in loader.check_file(raw).problems]


__all__ = [
    "LEADS", "LeftOut", "TABLES_BY_NAME", "absent_ok_columns", "file_problems", "optional_columns",
    "optional_systems", "read_csv", "smallest", "systems", "unreferenced_tables", "with_optional_columns_empty",
    "without_optional_columns", "without_optional_systems", "write_csv",
]
