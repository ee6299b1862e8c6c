"""Which file of a data directory is which contract table (and the defaults for the missing ones)."""

from __future__ import annotations

import os
from pathlib import Path

from kpi_pipeline.contract import TABLES, Table
from kpi_pipeline.demo_files import seed_path
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.load.files import SUFFIXES, RawFile


# Reference tables are project configuration rather than exports: when the data
# directory has no file for one, the project's default is loaded (with a
# warning): the channel taxonomy and utm map the project ships in seeds/, and
# no KPI targets (the demo targets would be meaningless for other data).
REFERENCE_DEFAULTS: dict[str, tuple[Path, str]] = {
    "ref_channels": (seed_path("ref_channels"), "the project's default channels (seeds/reference/)"),
    "ref_utm_channel_map": (seed_path("ref_utm_channel_map"), "the project's default utm map (seeds/reference/)"),
    "ref_kpi_targets": (Path(__file__).resolve().parents[1] / "defaults" / "ref_kpi_targets.csv",
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
