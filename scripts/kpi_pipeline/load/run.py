"""Check every raw file, then load each into the source schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kpi_pipeline.errors import PipelineError
from kpi_pipeline.load.check import check_file
from kpi_pipeline.load.discover import REFERENCE_DEFAULTS
from kpi_pipeline.load.files import RAW_SCHEMA, FileCheck, LoadedTable, RawFile
from kpi_pipeline.load.to_duckdb import _load_duckdb
from kpi_pipeline.load.to_postgres import _load_postgres
from kpi_pipeline.load.to_spark import _load_spark
from kpi_pipeline.warehouse import Warehouse


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
            elif warehouse.kind == "spark":
                rows = _load_spark(conn, raw, schema, positions, checks[raw.path].header)
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
