"""A raw file of the contract, what its checks found, what its load did."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kpi_pipeline.contract import Table


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
