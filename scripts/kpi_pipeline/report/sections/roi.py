"""Marketing ROI by channel under the six attribution models side by side (mart kpi_marketing_roi).

The same spend and the same won revenue, credited to channels by six models:
the chart shows how much the choice of model changes which channels look like
they pay back. Window values are sum(roi_numerator) / sum(roi_denominator) and
sum(roas_numerator) / sum(roas_denominator) over the window's months.
"""

from __future__ import annotations

import plotly.graph_objects as go

from kpi_pipeline.report.context import Context
from kpi_pipeline.report.figures import channel_colours, colour, figure
from kpi_pipeline.report.model import Block, Chart, Column, Section, Table, TableRow
from kpi_pipeline.report.numbers import money, multiple, plain, ratio, total
from kpi_pipeline.report.sections.common import groups, guarded, in_window, require_rows
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
    require_rows(rows, MART, f"channels in the window {ctx.window_label}")
    default = next((r["attribution_model"] for r in rows if r["is_default_model"]), None)
    models = sorted({r["attribution_model"] for r in rows}, key=model_order)
    channels = sorted({r["dimension_value"] for r in rows}, key=lambda c: (ctx.names.label("channel", c).lower(), c))
    cell: dict[tuple[str, str], dict[str, object]] = {}
    for model, model_rows in groups(rows, "attribution_model").items():
        for channel, channel_rows in groups(model_rows, "dimension_value").items():
            cell[(model, channel)] = window_sums(channel_rows)
    empty = window_sums([])
    with_spend = [c for c in channels if any(cell.get((m, c), empty)["roi"] is not None for m in models)]
    names = [ctx.names.label("channel", c) for c in with_spend]
    roi_traces = []
    for i, model in enumerate(models):
        sums = [cell.get((model, c), empty) for c in with_spend]
        roi_traces.append(go.Bar(
            x=names, y=[s["roi"] for s in sums], name=model_label(model, default), marker={"color": colour(i)},
            meta={"channels": with_spend},
            customdata=[[money(s["attributed_revenue"]), money(s["marketing_spend"]), multiple(s["roas"])]
                        for s in sums],
            hovertemplate="%{x}: ROI %{y:.0%} (revenue %{customdata[0]}, spend %{customdata[1]}, "
                          "ROAS %{customdata[2]})<extra>%{fullData.name}</extra>",
        ))
    roi_fig = figure(roi_traces, {"barmode": "group", "yaxis": {"tickformat": ".0%", "title": {"text": "ROI"}}})
    roi_rows = tuple(
        TableRow({"channel": ctx.names.label("channel", c), "model": model_label(m, default),
                  **{k: cell.get((m, c), empty)[k] for k in ("marketing_spend", "attributed_revenue", "roi", "roas")}},
                 channel=c)
        for c in channels for m in models
    )
    roi_chart = Chart(
        chart_id="roi-by-model",
        title=f"Marketing ROI by channel under each attribution model, {ctx.window_label}",
        figure=roi_fig,
        table=Table((Column("channel", "channel"), Column("model", "attribution model"),
                     Column("marketing_spend", f"spend ({ctx.currency})", "money"),
                     Column("attributed_revenue", f"attributed revenue ({ctx.currency})", "money"),
                     Column("roi", "ROI", "percent"), Column("roas", "ROAS", "multiple")), roi_rows),
        mart=MART,
        channel_filter="categories",
        height=420,
        note="ROI = (attributed revenue - spend) / spend over the window. Channels without spend (organic, referral, "
             "direct, unattributed) have no ROI (n/a in the table); their credited revenue is in the next chart.",
    )
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
    revenue_chart = Chart(
        chart_id="roi-revenue-by-model",
        title=f"Who gets the credit: won revenue by channel under each model, {ctx.window_label}",
        figure=revenue_fig,
        table=Table((Column("model", "attribution model"), Column("channel", "channel"),
                     Column("attributed_revenue", f"attributed revenue ({ctx.currency})", "money"),
                     Column("attributed_deals", "attributed deals", "count")), revenue_rows),
        mart=MART,
        channel_filter="traces",
        height=420,
        note="Every model splits the same won revenue; a deal without a touch in the lookback window is "
             "'Unattributed'.",
    )
    return [roi_chart, revenue_chart]


def build(source: MartSource, ctx: Context) -> Section:
    return Section(
        section_id="roi",
        title="Marketing ROI by attribution model",
        intro="Which channels pay back, and how much does that depend on the attribution model? Six models side "
              f"by side over {ctx.window_label}.",
        blocks=guarded("Marketing ROI", lambda: blocks(source, ctx)),
    )
