"""What every section shares: the as-of date, the months, the window of the window charts,
the labels of channels, reps, teams and campaigns, and the reporting currency.

Charts and tables key on a dimension's id; what they show is its label
(`Names.label`, the one helper every section uses): the display name, or
"name (id)" when two ids share a display name (compared as a reader sees them:
case and runs of spaces ignored), so two reps called "Alex Smith" are two bars
"Alex Smith (REP-017)" and "Alex Smith (REP-042)", never one slot. Labels are
plain text: page.py escapes them for HTML and figures.py for Plotly's markup.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from kpi_pipeline.report.source import MartSource, MartUnavailable, NoRows

# window charts (a bar per channel, rep, ...) add up the last WINDOW_MONTHS months
WINDOW_MONTHS = 12
TOTAL_LABEL = "Total"
NONE_LABEL = "(none)"
ALL_CUSTOMERS_LABEL = "All customers"
# labels the report gives rows that are not a dimension value: a name equal to one of them is disambiguated
RESERVED_LABELS = frozenset({TOTAL_LABEL, NONE_LABEL, ALL_CUSTOMERS_LABEL})


def reading_key(label: str) -> str:
    """What a reader tells apart: 'Alex  Smith' and 'alex smith' look like one name."""
    return " ".join(label.split()).casefold()


def unambiguous_labels(names: Mapping[str, str | None], reserved: Collection[str] = RESERVED_LABELS) -> dict[str, str]:
    """{id: label}: the display name (the id when it has none), or "name (id)" when another id shows the
    same name or the name is reserved; no two ids ever get labels a reader could take for one."""
    shown = {key: name if name and name.strip() else key for key, name in names.items()}
    counts = Counter(reading_key(label) for label in shown.values())
    reserved_keys = {reading_key(label) for label in reserved}
    labels = {key: label for key, label in shown.items()
              if counts[reading_key(label)] == 1 and reading_key(label) not in reserved_keys}
    taken = reserved_keys | {reading_key(label) for label in labels.values()}
    for key in sorted(set(shown) - set(labels)):
        candidate = f"{shown[key]} ({key})"
        while reading_key(candidate) in taken:  # a name that looks like another's "name (id)"
            candidate = f"{candidate} ({key})"
        taken.add(reading_key(candidate))
        labels[key] = candidate
    return labels


@dataclass(frozen=True)
class Names:
    """Labels by dimension type ({id: label}), from unambiguous_labels."""

    channels: dict[str, str]
    reps: dict[str, str]
    teams: dict[str, str]
    campaigns: dict[str, str]

    @classmethod
    def from_display_names(
        cls, channels: Mapping[str, str | None], reps: Mapping[str, str | None], teams: Mapping[str, str | None],
        campaigns: Mapping[str, str | None],
    ) -> Names:
        return cls(channels=unambiguous_labels(channels), reps=unambiguous_labels(reps),
                   teams=unambiguous_labels(teams), campaigns=unambiguous_labels(campaigns))

    def _lookup(self, dimension_type: str) -> dict[str, str]:
        return {"channel": self.channels, "rep": self.reps, "team": self.teams, "campaign": self.campaigns}.get(
            dimension_type, {})

    def label(self, dimension_type: str, value: str | None) -> str:
        """The label of a dimension value (its id): every chart, legend, menu and table shows this."""
        if value is None:
            return NONE_LABEL
        if dimension_type == "total":
            return TOTAL_LABEL
        lookup = self._lookup(dimension_type)
        if value in lookup:
            return lookup[value]
        # an id without a display name (or a dimension without names, e.g. segment codes): the id itself,
        # unless that reads like another value's label
        taken = {reading_key(label) for label in (*lookup.values(), *RESERVED_LABELS)}
        return f"{value} ({value})" if reading_key(value) in taken else value


@dataclass(frozen=True)
class Context:
    as_of: str  # ISO date: the last day of dim_date (the as-of date of the build)
    months: tuple[str, ...]  # every month of the data (first days, ISO), ascending
    window: tuple[str, ...]  # the last WINDOW_MONTHS of them
    currency: str
    names: Names
    channel_ids: tuple[str, ...]  # every channel of dim_channels, in display order

    @property
    def latest_month(self) -> str:
        return self.months[-1]

    @property
    def window_label(self) -> str:
        return f"{month_label(self.window[0])} – {month_label(self.window[-1])}"

    def previous_month(self) -> str | None:
        return self.months[-2] if len(self.months) > 1 else None


MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(iso: str) -> str:
    """'2026-10-01' -> 'Oct 2026' (fixed English names: strftime would follow the process's locale)."""
    day = dt.date.fromisoformat(iso)
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def empty_context(currency: str) -> Context:
    """The context of a build whose calendar (dim_date) is empty: no months, no names."""
    return Context(as_of="", months=(), window=(), currency=currency,
                   names=Names.from_display_names({}, {}, {}, {}), channel_ids=())


def _optional(source: MartSource, mart: str, columns: list[str], key: str, label: str) -> dict[str, str | None]:
    """{id: display name} of a dimension (None for an id without a name); empty when the mart is missing."""
    try:
        rows = source.rows(mart, columns)
    except MartUnavailable:
        return {}
    names: dict[str, str | None] = {}
    for r in rows:
        if r[key] is not None:
            names[r[key]] = r[label] if r[label] is not None else names.get(r[key])
    return names


def build_context(source: MartSource, currency: str) -> Context:
    """Raises MartUnavailable when dim_date (the calendar of every mart) is missing, NoRows when it was built
    empty (a build with no activity at all)."""
    days = source.rows("dim_date", ["date_day", "month_start"], order_by=["date_day"])
    if not days:
        raise source.no_rows("dim_date", "the calendar")
    months = tuple(sorted({r["month_start"] for r in days}))
    channels = _optional(source, "dim_channels", ["channel_id", "channel_name"], "channel_id", "channel_name")
    reps = _optional(source, "dim_sales_reps", ["rep_id", "rep_name"], "rep_id", "rep_name")
    teams = _optional(
        source, "dim_sales_reps", ["current_team_id", "current_team_name"], "current_team_id", "current_team_name"
    )
    campaigns = _optional(source, "dim_campaigns", ["campaign_id", "campaign_name"], "campaign_id", "campaign_name")
    names = Names.from_display_names(channels=channels, reps=reps, teams=teams, campaigns=campaigns)
    return Context(
        as_of=days[-1]["date_day"],
        months=months,
        window=months[-WINDOW_MONTHS:],
        currency=currency,
        names=names,
        channel_ids=tuple(sorted(channels, key=lambda c: (names.label("channel", c).lower(), c))),
    )
