"""The exact file checks: the file read again row by row, every problem worded with its lines."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from kpi_pipeline.load.byte_scan import _byte_problems
from kpi_pipeline.load.files import FileCheck, RawFile
from kpi_pipeline.load.header import MAX_EXAMPLES, _PATTERNS, _TYPE_WORDS, _header_problems, parses_as
from kpi_pipeline.load.rows import CsvProblem, _csv_rows, _open_text, _table_rows


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
