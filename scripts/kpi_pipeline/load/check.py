"""The file-level contract checks of one raw file: the fast path, the exact reading where it has doubts."""

from __future__ import annotations


from kpi_pipeline.load.exact import exact_check
from kpi_pipeline.load.fast import _fast_rows, _fast_values_clean
from kpi_pipeline.load.files import FileCheck, RawFile
from kpi_pipeline.load.header import _header_problems
from kpi_pipeline.load.rows import _read_header


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


def validate_file(raw: RawFile) -> list[str]:
    """Problems that stop this file from loading (the contract-check hook)."""
    return check_file(raw).problems
