"""Win rate by rep and team (mart kpi_win_rate): won / (won + lost) of the deals closed.

Window values are sum(won) / sum(closed) (by count and by amount) over the
window's months, never an average of monthly rates; a rep or team without a
closed deal has no win rate (n/a, no bar).
"""

from __future__ import annotations

import plotly.graph_objects as go

from kpi_pipeline.report.context import Context
from kpi_pipeline.report.figures import TOTAL_COLOUR, colour, figure, month_axis, month_trace_options
from kpi_pipeline.report.model import Block, Chart, Column, Section, Table, TableRow
from kpi_pipeline.report.numbers import count, percent, ratio, total
from kpi_pipeline.report.sections.common import groups, guarded, in_window, monthly, no_data, require_rows
from kpi_pipeline.report.source import MartSource, Row

MART = "kpi_win_rate"
COLUMNS = [
    "period_month", "dimension_type", "dimension_value", "won_count", "lost_count", "closed_count",
    "win_rate_count", "won_amount", "lost_amount", "closed_amount", "win_rate_amount",
]
SUM_COLUMNS = ("won_count", "lost_count", "closed_count", "won_amount", "lost_amount", "closed_amount")


def window_sums(rows: list[Row]) -> dict[str, object]:
    sums: dict[str, object] = {c: total(r[c] for r in rows) for c in SUM_COLUMNS}
    sums["win_rate_count"] = ratio(sums["won_count"], sums["closed_count"])
    sums["win_rate_amount"] = ratio(sums["won_amount"], sums["closed_amount"])
    return sums


def window_columns(label: str, currency: str) -> tuple[Column, ...]:
    return (
        Column("name", label), Column("won_count", "won", "count"), Column("lost_count", "lost", "count"),
        Column("closed_count", "closed", "count"), Column("win_rate_count", "win rate (count)", "percent"),
        Column("won_amount", f"won amount ({currency})", "money"),
        Column("closed_amount", f"closed amount ({currency})", "money"),
        Column("win_rate_amount", "win rate (amount)", "percent"),
    )


def rep_chart(rows: list[Row], ctx: Context) -> Block:
    window = in_window([r for r in rows if r["dimension_type"] == "rep"], ctx.window)
    if not window:
        return no_data(f"Win rate by rep (owner at close), {ctx.window_label}", MART,
                       f"no rep closed a deal in {ctx.window_label}")
    sums = {rep: window_sums(rep_rows) for rep, rep_rows in groups(window, "dimension_value").items()}
    reps = sorted(sums, key=lambda rep: (sums[rep]["win_rate_count"] is None, -(sums[rep]["win_rate_count"] or 0),
                                         ctx.names.label("rep", rep).lower(), rep))
    labels = [ctx.names.label("rep", rep) for rep in reps]
    trace = go.Bar(
        y=labels, x=[sums[rep]["win_rate_count"] for rep in reps], orientation="h", name="win rate (count)",
        marker={"color": colour(0)},
        text=[f"{percent(sums[rep]['win_rate_count'])} ({count(sums[rep]['won_count'])} of "
              f"{count(sums[rep]['closed_count'])})" for rep in reps],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.1%}<extra>%{fullData.name}</extra>",
    )
    no_close = [{"x": 0, "y": label, "text": "n/a (no closed deal)", "showarrow": False, "xanchor": "left",
                 "font": {"color": "#6b7280", "size": 11}}
                for rep, label in zip(reps, labels) if sums[rep]["win_rate_count"] is None]
    fig = figure([trace], {"yaxis": {"autorange": "reversed", "automargin": True},
                           "xaxis": {"tickformat": ".0%", "range": [0, 1.25], "title": {"text": "win rate (count)"}},
                           "showlegend": False, "margin": {"l": 130, "r": 30}, "annotations": no_close})
    table_rows = tuple(TableRow({"name": ctx.names.label("rep", rep), **sums[rep]}) for rep in reps)
    return Chart(
        chart_id="win-rate-by-rep",
        title=f"Win rate by rep (owner at close), {ctx.window_label}",
        figure=fig,
        table=Table(window_columns("rep", ctx.currency), table_rows),
        mart=MART,
        height=max(300, 26 * len(reps) + 70),
        note="Deals won / deals closed (won + lost) over the window; reps without a closed deal have no bar (n/a).",
    )


def team_chart(rows: list[Row], ctx: Context) -> Block:
    window = in_window([r for r in rows if r["dimension_type"] in ("team", "total")], ctx.window)
    if not window:
        return no_data(f"Win rate by team (the owner's team at close), {ctx.window_label}", MART,
                       f"no deal closed in {ctx.window_label}")
    sums: dict[tuple[str, str], dict[str, object]] = {}
    for r_type in ("total", "team"):
        for value, team_rows in groups([r for r in window if r["dimension_type"] == r_type], "dimension_value").items():
            sums[(r_type, value)] = window_sums(team_rows)
    keys = sorted(sums, key=lambda k: (k[0] != "total", ctx.names.label(k[0], k[1]).lower(), k[1]))
    labels = [ctx.names.label(t, v) for t, v in keys]
    traces = [
        go.Bar(x=labels, y=[sums[k][column] for k in keys], name=label, marker={"color": colour(i)},
               text=[percent(sums[k][column]) for k in keys], textposition="outside", cliponaxis=False,
               hovertemplate="%{x}: %{y:.1%}<extra>%{fullData.name}</extra>")
        for i, (column, label) in enumerate((("win_rate_count", "by count"), ("win_rate_amount", "by amount")))
    ]
    fig = figure(traces, {"barmode": "group", "yaxis": {"tickformat": ".0%", "title": {"text": "win rate"},
                                                        "rangemode": "tozero"}})
    table_rows = tuple(TableRow({"name": ctx.names.label(t, v), **sums[(t, v)]}) for t, v in keys)
    return Chart(
        chart_id="win-rate-by-team",
        title=f"Win rate by team (the owner's team at close), {ctx.window_label}",
        figure=fig,
        table=Table(window_columns("team", ctx.currency), table_rows),
        mart=MART,
        note="By count: deals won / closed; by amount: won amount / closed amount, summed over the window.",
    )


def monthly_chart(rows: list[Row], ctx: Context) -> Chart:
    teams_and_total = [r for r in rows if r["dimension_type"] in ("team", "total")]
    pairs = sorted({(r["dimension_type"], r["dimension_value"]) for r in teams_and_total},
                   key=lambda p: (p[0] != "total", ctx.names.label(p[0], p[1]).lower(), p[1]))
    traces = []
    for i, (t, v) in enumerate(pairs):
        series = [r for r in teams_and_total if (r["dimension_type"], r["dimension_value"]) == (t, v)]
        traces.append(go.Scatter(
            x=list(ctx.months), y=monthly(series, ctx.months, "win_rate_count"), name=ctx.names.label(t, v),
            mode="lines+markers", connectgaps=False, customdata=monthly(series, ctx.months, "closed_count"),
            line={"color": TOTAL_COLOUR if t == "total" else colour(i), "width": 3 if t == "total" else 1.8},
            hovertemplate="%{x}: %{y:.1%} of %{customdata} closed<extra>%{fullData.name}</extra>",
            **month_trace_options(),
        ))
    fig = figure(traces, {"xaxis": month_axis(), "yaxis": {"tickformat": ".0%", "title": {"text": "win rate (count)"},
                                                           "rangemode": "tozero"}})
    ordered = sorted(teams_and_total, key=lambda r: (r["period_month"], r["dimension_type"] != "total",
                                                     ctx.names.label(r["dimension_type"], r["dimension_value"]).lower()))
    table_rows = tuple(
        TableRow({"month": r["period_month"], "name": ctx.names.label(r["dimension_type"], r["dimension_value"]),
                  **{c: r[c] for c in COLUMNS[3:]}}, month=r["period_month"])
        for r in ordered
    )
    return Chart(
        chart_id="win-rate-monthly",
        title="Win rate by month: total and teams",
        figure=fig,
        table=Table((Column("month", "month"), *window_columns("team", ctx.currency)), table_rows),
        mart=MART,
        months_filter=True,
        note="A gap is a month in which the team closed no deal (no win rate, not 0 %).",
    )


def blocks(source: MartSource, ctx: Context) -> list[Block]:
    rows = require_rows(source.rows(MART, COLUMNS, where={"dimension_type": ["total", "rep", "team"]}), MART,
                        "the total", source)
    return [rep_chart(rows, ctx), team_chart(rows, ctx), monthly_chart(rows, ctx)]


def build(source: MartSource, ctx: Context) -> Section:
    return Section(
        section_id="win-rate",
        title="Win rate by rep and team",
        intro="Of the deals that closed, how many did each rep and team win, by count and by amount?",
        blocks=guarded("Win rate", lambda: blocks(source, ctx)),
    )
