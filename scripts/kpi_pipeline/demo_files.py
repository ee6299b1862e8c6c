"""Where the project's CSV files of the raw data contract live.

Two kinds, both dbt seeds (see docs/architecture.md, "Raw data"):
  - seeds/reference/: the project's reference data (channel taxonomy, utm map),
    seeded into the project's own schema `reference`. A user's own table of the
    same name in the source schema wins over it.
  - seeds/demo/: the demo data set, every other contract table (the example KPI
    targets included). Seeded only on request (var load_demo_data, which
    `kpi-pipeline run` without --data-dir sets) into the source schema, and
    never over a table that holds other data (macros/seeds/demo_seed_guard.sql).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kpi_pipeline import PROJECT_DIR
from kpi_pipeline.contract import TABLES

REFERENCE_SEEDS: tuple[str, ...] = ("ref_channels", "ref_utm_channel_map")


def seed_dir(table: str, project_dir: Path = PROJECT_DIR) -> Path:
    """The folder of the project's CSV for a contract table."""
    return project_dir / "seeds" / ("reference" if table in REFERENCE_SEEDS else "demo")


def seed_path(table: str, project_dir: Path = PROJECT_DIR) -> Path:
    """The project's CSV of a contract table (demo data or reference data)."""
    return seed_dir(table, project_dir) / f"{table}.csv"


def copy_demo_data(dest: Path, project_dir: Path = PROJECT_DIR) -> Path:
    """Copy every contract table's CSV (demo and reference) into one flat data directory."""
    dest.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        shutil.copy(seed_path(table.name, project_dir), dest / f"{table.name}.csv")
    return dest
