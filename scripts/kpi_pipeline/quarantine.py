"""Read the quarantine (schema `quarantine`, docs/quarantine.md) after a build.

`quarantine_summary` has one row per raw table (raw, clean, quarantined,
rejected and held-back rows, the rejected share and the threshold);
`quarantined_rows` one row per quarantined raw row (rule, column, message, the
raw row). The report counts them per table and rule, and names every table
whose rejected share is above var `quarantine_threshold` with examples: those
fail the run (exit 1). A message quotes the raw value, so the examples are
made safe for a terminal here, where they leave the warehouse (control
characters as <U+XXXX>, safe_text.terminal_safe).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kpi_pipeline.safe_text import terminal_safe
from kpi_pipeline.warehouse import Warehouse, relation, table_exists

SCHEMA = "quarantine"
SUMMARY = "quarantine_summary"
ROWS = "quarantined_rows"
MAX_EXAMPLES = 3


@dataclass
class TableQuarantine:
    raw_table: str
    raw_rows: int
    clean_rows: int
    quarantined_rows: int
    rejected_rows: int
    held_back_rows: int
    rejected_share: float
    threshold: float
    above_threshold: bool
    rules: dict[str, int] = field(default_factory=dict)  # "rule (column)" -> rows
    examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "raw_rows": self.raw_rows,
            "clean_rows": self.clean_rows,
            "quarantined_rows": self.quarantined_rows,
            "rejected_rows": self.rejected_rows,
            "held_back_rows": self.held_back_rows,
            "rejected_share": round(self.rejected_share, 6),
            "above_threshold": self.above_threshold,
            "rules": self.rules,
            "examples": self.examples,
        }

    def describe_failure(self) -> str:
        rules = ", ".join(f"{rule} {count:,}" for rule, count in self.rules.items())
        return (
            f"quarantine: {self.raw_table}: {self.rejected_rows:,} of {self.raw_rows:,} rows "
            f"({self.rejected_share:.2%}) quarantined, above quarantine_threshold {self.threshold:.2%}: "
            f"{rules}; e.g. " + " | ".join(self.examples)
        )


@dataclass
class QuarantineReport:
    threshold: float
    tables: dict[str, TableQuarantine]

    @property
    def total(self) -> int:
        return sum(t.quarantined_rows for t in self.tables.values())

    @property
    def above_threshold(self) -> list[TableQuarantine]:
        return [t for t in self.tables.values() if t.above_threshold]

    def as_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "total_quarantined_rows": self.total,
            "tables_above_threshold": [t.raw_table for t in self.above_threshold],
            "tables": {name: t.as_dict() for name, t in sorted(self.tables.items())},
        }


def read_report(warehouse: Warehouse) -> QuarantineReport | None:
    """The quarantine counts, or None when the quarantine relations do not exist."""
    with warehouse.connect() as conn:
        if not (table_exists(conn, SCHEMA, SUMMARY) and table_exists(conn, SCHEMA, ROWS)):
            return None
        cur = conn.cursor()
        cur.execute(
            "select raw_table, raw_rows, clean_rows, quarantined_rows, rejected_rows, held_back_rows, "
            f"coalesce(rejected_share, 0), quarantine_threshold, is_above_threshold "
            f"from {relation(SCHEMA, SUMMARY)} order by raw_table"
        )
        tables = {
            row[0]: TableQuarantine(
                raw_table=row[0], raw_rows=int(row[1]), clean_rows=int(row[2]), quarantined_rows=int(row[3]),
                rejected_rows=int(row[4]), held_back_rows=int(row[5]), rejected_share=float(row[6]),
                threshold=float(row[7]), above_threshold=bool(row[8]),
            )
            for row in cur.fetchall()
        }
        cur.execute(
            "select raw_table, rule_name, column_name, count(*) "
            f"from {relation(SCHEMA, ROWS)} group by raw_table, rule_name, column_name "
            "order by raw_table, count(*) desc, rule_name, column_name"
        )
        for raw_table, rule, column, count in cur.fetchall():
            if raw_table in tables:
                tables[raw_table].rules[terminal_safe(f"{rule} ({column})")] = int(count)
        for table in tables.values():
            if not table.above_threshold:
                continue
            cur.execute(
                f"select row_key, message from {relation(SCHEMA, ROWS)} "
                "where raw_table = " + ("%s" if warehouse.kind == "postgres" else "?")
                + " and counts_toward_threshold order by quarantined_row_id limit " + str(MAX_EXAMPLES),
                (table.raw_table,),
            )
            table.examples = [terminal_safe(f"{key}: {message}") for key, message in cur.fetchall()]
    threshold = next(iter(tables.values())).threshold if tables else 0.0
    return QuarantineReport(threshold=threshold, tables=tables)
