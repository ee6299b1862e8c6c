"""Helpers the sections share: empty states, month series, window sums."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kpi_pipeline.report.figures import EmptyFigure
from kpi_pipeline.report.model import NO_DATA, Block, Empty
from kpi_pipeline.report.numbers import plain
from kpi_pipeline.report.source import MartSource, MartUnavailable, NoRows, Row


def guarded(title: str, make: Callable[[], list[Block]], mart: str = "") -> list[Block]:
    """The blocks `make` builds, or one empty-state block: "not available" when its mart is not built (or
    lacks a column), "no data" when it was built and has nothing to draw (NoRows, or a figure helper given
    nothing: EmptyFigure)."""
    try:
        return make()
    except MartUnavailable as exc:
        return [Empty(title=title, message=str(exc), mart=exc.mart)]
    except NoRows as exc:
        return [Empty(title=title, message=str(exc), mart=exc.mart, kind=NO_DATA)]
    except EmptyFigure as exc:
        return [Empty(title=title, message=str(exc), mart=mart, kind=NO_DATA)]


def no_data(title: str, mart: str, message: str) -> Empty:
    """A "no data" block in place of a chart whose mart has rows but nothing this chart can draw."""
    return Empty(title=title, message=message, mart=mart, kind=NO_DATA)


def require_rows(rows: list[Row], mart: str, what: str, source: MartSource) -> list[Row]:
    """`rows`, or NoRows saying whether the mart is empty or only has no rows for `what`."""
    if not rows:
        raise source.no_rows(mart, what)
    return rows


def by_key(rows: Iterable[Row], *keys: str) -> dict[tuple, Row]:
    return {tuple(r[k] for k in keys): r for r in rows}


def monthly(rows: Iterable[Row], months: Sequence[str], column: str, month_key: str = "period_month") -> list[Any]:
    """The column's value for every month (None where the mart has no row or a NULL)."""
    values = {r[month_key]: r[column] for r in rows}
    return [plain(values.get(m)) for m in months]


def in_window(rows: Iterable[Row], window: Sequence[str], month_key: str = "period_month") -> list[Row]:
    months = set(window)
    return [r for r in rows if r[month_key] in months]


def groups(rows: Iterable[Row], key: str) -> dict[Any, list[Row]]:
    out: dict[Any, list[Row]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out
