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
