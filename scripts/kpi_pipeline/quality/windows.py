"""Which rows of a mart the data-quality step checks: the whole table, or the window a refresh wrote.

The dbt side records, for every incremental model and run, one row in the
warehouse table `ops.refresh_windows`:

    invocation_id  varchar    dbt's invocation id (run_results.json `metadata.invocation_id`)
    model_name     varchar    the model, e.g. fct_touchpoints
    window_column  varchar    a date, timestamp or month column of that model
    window_start   date       first day the run rewrote; null: the whole table was rebuilt
    recorded_at    timestamp

The rule (docs/operations.md, "What a refresh re-checks"): a mart is checked
whole with `--full-checks` or `--full-refresh`, when the table is absent, when
it has no row for the mart in this invocation, or when window_start is null;
otherwise only its rows with `cast(<window_column> as date) >= window_start`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kpi_pipeline.warehouse import quote_ident, relation, table_exists

WINDOWS_SCHEMA = "ops"
WINDOWS_TABLE = "refresh_windows"
WINDOWS_RELATION = f"{WINDOWS_SCHEMA}.{WINDOWS_TABLE}"


@dataclass(frozen=True)
class Scope:
    """The rows of one mart that are checked: all of them (`column` None, `reason` says why) or
    those with `column` on or after `start`."""

    column: str | None = None
    start: dt.date | None = None
    reason: str = ""

    @property
    def whole(self) -> bool:
        return self.column is None

    def where(self, alias: str | None = None) -> str | None:
        """The SQL filter of the window (None for the whole table); `alias` qualifies the column."""
        if self.whole:
            return None
        column = f"{quote_ident(alias)}.{quote_ident(self.column)}" if alias else quote_ident(self.column)
        return f"cast({column} as date) >= cast('{self.start.isoformat()}' as date)"  # type: ignore[union-attr]

    def describe(self) -> str:
        if self.whole:
            return "whole table"
        return f"rows with {self.column} >= {self.start.isoformat()}"  # type: ignore[union-attr]

    def as_dict(self) -> dict[str, Any]:
        if self.whole:
            return {"scope": "whole", "why": self.reason}
        return {"scope": "window", "column": self.column, "from": self.start.isoformat()}  # type: ignore[union-attr]


@dataclass(frozen=True)
class Window:
    column: str
    start: dt.date | None  # None: rebuilt whole


@dataclass(frozen=True)
class WindowPlan:
    """The refresh windows of one dbt invocation, or the reason every mart is checked whole."""

    invocation_id: str | None = None
    windows: Mapping[str, Window] = field(default_factory=dict)
    whole_reason: str | None = None  # set: every mart is checked whole

    def scope(self, model_name: str, columns: Iterable[str]) -> Scope:
        if self.whole_reason:
            return Scope(reason=self.whole_reason)
        window = self.windows.get(model_name)
        if window is None:
            return Scope(reason="no refresh window recorded for it in this run")
        if window.start is None:
            return Scope(reason="the run rebuilt it whole (window_start is null)")
        if window.column not in set(columns):
            return Scope(reason=f"its window column {window.column!r} is not a column of it")
        return Scope(column=window.column, start=window.start)


def invocation_id(run_results: Mapping[str, Any] | None) -> str | None:
    """dbt's invocation id of a run (run_results.json `metadata.invocation_id`)."""
    value = ((run_results or {}).get("metadata") or {}).get("invocation_id")
    return str(value) if value else None


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def merge_rows(rows: Iterable[tuple[Any, Any, Any]]) -> dict[str, Window]:
    """One window per model from its rows (model_name, window_column, window_start): a model with
    several rows in one invocation gets the earliest start; a null start, or rows that disagree on
    the column, mean the whole table."""
    seen: dict[str, list[tuple[str, dt.date | None]]] = {}
    for model, column, start in rows:
        if model is None:
            continue
        seen.setdefault(str(model), []).append((str(column) if column is not None else "", _as_date(start)))
    windows: dict[str, Window] = {}
    for model, entries in seen.items():
        columns = {column for column, _start in entries}
        starts = [start for _column, start in entries]
        if len(columns) != 1 or "" in columns or any(start is None for start in starts):
            windows[model] = Window(column=next(iter(columns)), start=None)
        else:
            windows[model] = Window(column=next(iter(columns)), start=min(s for s in starts if s is not None))
    return windows


def read_plan(conn: Any, kind: str, invocation: str | None, whole_reason: str | None = None) -> WindowPlan:
    """The windows recorded by dbt invocation `invocation`; `whole_reason` (e.g. "--full-checks")
    makes every mart whole without reading anything."""
    if whole_reason:
        return WindowPlan(invocation_id=invocation, whole_reason=whole_reason)
    if not invocation:
        return WindowPlan(whole_reason="the dbt invocation id is unknown (no run_results.json metadata)")
    if not table_exists(conn, WINDOWS_SCHEMA, WINDOWS_TABLE):
        return WindowPlan(invocation_id=invocation, whole_reason=f"{WINDOWS_RELATION} is absent")
    mark = "%s" if kind == "postgres" else "?"
    cur = conn.cursor()
    cur.execute(
        f"select model_name, window_column, window_start from {relation(WINDOWS_SCHEMA, WINDOWS_TABLE)} "
        f"where invocation_id = {mark}",
        (invocation,),
    )
    return WindowPlan(invocation_id=invocation, windows=merge_rows(cur.fetchall()))
