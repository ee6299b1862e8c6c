"""The whole-table checks (row count, grain unique) computed in SQL, and the period_month spine's frame."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from kpi_pipeline.artifacts import Mart
from kpi_pipeline.quality.reads import _scalar
from kpi_pipeline.quality.results import EXAMPLES, Outcome, _iso
from kpi_pipeline.quality.windows import Scope
from kpi_pipeline.warehouse import quote_ident, relation


def _key_match(grain: list[str], left: str, right: str) -> str:
    return " and ".join(f"{quote_ident(left)}.{quote_ident(c)} = {quote_ident(right)}.{quote_ident(c)}" for c in grain)


def _duplicates_sql(mart: Mart, grain: list[str], scope: Scope) -> str:
    """Rows per grain value occurring more than once (`occurrences`), over the whole table; on a refresh
    window only the grain values of the window's rows (each counted in the whole table). Rows whose grain
    is entirely null are left out, as GX's uniqueness expectations do (the not-null checks report them)."""
    columns = [f'"t".{quote_ident(c)}' for c in grain]
    keys = ", ".join(columns)
    where = ["not (" + " and ".join(f"{c} is null" for c in columns) + ")"]
    if not scope.whole:
        where.append(
            f"exists (select 1 from {relation(mart.schema, mart.alias)} as {quote_ident('w')} "
            f"where {scope.where('w')} and {_key_match(grain, 'w', 't')})"
        )
    return (
        f'select {keys}, count(*) as occurrences from {relation(mart.schema, mart.alias)} as "t" '
        f"where {' and '.join(where)} group by {keys} having count(*) > 1"
    )


def table_checks_frame(conn: Any, mart: Mart, grain: list[str], scope: Scope, row_count: bool) -> Any:
    """The whole-table checks of a mart computed in SQL, as a one-row frame: `row_count` (rows in the
    table) and `duplicate_rows` (rows whose grain value occurs more than once; on a refresh window: of the
    window's grain values)."""
    import pandas as pd

    values: dict[str, list[int]] = {}
    if row_count:
        values["row_count"] = [int(_scalar(conn, f"select count(*) from {relation(mart.schema, mart.alias)}") or 0)]
    if grain:
        total = _scalar(conn, f"select sum(occurrences) from ({_duplicates_sql(mart, grain, scope)}) as duplicates")
        values["duplicate_rows"] = [int(total or 0)]
    return pd.DataFrame(values)


def duplicate_examples(conn: Any, mart: Mart, grain: list[str], scope: Scope, limit: int = EXAMPLES) -> tuple[Any, ...]:
    """The first duplicated grain values (most frequent first): the value, or {column: value} for a grain
    of several columns, as GX's uniqueness expectations list them."""
    order = ", ".join(["occurrences desc", *(quote_ident(c) for c in grain)])
    cur = conn.cursor()
    cur.execute(f"select * from ({_duplicates_sql(mart, grain, scope)}) as duplicates order by {order} limit {int(limit)}")
    rows = [tuple(_iso(v) if isinstance(v, dt.date) else v for v in row) for row in cur.fetchall()]
    if len(grain) == 1:
        return tuple(row[0] for row in rows)
    return tuple(dict(zip(grain, row[: len(grain)])) for row in rows)


def _table_check_outcomes(
    conn: Any, mart: Mart, grain: list[str], scope: Scope, outcomes: list[Outcome], frame: Any,
) -> list[Outcome]:
    """Outcomes of the SQL checks in the terms of the checks they replace: the grain's columns, the
    duplicated rows as unexpected values with example keys, the row count as observed."""
    from kpi_pipeline.quality.suites import EMPTY_CHECK, unique_check

    out = []
    for outcome in outcomes:
        outcome = dataclasses.replace(outcome, suite=outcome.suite.removesuffix(".table"))  # the mart's suite
        if outcome.column == "duplicate_rows" and grain and outcome.check == unique_check(grain):
            duplicates = int(frame["duplicate_rows"].iloc[0])
            outcome = dataclasses.replace(
                outcome, column=",".join(grain), unexpected_count=duplicates, observed=duplicates,
                examples=duplicate_examples(conn, mart, grain, scope) if duplicates else (), computed_in="SQL",
            )
        elif outcome.column == "row_count" and outcome.check == EMPTY_CHECK:
            outcome = dataclasses.replace(
                outcome, column=None, unexpected_count=None, examples=(),
                observed=int(frame["row_count"].iloc[0]), computed_in="SQL",
            )
        out.append(outcome)
    return out


def _months_frame(conn: Any, mart: Mart) -> Any:
    """The mart's distinct period_month values as ISO date strings (`None` for nulls)."""
    import pandas as pd

    cur = conn.cursor()
    cur.execute(f"select distinct period_month from {relation(mart.schema, mart.alias)}")
    values = sorted((_iso(row[0]) for row in cur.fetchall()), key=lambda v: (v is None, v or ""))
    return pd.DataFrame({"period_month": pd.Series(values, dtype=object)})
