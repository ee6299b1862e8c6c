"""Scorecard: every KPI of the latest month against its target (mart kpi_scorecard).

Cards for the total row (value, target, attainment, status colour, change vs the
previous month), an attainment chart, and the same numbers per channel, rep,
team, segment and campaign in a table. Values, targets, attainment, status and
changes are the mart's own columns, shown unchanged.

A month in progress (is_partial_period: the as-of date is not its last day) is
paced in the mart: its volume KPIs are compared with pace_target, the share of
the target for the days elapsed. Its cards say "month to date, day 15 of 31"
(or "business day ..." with var pacing_days = business), show the pace target
next to the month's target, and are coloured by the mart's status, i.e. by pace.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from kpi_pipeline.report.context import Context, month_label
from kpi_pipeline.report.figures import STATUS_COLOURS, figure
from kpi_pipeline.report.model import Block, Card, Cards, Cell, Chart, Column, Section, Table, TableBlock, TableRow
from kpi_pipeline.report.numbers import formatted, percent, plain, signed_percent
from kpi_pipeline.report.sections.common import guarded, no_data, require_rows
from kpi_pipeline.report.source import MartSource, Row

MART = "kpi_scorecard"
COLUMNS = [
    "kpi_name", "period_month", "dimension_type", "dimension_value", "direction", "value", "numerator",
    "denominator", "target", "attainment", "status", "previous_period_value", "change_absolute", "change_pct",
]
# pacing of a month in progress; read when the mart has them (a warehouse built before them has not)
PACING_COLUMNS = [
    "is_partial_period", "pacing_days", "days_elapsed", "days_in_period", "pace_target", "projected_value",
]

# kpi_name: (label, unit), in card order; KPIs the mart has and this list does not come after, by name
KPIS: dict[str, tuple[str, str]] = {
    "revenue": ("Revenue (bookings)", "money"),
    "mrr": ("MRR (ending)", "money"),
    "win_rate_count": ("Win rate (count)", "percent"),
    "win_rate_amount": ("Win rate (amount)", "percent"),
    "cost_per_lead": ("Cost per lead", "money"),
    "cost_per_opportunity": ("Cost per opportunity", "money"),
    "cac": ("CAC (blended)", "money"),
    "paid_cac": ("Paid CAC", "money"),
    "mqls": ("MQLs", "count"),
    "sqls": ("SQLs", "count"),
    "marketing_roi": ("Marketing ROI", "percent"),
    "roas": ("ROAS", "multiple"),
    "logo_retention": ("Logo retention", "percent"),
    "gross_revenue_retention": ("Gross revenue retention", "percent"),
    "net_revenue_retention": ("Net revenue retention", "percent"),
}
STATUS_LABELS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track"}
DIMENSION_ORDER = {"total": 0, "channel": 1, "segment": 2, "team": 3, "rep": 4, "campaign": 5}


def kpi_label(name: str, currency: str) -> str:
    label, unit = KPIS.get(name, (name.replace("_", " ").capitalize(), "count"))
    return f"{label} ({currency})" if unit == "money" else label


def kpi_unit(name: str) -> str:
    return KPIS.get(name, ("", "count"))[1]


def kpi_order(name: str) -> tuple[int, str]:
    order = list(KPIS)
    return (order.index(name) if name in order else len(order), name)


def change_tone(row: Row) -> str:
    change = row["change_absolute"]
    if change is None:
        return "none"
    if change == 0:
        return "flat"
    better = change > 0 if row["direction"] != "lower_is_better" else change < 0
    return "good" if better else "bad"


def is_partial(row: Row) -> bool:
    return bool(row.get("is_partial_period"))


def is_paced(row: Row) -> bool:
    """A volume KPI of a month in progress: compared with its pace target, not the month's target."""
    return (is_partial(row) and row.get("pace_target") is not None and row["target"] is not None
            and row["pace_target"] != row["target"])


def period_phrase(row: Row) -> str:
    """'month to date, day 15 of 31' for a month in progress ('business day 10 of 21' when paced by
    business days); '' for a full month."""
    if not is_partial(row) or row.get("days_elapsed") is None:
        return ""
    day = "business day" if row.get("pacing_days") == "business" else "day"
    return f"month to date, {day} {row['days_elapsed']} of {row['days_in_period']}"


def compared_target(row: Row) -> Any:
    """The target the attainment and status are computed against: the pace target when paced."""
    return row["pace_target"] if is_paced(row) else row["target"]


def card_target(row: Row, unit: str) -> str:
    if row["target"] is None:
        return "no target"
    if is_paced(row):
        return f"{formatted(row['pace_target'], unit)} to date (month {formatted(row['target'], unit)})"
    return formatted(row["target"], unit)


def card(row: Row, ctx: Context) -> Card:
    unit = kpi_unit(row["kpi_name"])
    previous = ctx.previous_month()
    change = signed_percent(row["change_pct"]) if row["change_pct"] is not None else (
        formatted(row["change_absolute"], unit) if row["change_absolute"] is not None else "n/a"
    )
    label = kpi_label(row["kpi_name"], ctx.currency)
    phrase = period_phrase(row)
    return Card(
        key=row["kpi_name"],
        label=f"{label} · {phrase}" if phrase else label,
        value=formatted(row["value"], unit),
        status=row["status"],  # the mart's: by pace in a month in progress
        target=card_target(row, unit),
        attainment=percent(row["attainment"]),
        change=change,
        change_tone=change_tone(row),
        previous_label=f"vs {month_label(previous)}" if previous else "",
    )


def row_cells(row: Row, ctx: Context) -> dict[str, Any]:
    unit = kpi_unit(row["kpi_name"])
    return {
        "kpi": kpi_label(row["kpi_name"], ctx.currency),
        "dimension_type": row["dimension_type"],
        "dimension": ctx.names.label(row["dimension_type"], row["dimension_value"]),
        "value": Cell(plain(row["value"]), formatted(row["value"], unit)),
        "target": Cell(plain(row["target"]), formatted(row["target"], unit)),
        "attainment": row["attainment"],
        "status": STATUS_LABELS.get(row["status"], "no target" if row["status"] is None else row["status"]),
        "previous": Cell(plain(row["previous_period_value"]), formatted(row["previous_period_value"], unit)),
        "change_pct": row["change_pct"],
        "pace_target": Cell(plain(row.get("pace_target")), formatted(row.get("pace_target"), unit)),
        "projected": Cell(plain(row.get("projected_value")), formatted(row.get("projected_value"), unit)),
    }


TOTAL_COLUMNS = (
    Column("kpi", "KPI"), Column("value", "value"), Column("target", "target"),
    Column("attainment", "attainment", "percent"), Column("status", "status"),
    Column("previous", "previous month"), Column("change_pct", "change", "signed_percent"),
)
DIMENSION_COLUMNS = (
    Column("kpi", "KPI"), Column("dimension_type", "by"), Column("dimension", "value of"),
    Column("value", "value"), Column("target", "target"), Column("attainment", "attainment", "percent"),
    Column("status", "status"), Column("change_pct", "change", "signed_percent"),
)
# a month in progress: the pace target (what attainment compares with) and the projection, after the target
PACING_TABLE_COLUMNS = (Column("pace_target", "target to date"), Column("projected", "projected month"))


def with_pacing(columns: tuple[Column, ...], partial: bool) -> tuple[Column, ...]:
    if not partial:
        return columns
    at = [c.key for c in columns].index("target") + 1
    return (*columns[:at], *PACING_TABLE_COLUMNS, *columns[at:])


def attainment_chart(totals: list[Row], ctx: Context) -> Block:
    partial = any(is_partial(r) for r in totals)
    phrase = next((period_phrase(r) for r in totals if is_partial(r)), "")
    with_target = [r for r in totals if r["attainment"] is not None]
    title = f"Attainment of target, {month_label(ctx.latest_month)}" + (f" ({phrase})" if phrase else "")
    if not with_target:
        return no_data(title, MART, f"no KPI has a target for {month_label(ctx.latest_month)}: the data set has no "
                                    "targets for it (ref_kpi_targets), so the cards show values without attainment")
    labels = [kpi_label(r["kpi_name"], ctx.currency) for r in with_target]
    trace = go.Bar(
        x=[plain(r["attainment"]) for r in with_target],
        y=labels,
        orientation="h",
        marker={"color": [STATUS_COLOURS.get(r["status"], STATUS_COLOURS[None]) for r in with_target]},
        text=[percent(r["attainment"]) for r in with_target],
        textposition="outside",
        cliponaxis=False,
        name="attainment",
        customdata=[[formatted(r["value"], kpi_unit(r["kpi_name"])),
                     formatted(compared_target(r), kpi_unit(r["kpi_name"]))]
                    for r in with_target],
        hovertemplate="%{y}: %{x:.1%} of target (value %{customdata[0]}, target %{customdata[1]})<extra></extra>",
    )
    fig = figure([trace], {
        "xaxis": {"tickformat": ".0%", "title": {"text": "attainment (above 100 % = better than target)"},
                  "rangemode": "tozero"},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "shapes": [{"type": "line", "x0": 1, "x1": 1, "yref": "paper", "y0": 0, "y1": 1,
                    "line": {"color": "#1f2937", "dash": "dot", "width": 1}}],
        "showlegend": False,
        "margin": {"l": 200, "r": 60, "t": 20, "b": 50},
    })
    rows = tuple(TableRow(row_cells(r, ctx)) for r in totals)
    return Chart(
        chart_id="scorecard-attainment",
        title=title,
        figure=fig,
        table=Table(with_pacing(TOTAL_COLUMNS, partial), rows),
        mart=MART,
        note="Attainment is value / target for higher-is-better KPIs and target / value for costs, so above "
             "100 % is always better than target. Green: on track, amber: at risk, red: off track; KPIs "
             "without a target are in the table only."
             + (" The month is in progress: revenue, MQLs and SQLs are compared with the target's share of "
                "the days elapsed (target to date), every other KPI with its target." if partial else ""),
        height=max(260, 34 * len(with_target) + 80),
    )


def blocks(source: MartSource, ctx: Context) -> list[Block]:
    pacing = [c for c in PACING_COLUMNS if c in source.columns(MART)]
    rows = require_rows(
        source.rows(MART, COLUMNS + pacing, where={"period_month": ctx.latest_month}),
        MART, f"the latest month {ctx.latest_month}", source)
    partial = any(is_partial(r) for r in rows)
    totals = sorted((r for r in rows if r["dimension_type"] == "total"), key=lambda r: kpi_order(r["kpi_name"]))
    others = sorted(
        (r for r in rows if r["dimension_type"] != "total"),
        key=lambda r: (kpi_order(r["kpi_name"]), DIMENSION_ORDER.get(r["dimension_type"], 9), r["dimension_type"],
                       ctx.names.label(r["dimension_type"], r["dimension_value"]).lower(), r["dimension_value"]),
    )
    by_dimension = Table(
        with_pacing(DIMENSION_COLUMNS, partial),
        tuple(TableRow(row_cells(r, ctx), channel=r["dimension_value"] if r["dimension_type"] == "channel" else None)
              for r in others),
    )
    return [
        Cards(tuple(card(r, ctx) for r in totals), mart=MART),
        attainment_chart(totals, ctx),
        TableBlock("scorecard-by-dimension", f"Scorecard by channel, segment, team, rep and campaign, "
                   f"{month_label(ctx.latest_month)}", by_dimension, mart=MART, open=True, wide=False),
    ]


def build(source: MartSource, ctx: Context) -> Section:
    return Section(
        section_id="scorecard",
        title=f"Scorecard: {month_label(ctx.latest_month)}",
        intro=f"Is the month on target? Every KPI of {month_label(ctx.latest_month)} (the as-of month; data as of "
              f"{ctx.as_of}) against its monthly target, with the change vs the previous month.",
        blocks=guarded("Scorecard", lambda: blocks(source, ctx)),
    )
