"""The building blocks of the page: sections made of cards, charts with their tables, and empty states."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str = "text"  # a key of numbers.FORMATS


@dataclass(frozen=True)
class Cell:
    """A value formatted by the section (when the unit varies by row, as in the scorecard)."""

    value: Any
    text: str


@dataclass(frozen=True)
class TableRow:
    cells: dict[str, Any]
    month: str | None = None  # the filter bar hides the row outside the chosen months
    channel: str | None = None  # ... or when its channel is unticked


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]
    caption: str = ""


@dataclass(frozen=True)
class Chart:
    """One Plotly figure (a plain dict: data + layout) and the numbers it shows as a table."""

    chart_id: str  # fixed, unique on the page: the div is `chart-<chart_id>`
    title: str
    figure: dict[str, Any]
    table: Table
    mart: str  # the mart(s) it reads, shown under the chart
    note: str = ""
    months_filter: bool = False  # a time axis the month range applies to
    channel_filter: str | None = None  # "traces" (one trace per channel) or "categories" (channels on an axis)
    height: int = 380
    wide: bool = False  # the full width of the page instead of one column


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    value: str
    status: str | None  # on_track / at_risk / off_track / None (no target)
    target: str
    attainment: str
    change: str  # vs the previous period
    change_tone: str  # good / bad / flat / none
    previous_label: str


@dataclass(frozen=True)
class Cards:
    cards: tuple[Card, ...]
    mart: str


NOT_BUILT = "not_built"
NO_DATA = "no_data"


@dataclass(frozen=True)
class Empty:
    """A block that could not be drawn: its mart is not built (or lacks a column it needs: NOT_BUILT, "not
    available"), or it was built and has no rows for it (NO_DATA, "no data": e.g. no ad spend in the data set)."""

    title: str
    message: str
    mart: str
    kind: str = NOT_BUILT


@dataclass(frozen=True)
class TableBlock:
    """A table on its own (no chart), e.g. the scorecard by dimension."""

    block_id: str
    title: str
    table: Table
    mart: str
    open: bool = False
    wide: bool = True


Block = Chart | Cards | Empty | TableBlock


@dataclass
class Section:
    section_id: str
    title: str
    intro: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def missing(self) -> list[Empty]:
        """The blocks whose mart is not built (or lacks a column)."""
        return [b for b in self.blocks if isinstance(b, Empty) and b.kind == NOT_BUILT]

    @property
    def no_data(self) -> list[Empty]:
        """The blocks whose mart was built and has nothing to draw."""
        return [b for b in self.blocks if isinstance(b, Empty) and b.kind == NO_DATA]
