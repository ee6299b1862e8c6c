"""Read mart rows for the report: one connection, explicit columns, a clear error per missing mart.

Values come back as the warehouse holds them (Decimal for numeric columns, int,
float, date), with dates turned into ISO strings so that DuckDB and PostgreSQL
rows compare and serialise alike. Rows are sorted in Python (not by the
database's collation, which differs between the two engines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kpi_pipeline.warehouse import quote_ident, relation, table_columns

MARTS_SCHEMA = "marts"

Row = dict[str, Any]


class MartUnavailable(Exception):
    """A mart the report reads is not in the warehouse, or lacks columns it needs."""

    def __init__(self, mart: str, reason: str) -> None:
        super().__init__(f"{MARTS_SCHEMA}.{mart} {reason}")
        self.mart = mart
        self.reason = reason


# what each mart counts, for the note of a mart that was built and has no rows ("the data set has no ...")
MART_NEEDS = {
    "dim_date": "activity at all (no lead, subscription or cost: the calendar is empty)",
    "kpi_scorecard": "data for any KPI",
    "kpi_funnel": "leads",
    "kpi_funnel_dropoff": "disqualified leads or lost deals",
    "kpi_funnel_velocity": "leads that moved from one funnel stage to the next",
    "kpi_cost_per_lead": "ad spend or leads",
    "kpi_cost_per_opportunity": "ad spend or opportunities",
    "kpi_cac": "new customers or acquisition costs",
    "kpi_attributed_acquisition": "ad spend or attributed customers",
    "kpi_marketing_roi": "ad spend or won deals",
    "kpi_revenue": "won deals",
    "kpi_mrr": "subscriptions (billing)",
    "kpi_retention_cohorts": "customers with subscriptions (billing)",
    "kpi_customer_retention": "subscriptions (billing)",
    "kpi_win_rate": "closed deals",
}


class NoRows(Exception):
    """A mart the report reads was built but has no rows for a block: a data set without that system
    (no ad spend, no billing) or without activity in the window. The block becomes a "no data" note."""

    def __init__(self, mart: str, reason: str) -> None:
        super().__init__(f"{MARTS_SCHEMA}.{mart} {reason}")
        self.mart = mart
        self.reason = reason


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def sort_key(row: Row, keys: Sequence[str]) -> tuple:
    """None first, then by value; numbers and strings never mixed within one column."""
    return tuple((row[k] is not None, row[k] if row[k] is not None else "") for k in keys)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass
class MartSource:
    """The marts of one warehouse connection; remembers which marts it read (for the page footer)."""

    conn: Any
    schema: str = MARTS_SCHEMA

    def __post_init__(self) -> None:
        self.read_marts: set[str] = set()
        self._columns: dict[str, list[str]] = {}
        self._counts: dict[str, int] = {}

    def row_count(self, mart: str) -> int:
        """All rows of the mart (0 for a mart that was built empty); MartUnavailable when it is not built."""
        if not self.columns(mart):
            raise MartUnavailable(mart, "is not in the warehouse (build it with `kpi-pipeline run`)")
        if mart not in self._counts:
            cur = self.conn.cursor()
            cur.execute(f"select count(*) from {relation(self.schema, mart)}")
            self._counts[mart] = int(cur.fetchone()[0])
        return self._counts[mart]

    def no_rows(self, mart: str, what: str) -> NoRows:
        """The NoRows of a block that found no rows of `mart` for `what`: the mart is empty (the data set has
        nothing it counts) or has no rows for that part (a month, the window, a dimension)."""
        if self.row_count(mart) == 0:
            need = MART_NEEDS.get(mart, "data for it")
            return NoRows(mart, f"was built and has no rows: the data set has no {need}")
        return NoRows(mart, f"was built but has no rows for {what}")

    def columns(self, mart: str) -> list[str]:
        if mart not in self._columns:
            self._columns[mart] = table_columns(self.conn, self.schema, mart)
        return self._columns[mart]

    def rows(
        self,
        mart: str,
        columns: Sequence[str],
        where: dict[str, str | Iterable[str]] | None = None,
        order_by: Sequence[str] | None = None,
    ) -> list[Row]:
        """`columns` of `mart`, rows matching `where` ({column: value or values}), sorted by `order_by`."""
        present = self.columns(mart)
        if not present:
            raise MartUnavailable(mart, "is not in the warehouse (build it with `kpi-pipeline run`)")
        missing = [c for c in [*columns, *(where or {})] if c not in present]
        if missing:
            raise MartUnavailable(mart, f"has no column {', '.join(missing)}")
        sql = f"select {', '.join(quote_ident(c) for c in columns)} from {relation(self.schema, mart)}"
        clauses = []
        for column, wanted in (where or {}).items():
            values = [wanted] if isinstance(wanted, str) else sorted(wanted)
            clauses.append(f"{quote_ident(column)} in ({', '.join(_literal(v) for v in values)})")
        if clauses:
            sql += " where " + " and ".join(clauses)
        cur = self.conn.cursor()
        cur.execute(sql)
        result = [dict(zip(columns, (_plain(v) for v in record))) for record in cur.fetchall()]
        self.read_marts.add(mart)
        return sorted(result, key=lambda r: sort_key(r, order_by or columns))
