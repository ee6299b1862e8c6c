"""Acquisition costs over time: cost per lead, cost per opportunity and CAC
(marts kpi_cost_per_lead, kpi_cost_per_opportunity, kpi_cac, kpi_attributed_acquisition).

Monthly values are the marts' own; the channel CAC bars add up the window's
numerators and denominators (attributed, under the default attribution model).
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from kpi_pipeline.report.context import TOTAL_LABEL, Context
from kpi_pipeline.report.figures import TOTAL_COLOUR, channel_colours, colour, figure, month_axis, \
    month_trace_options, time_lines
from kpi_pipeline.report.model import Block, Chart, Column, Section, Table, TableRow
from kpi_pipeline.report.numbers import count, money, ratio, total
from kpi_pipeline.report.sections.common import groups, guarded, in_window, monthly, require_rows
from kpi_pipeline.report.source import MartSource, Row

CPL = "kpi_cost_per_lead"
CPO = "kpi_cost_per_opportunity"
CAC = "kpi_cac"
ATTRIBUTED = "kpi_attributed_acquisition"


def channels_over_time(
    rows: list[Row], ctx: Context, value: str, parts: Sequence[tuple[str, str, str]],
    chart_id: str, title: str, mart: str, y_title: str, note: str,
) -> Chart:
    """A line per channel plus the total (bold) over every month; the table has the parts of every row."""
    colours = channel_colours(ctx.channel_ids)
    by_dim = groups(rows, "dimension_value")
    channels = sorted((c for c in by_dim if c != "all"), key=lambda c: (ctx.names.label("channel", c).lower(), c))
    series = [(TOTAL_LABEL, None, ctx.months, monthly(by_dim.get("all", []), ctx.months, value))]
    series += [(ctx.names.label("channel", c), c, ctx.months, monthly(by_dim[c], ctx.months, value)) for c in channels]
    fig = time_lines(series, "money", colours, y_title)
    ordered = sorted(rows, key=lambda r: (r["period_month"], r["dimension_type"] != "total",
                                          ctx.names.label("channel", r["dimension_value"]).lower()))
    table_rows = tuple(
        TableRow({"month": r["period_month"], "channel": ctx.names.label(r["dimension_type"], r["dimension_value"]),
                  **{key: r[key] for key, _, _ in parts}, value: r[value]},
                 month=r["period_month"], channel=r["dimension_value"] if r["dimension_type"] == "channel" else None)
        for r in ordered
    )
    columns = (Column("month", "month"), Column("channel", "channel"),
               *(Column(key, label, unit) for key, label, unit in parts), Column(value, y_title, "money"))
    return Chart(chart_id=chart_id, title=title, figure=fig, table=Table(columns, table_rows), mart=mart,
                 months_filter=True, channel_filter="traces", note=note)


def cpl_blocks(source: MartSource, ctx: Context) -> list[Block]:
    columns = ["period_month", "dimension_type", "dimension_value", "marketing_spend", "new_leads", "cost_per_lead"]
    rows = require_rows(source.rows(CPL, columns, where={"dimension_type": ["total", "channel"]}), CPL, "the total",
                        source)
    return [channels_over_time(
        rows, ctx, "cost_per_lead",
        (("marketing_spend", f"spend ({ctx.currency})", "money"), ("new_leads", "new leads", "count")),
        "cpl-by-channel", "Cost per lead by source channel", CPL, f"cost per lead ({ctx.currency})",
        "Media spend of the month / leads created in the month, by the lead's source channel. Organic channels "
        "have leads but no spend (0); a gap is a month with spend and no lead (n/a).",
    )]


def cpo_blocks(source: MartSource, ctx: Context) -> list[Block]:
    columns = ["period_month", "dimension_type", "dimension_value", "marketing_spend", "new_opportunities",
               "cost_per_opportunity"]
    rows = require_rows(source.rows(CPO, columns, where={"dimension_type": ["total", "channel"]}), CPO, "the total",
                        source)
    return [channels_over_time(
        rows, ctx, "cost_per_opportunity",
        (("marketing_spend", f"spend ({ctx.currency})", "money"), ("new_opportunities", "new opportunities", "count")),
        "cpo-by-channel", "Cost per opportunity by source channel", CPO, f"cost per opportunity ({ctx.currency})",
        "Media spend / opportunities created in the month. Next to cost per lead it shows whether cheap leads "
        "turn into deals; a gap is a month without a new opportunity (n/a).",
    )]


CAC_PARTS = (
    ("media_spend", "media spend", "money"), ("marketing_costs", "marketing costs", "money"),
    ("sales_costs", "sales costs", "money"), ("acquisition_cost", "acquisition cost", "money"),
    ("new_customers", "new customers", "count"), ("blended_cac", "blended CAC", "money"),
    ("paid_media_spend", "paid media spend", "money"), ("new_paid_customers", "new paid customers", "count"),
    ("paid_cac", "paid CAC", "money"),
)


def cac_blocks(source: MartSource, ctx: Context) -> list[Block]:
    columns = ["period_month", "dimension_type", "dimension_value", *(c for c, _, _ in CAC_PARTS)]
    rows = require_rows(source.rows(CAC, columns, where={"dimension_type": "total"}), CAC, "the total", source)
    traces = [
        go.Scatter(x=list(ctx.months), y=monthly(rows, ctx.months, column), name=label, mode="lines+markers",
                   line={"color": line_colour, "width": width}, connectgaps=False,
                   customdata=monthly(rows, ctx.months, customers),
                   hovertemplate="%{x}: %{y:,.2f} (%{customdata} customers)<extra>%{fullData.name}</extra>",
                   **month_trace_options())
        for column, label, customers, line_colour, width in (
            ("blended_cac", "blended CAC", "new_customers", TOTAL_COLOUR, 3),
            ("paid_cac", "paid CAC", "new_paid_customers", colour(5), 1.8),
        )
    ]
    fig = figure(traces, {"xaxis": month_axis(), "yaxis": {"title": {"text": f"CAC ({ctx.currency})"},
                                                           "tickformat": ",.0f"}})
    table_rows = tuple(TableRow({"month": r["period_month"], **{c: r[c] for c, _, _ in CAC_PARTS}},
                                month=r["period_month"]) for r in rows)
    return [Chart(
        chart_id="cac-over-time",
        title="Customer acquisition cost: blended and paid",
        figure=fig,
        table=Table((Column("month", "month"), *(Column(c, label, unit) for c, label, unit in CAC_PARTS)), table_rows),
        mart=CAC,
        months_filter=True,
        note="Blended: (media spend + marketing and sales costs) / new customers; paid: paid-channel media spend / "
             "new customers from paid channels. A gap is a month without a new (paid) customer.",
    )]


def attributed_cac_blocks(source: MartSource, ctx: Context) -> list[Block]:
    columns = ["period_month", "dimension_type", "dimension_value", "attribution_model", "is_default_model",
               "cac_numerator", "cac_denominator"]
    rows = [r for r in source.rows(ATTRIBUTED, columns, where={"dimension_type": "channel"}) if r["is_default_model"]]
    rows = require_rows(in_window(rows, ctx.window), ATTRIBUTED, "the default attribution model", source)
    model = rows[0]["attribution_model"]
    by_channel = groups(rows, "dimension_value")
    channels = sorted(by_channel, key=lambda c: (ctx.names.label("channel", c).lower(), c))
    spend = {c: total(r["cac_numerator"] for r in by_channel[c]) for c in channels}
    customers = {c: total(r["cac_denominator"] for r in by_channel[c]) for c in channels}
    values = [ratio(spend[c], customers[c]) for c in channels]
    colours = channel_colours(ctx.channel_ids)
    trace = go.Bar(
        x=[ctx.names.label("channel", c) for c in channels], y=values, name=f"CAC ({model})",
        marker={"color": [colours.get(c, "#7f7f7f") for c in channels]}, meta={"channels": channels},
        text=[money(v) for v in values], textposition="outside", cliponaxis=False,
        customdata=[[money(spend[c]), count(customers[c])] for c in channels],
        hovertemplate="%{x}: %{y:,.2f} (spend %{customdata[0]} / %{customdata[1]} customers)<extra></extra>",
    )
    fig = figure([trace], {"yaxis": {"title": {"text": f"CAC ({ctx.currency})"}, "tickformat": ",.0f"},
                           "showlegend": False})
    table_rows = tuple(
        TableRow({"channel": ctx.names.label("channel", c), "spend": spend[c], "customers": customers[c],
                  "cac": ratio(spend[c], customers[c])}, channel=c)
        for c in channels
    )
    return [Chart(
        chart_id="cac-by-channel",
        title=f"CAC by channel, {ctx.window_label} (attributed, {model} model)",
        figure=fig,
        table=Table((Column("channel", "channel"), Column("spend", f"media spend ({ctx.currency})", "money"),
                     Column("customers", "attributed new customers", "count"),
                     Column("cac", f"CAC ({ctx.currency})", "money")), table_rows),
        mart=ATTRIBUTED,
        channel_filter="categories",
        note="Media spend of the channel / new customers credited to it by the default attribution model, both "
             "summed over the window. Channels without spend have CAC 0; n/a is a channel without attributed "
             "customers.",
    )]


def build(source: MartSource, ctx: Context) -> Section:
    return Section(
        section_id="costs",
        title="Acquisition costs",
        intro="What does a lead, an opportunity and a customer cost, per channel and month?",
        blocks=[
            *guarded("Cost per lead", lambda: cpl_blocks(source, ctx)),
            *guarded("Cost per opportunity", lambda: cpo_blocks(source, ctx)),
            *guarded("CAC", lambda: cac_blocks(source, ctx)),
            *guarded("CAC by channel", lambda: attributed_cac_blocks(source, ctx)),
        ],
    )
