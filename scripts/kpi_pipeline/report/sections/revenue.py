"""Revenue and MRR: bookings by month and source channel against target, and the MRR bridge
(marts kpi_revenue, kpi_scorecard for the revenue target, kpi_mrr)."""

from __future__ import annotations

import plotly.graph_objects as go

from kpi_pipeline.report.context import TOTAL_LABEL, Context, month_label
from kpi_pipeline.report.figures import TOTAL_COLOUR, channel_colours, figure, hover, month_axis, \
    month_trace_options
from kpi_pipeline.report.model import Block, Chart, Column, Section, Table, TableRow
from kpi_pipeline.report.numbers import money, plain
from kpi_pipeline.report.sections.common import by_key, groups, guarded, monthly, require_rows
from kpi_pipeline.report.source import MartSource, MartUnavailable, Row

REVENUE = "kpi_revenue"
SCORECARD = "kpi_scorecard"
MRR = "kpi_mrr"
REVENUE_COLUMNS = [
    "period_month", "dimension_type", "dimension_value", "is_partial_month", "revenue", "won_deals",
    "revenue_change_vs_prev_month", "revenue_growth_vs_prev_month", "revenue_growth_vs_last_year",
]
# bridge column, label, sign in the bridge
BRIDGE = (
    ("new_mrr", "new", 1), ("expansion_mrr", "expansion", 1), ("contraction_mrr", "contraction", -1),
    ("churned_mrr", "churned", -1), ("reactivation_mrr", "reactivation", 1), ("fx_effect_mrr", "FX effect", 1),
)
BRIDGE_COLOURS = {
    "new_mrr": "#0072B2", "expansion_mrr": "#009E73", "contraction_mrr": "#E69F00", "churned_mrr": "#b91c1c",
    "reactivation_mrr": "#56B4E9", "fx_effect_mrr": "#9ca3af",
}


def revenue_targets(source: MartSource) -> dict[str, Row]:
    """The scorecard's revenue rows (total) by month; empty when the scorecard is not built."""
    try:
        rows = source.rows(SCORECARD, ["kpi_name", "period_month", "dimension_type", "target", "attainment", "status"],
                           where={"kpi_name": "revenue", "dimension_type": "total"})
    except MartUnavailable:
        return {}
    return {r["period_month"]: r for r in rows}


def revenue_blocks(source: MartSource, ctx: Context) -> list[Block]:
    rows = require_rows(source.rows(REVENUE, REVENUE_COLUMNS, where={"dimension_type": ["total", "channel"]}),
                        REVENUE, "the total", source)
    targets = revenue_targets(source)
    by_dim = groups(rows, "dimension_value")
    channels = sorted((c for c in by_dim if c != "all"), key=lambda c: (ctx.names.label("channel", c).lower(), c))
    colours = channel_colours(ctx.channel_ids)
    traces: list = [
        go.Bar(x=list(ctx.months), y=monthly(by_dim[c], ctx.months, "revenue"), name=ctx.names.label("channel", c),
               marker={"color": colours.get(c, "#7f7f7f")}, meta={"channel": c}, hovertemplate=hover("money"),
               **month_trace_options())
        for c in channels
    ]
    totals = by_dim.get("all", [])
    traces.append(go.Scatter(x=list(ctx.months), y=monthly(totals, ctx.months, "revenue"), name=TOTAL_LABEL,
                             mode="lines+markers", line={"color": TOTAL_COLOUR, "width": 2.5},
                             hovertemplate=hover("money"), **month_trace_options()))
    if targets:
        traces.append(go.Scatter(
            x=list(ctx.months), y=[plain(targets[m]["target"]) if m in targets else None for m in ctx.months],
            name="target", mode="lines", line={"color": "#b91c1c", "dash": "dash", "width": 2}, connectgaps=False,
            hovertemplate=hover("money"), **month_trace_options(),
        ))
    partial = [r["period_month"] for r in totals if r["is_partial_month"]]
    fig = figure(traces, {"barmode": "stack", "xaxis": month_axis(),
                          "yaxis": {"title": {"text": f"revenue ({ctx.currency})"}, "tickformat": ",.0f"}})
    ordered = sorted(rows, key=lambda r: (r["period_month"], r["dimension_type"] != "total",
                                          ctx.names.label("channel", r["dimension_value"]).lower()))
    table_rows = []
    for r in ordered:
        target = targets.get(r["period_month"]) if r["dimension_type"] == "total" else None
        table_rows.append(TableRow(
            {"month": r["period_month"], "channel": ctx.names.label(r["dimension_type"], r["dimension_value"]),
             **{c: r[c] for c in REVENUE_COLUMNS[4:]},
             "target": target["target"] if target else None, "attainment": target["attainment"] if target else None},
            month=r["period_month"], channel=r["dimension_value"] if r["dimension_type"] == "channel" else None,
        ))
    note = ("Closed-won bookings by close month, stacked by the source (first-touch) channel of the deal's lead; the "
            "dashed line is the monthly revenue target (kpi_scorecard).")
    if partial:
        note += f" {', '.join(month_label(m) for m in partial)} is a partial month (data to {ctx.as_of})."
    return [Chart(
        chart_id="revenue-by-month",
        title="Revenue (bookings) by month and source channel, vs target",
        figure=fig,
        table=Table((Column("month", "month"), Column("channel", "channel"),
                     Column("revenue", f"revenue ({ctx.currency})", "money"), Column("won_deals", "won deals", "count"),
                     Column("revenue_change_vs_prev_month", "change vs previous month", "money"),
                     Column("revenue_growth_vs_prev_month", "growth vs previous month", "signed_percent"),
                     Column("revenue_growth_vs_last_year", "growth vs same month last year", "signed_percent"),
                     Column("target", "target", "money"), Column("attainment", "attainment", "percent")),
                    tuple(table_rows)),
        mart=f"{REVENUE}, {SCORECARD}" if targets else REVENUE,
        months_filter=True,
        channel_filter="traces",
        height=420,
        note=note,
    )]


def mrr_blocks(source: MartSource, ctx: Context) -> list[Block]:
    columns = ["period_month", "dimension_type", "dimension_value", "starting_mrr", *(c for c, _, _ in BRIDGE),
               "ending_mrr", "customers_at_start", "customers"]
    rows = require_rows(source.rows(MRR, columns, where={"dimension_type": "total"}), MRR, "the total", source)
    by_month = by_key(rows, "period_month")
    latest = by_month.get((ctx.latest_month,)) or rows[-1]
    steps = [("starting MRR", plain(latest["starting_mrr"]), "absolute")]
    steps += [(label, None if latest[c] is None else sign * plain(latest[c]), "relative") for c, label, sign in BRIDGE]
    steps.append(("ending MRR", plain(latest["ending_mrr"]), "absolute"))
    waterfall = go.Waterfall(
        x=[s[0] for s in steps], y=[s[1] for s in steps], measure=[s[2] for s in steps],
        text=[money(s[1]) if s[2] == "absolute" else (f"{s[1]:+,.2f}" if s[1] is not None else "n/a") for s in steps],
        textposition="outside", cliponaxis=False, name="MRR bridge",
        increasing={"marker": {"color": "#15803d"}}, decreasing={"marker": {"color": "#b91c1c"}},
        totals={"marker": {"color": "#0072B2"}}, connector={"line": {"color": "#9ca3af"}},
        hovertemplate="%{x}: %{y:,.2f}<extra></extra>",
    )
    bridge_fig = figure([waterfall], {"showlegend": False,
                                      "yaxis": {"title": {"text": f"MRR ({ctx.currency})"}, "tickformat": ",.0f"}})
    bridge_rows = tuple(TableRow({"line": label, "amount": value}) for label, value, _ in steps)
    bridge_chart = Chart(
        chart_id="mrr-bridge",
        title=f"MRR bridge, {month_label(latest['period_month'])}",
        figure=bridge_fig,
        table=Table((Column("line", "bridge line"), Column("amount", f"MRR ({ctx.currency})", "money")), bridge_rows),
        mart=MRR,
        note="Starting MRR + new + expansion - contraction - churned + reactivation + FX effect = ending MRR "
             "(the mart's own columns; the bridge is tested in dbt).",
    )
    movement_traces = [
        go.Bar(x=list(ctx.months), y=[None if v is None else sign * v for v in monthly(rows, ctx.months, c)],
               name=label, marker={"color": BRIDGE_COLOURS[c]}, hovertemplate=hover("money"), **month_trace_options())
        for c, label, sign in BRIDGE
    ]
    movement_fig = figure(movement_traces, {
        "barmode": "relative", "xaxis": month_axis(),
        "yaxis": {"title": {"text": f"MRR movement ({ctx.currency})"}, "tickformat": ",.0f"},
    })
    table_columns = (
        Column("period_month", "month"), Column("starting_mrr", "starting", "money"),
        *(Column(c, label, "money") for c, label, _ in BRIDGE), Column("ending_mrr", "ending", "money"),
        Column("customers_at_start", "customers at start", "count"), Column("customers", "customers at end", "count"),
    )
    table_rows = tuple(TableRow({c: r[c] for c in columns if c not in ("dimension_type", "dimension_value")},
                                month=r["period_month"]) for r in rows)
    movement_chart = Chart(
        chart_id="mrr-movements",
        title="MRR movements by month",
        figure=movement_fig,
        table=Table(table_columns, table_rows),
        mart=MRR,
        months_filter=True,
        note="The bridge lines of each month: new, expansion, reactivation and a positive FX effect above zero, "
             "contraction and churn below.",
    )
    ending_fig = figure([go.Scatter(
        x=list(ctx.months), y=monthly(rows, ctx.months, "ending_mrr"), name="ending MRR", mode="lines+markers",
        fill="tozeroy", fillcolor="rgba(0, 114, 178, 0.15)", line={"color": TOTAL_COLOUR, "width": 2.5}, customdata=monthly(rows, ctx.months, "customers"),
        hovertemplate="%{x}: %{y:,.2f} (%{customdata} customers)<extra></extra>", **month_trace_options(),
    )], {"xaxis": month_axis(), "yaxis": {"title": {"text": f"MRR ({ctx.currency})"}, "tickformat": ",.0f"},
         "showlegend": False})
    ending_chart = Chart(
        chart_id="mrr-ending",
        title="MRR at the end of each month",
        figure=ending_fig,
        table=Table((Column("period_month", "month"), Column("ending_mrr", f"ending MRR ({ctx.currency})", "money"),
                     Column("customers", "customers at end", "count")), table_rows),
        mart=MRR,
        months_filter=True,
        note="The sum of active customers' MRR on the month's valuation date (month end, or the as-of date).",
    )
    return [bridge_chart, ending_chart, movement_chart]


def build(source: MartSource, ctx: Context) -> Section:
    return Section(
        section_id="revenue",
        title="Revenue and MRR",
        intro="Bookings by month against target, where they came from, and how recurring revenue moved.",
        blocks=[
            *guarded("Revenue", lambda: revenue_blocks(source, ctx)),
            *guarded("MRR", lambda: mrr_blocks(source, ctx)),
        ],
    )
