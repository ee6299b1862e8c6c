"""What every section shares: the as-of date, the months, the window of the window charts,
display names of channels, reps, teams and campaigns, and the reporting currency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kpi_pipeline.report.source import MartSource, MartUnavailable

# window charts (a bar per channel, rep, ...) add up the last WINDOW_MONTHS months
WINDOW_MONTHS = 12
TOTAL_LABEL = "Total"


@dataclass(frozen=True)
class Names:
    channels: dict[str, str]
    reps: dict[str, str]
    teams: dict[str, str]
    campaigns: dict[str, str]

    def label(self, dimension_type: str, value: str | None) -> str:
        if value is None:
            return "(none)"
        if dimension_type == "total":
            return TOTAL_LABEL
        lookup = {"channel": self.channels, "rep": self.reps, "team": self.teams, "campaign": self.campaigns}
        return lookup.get(dimension_type, {}).get(value, value)


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


def _optional(source: MartSource, mart: str, columns: list[str], key: str, label: str) -> dict[str, str]:
    try:
        rows = source.rows(mart, columns)
    except MartUnavailable:
        return {}
    return {r[key]: r[label] for r in rows if r[key] is not None and r[label] is not None}


def build_context(source: MartSource, currency: str) -> Context:
    """Raises MartUnavailable when dim_date (the calendar of every mart) is missing or empty."""
    days = source.rows("dim_date", ["date_day", "month_start"], order_by=["date_day"])
    if not days:
        raise MartUnavailable("dim_date", "has no rows (was the build empty?)")
    months = tuple(sorted({r["month_start"] for r in days}))
    channels = _optional(source, "dim_channels", ["channel_id", "channel_name"], "channel_id", "channel_name")
    reps = _optional(source, "dim_sales_reps", ["rep_id", "rep_name"], "rep_id", "rep_name")
    teams = _optional(
        source, "dim_sales_reps", ["current_team_id", "current_team_name"], "current_team_id", "current_team_name"
    )
    campaigns = _optional(source, "dim_campaigns", ["campaign_id", "campaign_name"], "campaign_id", "campaign_name")
    names = Names(channels=channels, reps=reps, teams=teams, campaigns=campaigns)
    return Context(
        as_of=days[-1]["date_day"],
        months=months,
        window=months[-WINDOW_MONTHS:],
        currency=currency,
        names=names,
        channel_ids=tuple(sorted(channels, key=lambda c: (channels[c].lower(), c))),
    )
