"""Output: one streamed CSV writer per contract table, or one Parquet writer (row groups) per table."""

from __future__ import annotations

import csv
import os
from typing import IO, Any, Iterable

from kpi_pipeline.contract import TABLES
from kpi_pipeline.demo_files import REFERENCE_SEEDS


def _text(value: object) -> str:
    """A value as the csv module writes it (None -> '', anything else -> str)."""
    if type(value) is str:
        return value  # type: ignore[return-value]
    return "" if value is None else str(value)


def table_path(out_dir: str, table: str, suffix: str, seeds_layout: bool = False) -> str:
    """Where a table's file goes: `out_dir/<table><suffix>` (a data directory), or with
    `seeds_layout` the project's seeds folders (seeds/reference/ for the reference data,
    seeds/demo/ for everything else; see kpi_pipeline.demo_files)."""
    if not seeds_layout:
        return os.path.join(out_dir, f"{table}{suffix}")
    folder = os.path.join(out_dir, "reference" if table in REFERENCE_SEEDS else "demo")
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, f"{table}{suffix}")


class Sink:
    """One open csv.writer per contract table; rows are streamed to disk."""

    def __init__(self, out_dir: str, seeds_layout: bool = False) -> None:
        os.makedirs(out_dir, exist_ok=True)
        self.out_dir = out_dir
        self.files: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        self.columns: dict[str, list[str]] = {}
        self.counts: dict[str, int] = {}
        for t in TABLES:
            f = open(table_path(out_dir, t.name, ".csv", seeds_layout), "w", newline="", encoding="utf-8")
            w = csv.writer(f, lineterminator="\n")
            w.writerow(t.column_names)
            self.files[t.name], self.writers[t.name], self.counts[t.name] = f, w, 0
            self.columns[t.name] = t.column_names

    def write(self, table: str, row: dict) -> None:
        get = row.get
        self.writers[table].writerow([get(c, "") for c in self.columns[table]])
        self.counts[table] += 1

    def write_many(self, table: str, rows: Iterable[dict]) -> None:
        for r in rows:
            self.write(table, r)

    def close(self) -> None:
        for t in TABLES:
            self.files[t.name].close()


class ParquetSink(Sink):
    """One pyarrow ParquetWriter per contract table, all columns text like the CSVs.

    Rows are buffered and flushed as one row group every `row_group_size`
    rows, so memory stays bounded whatever the scale.
    """

    def __init__(self, out_dir: str, row_group_size: int = 100_000) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:  # pragma: no cover - optional dependency
            raise SystemExit("--format parquet needs pyarrow installed") from exc
        os.makedirs(out_dir, exist_ok=True)
        self.out_dir = out_dir
        self.row_group_size = row_group_size
        self._pa = pa
        self.columns = {t.name: t.column_names for t in TABLES}
        self.counts = {t.name: 0 for t in TABLES}
        self.schemas = {t.name: pa.schema([(c, pa.string()) for c in t.column_names]) for t in TABLES}
        self.buffers: dict[str, list[list[object]]] = {t.name: [] for t in TABLES}
        self.writers = {t.name: pq.ParquetWriter(os.path.join(out_dir, f"{t.name}.parquet"),
                                                 self.schemas[t.name], compression="snappy")
                        for t in TABLES}

    def write(self, table: str, row: dict) -> None:
        get = row.get
        buffer = self.buffers[table]
        buffer.append([get(c, "") for c in self.columns[table]])
        self.counts[table] += 1
        if len(buffer) >= self.row_group_size:
            self._flush(table)

    def _flush(self, table: str) -> None:
        rows = self.buffers[table]
        if not rows and self.counts[table] > 0:
            return
        columns = list(zip(*rows)) if rows else [() for _ in self.columns[table]]
        arrays = [self._pa.array([_text(v) for v in values], type=self._pa.string()) for values in columns]
        self.writers[table].write_table(self._pa.Table.from_arrays(arrays, schema=self.schemas[table]))
        self.buffers[table] = []

    def close(self) -> None:
        for t in TABLES:
            self._flush(t.name)
            self.writers[t.name].close()
