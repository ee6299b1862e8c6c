"""Marketing ROI by channel under the six attribution models side by side (mart kpi_marketing_roi).

The same spend and the same won revenue, credited to channels by six models:
the chart shows how much the choice of model changes which channels look like
they pay back. Window values are sum(roi_numerator) / sum(roi_denominator) and
sum(roas_numerator) / sum(roas_denominator) over the window's months.
"""

from __future__ import annotations

import plotly.graph_objects as go

from kpi_pipeline.report.context import Context
from kpi_pipeline.report.figures import channel_colours, colour, figure, small_multiples
from kpi_pipeline.report.model import Block, Chart, Column, Section, Table, TableRow
from kpi_pipeline.report.numbers import money, multiple, percent, plain, ratio, total
from kpi_pipeline.report.sections.common import groups, guarded, in_window, no_data, require_rows
from kpi_pipeline.report.source import MartSource, Row

MART = "kpi_marketing_roi"
COLUMNS = [
    "period_month", "dimension_type", "dimension_value", "attribution_model", "is_default_model",
    "marketing_spend", "attributed_deals", "attributed_revenue", "roi_numerator", "roi_denominator",
    "roas_numerator", "roas_denominator",
]
MODEL_LABELS = {
    "first_touch": "First touch",
    "last_touch": "Last touch",
    "linear": "Linear",
    "time_decay": "Time decay",
    "position_based": "Position-based (U)",
    "w_shaped": "W-shaped",
}


def model_order(model: str) -> tuple[int, str]:
    order = list(MODEL_LABELS)
    return (order.index(model) if model in order else len(order), model)


MODEL_SHORT = {
    "first_touch": "first", "last_touch": "last", "linear": "linear", "time_decay": "decay",
    "position_based": "U", "w_shaped": "W",
}
MODEL_LEGEND = ", ".join(f"{MODEL_SHORT[m]} = {label}" for m, label in MODEL_LABELS.items())


def model_short(model: str, default: str | None) -> str:
    short = MODEL_SHORT.get(model, model)
    return f"{short}*" if model == default else short


def model_label(model: str, default: str | None) -> str:
    label = MODEL_LABELS.get(model, model)
    return f"{label} (default)" if model == default else label


def window_sums(rows: list[Row]) -> dict[str, object]:
    keys = ("marketing_spend", "attributed_deals", "attributed_revenue", "roi_numerator", "roi_denominator",
            "roas_numerator", "roas_denominator")
    sums = {k: total(r[k] for r in rows) for k in keys}
    sums["roi"] = ratio(sums["roi_numerator"], sums["roi_denominator"])
    sums["roas"] = ratio(sums["roas_numerator"], sums["roas_denominator"])
    return sums


def blocks(source: MartSource, ctx: Context) -> list[Block]:
    rows = in_window(source.rows(MART, COLUMNS, where={"dimension_type": "channel"}), ctx.window)
    require_rows(rows, MART, f"channels in the window {ctx.window_label}", source)
    default = next((r["attribution_model"] for r in rows if r["is_default_model"]), None)
    models = sorted({r["attribution_model"] for r in rows}, key=model_order)
    channels = sorted({r["dimension_value"] for r in rows}, key=lambda c: (ctx.names.label("channel", c).lower(), c))
    cell: dict[tuple[str, str], dict[str, object]] = {}
    for model, model_rows in groups(rows, "attribution_model").items():
        for channel, channel_rows in groups(model_rows, "dimension_value").items():
            cell[(model, channel)] = window_sums(channel_rows)
    empty = window_sums([])
    with_spend = [c for c in channels if any(cell.get((m, c), empty)["roi"] is not None for m in models)]
    model_names = [model_short(m, default) for m in models]
    panels = []
    for c in with_spend:
        sums = [cell.get((m, c), empty) for m in models]
        panels.append((ctx.names.label("channel", c), go.Bar(
            x=model_names, y=[s["roi"] for s in sums], name=ctx.names.label("channel", c), meta={"channel": c},
            marker={"color": [colour(i) for i in range(len(models))]},
            text=[percent(s["roi"], 0) for s in sums], textposition="outside", cliponaxis=False,
            customdata=[[model_label(m, default), money(s["attributed_revenue"]), money(s["marketing_spend"]),
                         multiple(s["roas"])] for m, s in zip(models, sums)],
            hovertemplate="%{customdata[0]}: ROI %{y:.0%} (revenue %{customdata[1]}, spend %{customdata[2]}, "
                          "ROAS %{customdata[3]})<extra>%{fullData.name}</extra>",
        )))
    roi_title = f"Marketing ROI by channel under each attribution model, {ctx.window_label}"
    if not panels:
        # a data set without ad spend (no ads system): no channel has an ROI, under any model
        return [no_data(
            roi_title, MART,
            f"no channel has marketing spend in {ctx.window_label}: the data set has no ad spend, so there is no "
            "ROI to show (the won revenue each model credits to the channels is in the next chart)"),
            revenue_chart(cell, channels, models, default, ctx)]
    roi_fig = small_multiples(panels, {"showlegend": False, "margin": {"t": 40}})
    for key in [k for k in roi_fig["layout"] if k.startswith("yaxis")]:
        roi_fig["layout"][key].update({"tickformat": ".0%", "rangemode": "tozero", "automargin": True})
    for key in [k for k in roi_fig["layout"] if k.startswith("xaxis")]:
        roi_fig["layout"][key].update({"tickangle": -45})
    roi_rows = tuple(
        TableRow({"channel": ctx.names.label("channel", c), "model": model_label(m, default),
                  **{k: cell.get((m, c), empty)[k] for k in ("marketing_spend", "attributed_revenue", "roi", "roas")}},
                 channel=c)
        for c in channels for m in models
    )
    roi_chart = Chart(
        chart_id="roi-by-model",
        title=roi_title,
        figure=roi_fig,
        table=Table((Column("channel", "channel"), Column("model", "attribution model"),
                     Column("marketing_spend", f"spend ({ctx.currency})", "money"),
                     Column("attributed_revenue", f"attributed revenue ({ctx.currency})", "money"),
                     Column("roi", "ROI", "percent"), Column("roas", "ROAS", "multiple")), roi_rows),
        mart=MART,
        channel_filter="traces",
        height=400,
        wide=True,
        note="ROI = (attributed revenue - spend) / spend over the window, one panel (with its own scale) per channel "
             f"with spend; models: {MODEL_LEGEND}; * = the default model. Channels without spend (organic, referral, "
             "direct, unattributed) have no ROI (n/a in the table); their credited revenue is in the next chart.",
    )
    return [roi_chart, revenue_chart(cell, channels, models, default, ctx)]


def revenue_chart(cell: dict[tuple[str, str], dict[str, object]], channels: list[str], models: list[str],
                  default: str | None, ctx: Context) -> Chart:
    """Who gets the credit for the won revenue under each model (drawn with or without ad spend)."""
    empty = window_sums([])
    colours = channel_colours(ctx.channel_ids)
    model_names = [model_label(m, default) for m in models]
    revenue_traces = [
        go.Bar(
            x=model_names, y=[plain(cell.get((m, c), empty)["attributed_revenue"]) for m in models],
            name=ctx.names.label("channel", c), marker={"color": colours.get(c, "#7f7f7f")}, meta={"channel": c},
            hovertemplate="%{x}: %{y:,.2f}<extra>%{fullData.name}</extra>",
        )
        for c in channels
    ]
    revenue_fig = figure(revenue_traces, {
        "barmode": "stack", "yaxis": {"tickformat": ",.0f", "title": {"text": f"attributed revenue ({ctx.currency})"}},
    })
    revenue_rows = tuple(
        TableRow({"model": model_label(m, default), "channel": ctx.names.label("channel", c),
                  "attributed_revenue": cell.get((m, c), empty)["attributed_revenue"],
                  "attributed_deals": cell.get((m, c), empty)["attributed_deals"]}, channel=c)
        for m in models for c in channels
    )
    return Chart(
        chart_id="roi-revenue-by-model",
        title=f"Who gets the credit: won revenue by channel under each model, {ctx.window_label}",
        figure=revenue_fig,
        table=Table((Column("model", "attribution model"), Column("channel", "channel"),
                     Column("attributed_revenue", f"attributed revenue ({ctx.currency})", "money"),
                     Column("attributed_deals", "attributed deals", "count")), revenue_rows),
        mart=MART,
        channel_filter="traces",
        height=420,
        wide=True,
        note="Every model splits the same won revenue; a deal without a touch in the lookback window is "
             "'Unattributed'.",
    )


def build(source: MartSource, ctx: Context) -> Section:
    return Section(
        section_id="roi",
        title="Marketing ROI by attribution model",
        intro="Which channels pay back, and how much does that depend on the attribution model? Six models side "
              f"by side over {ctx.window_label}.",
        blocks=guarded("Marketing ROI", lambda: blocks(source, ctx)),
    )
