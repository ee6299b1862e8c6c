"""Retention: the cohort heatmap, retention curves by acquisition channel, and monthly logo / revenue
retention (marts kpi_retention_cohorts, kpi_customer_retention)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from kpi_pipeline.report.context import Context, month_label
from kpi_pipeline.report.figures import TOTAL_COLOUR, channel_colours, colour, figure, hover, month_axis, \
    month_trace_options
from kpi_pipeline.report.model import Block, Chart, Column, Section, Table, TableRow
from kpi_pipeline.report.numbers import count, plain, ratio, total
from kpi_pipeline.report.sections.common import groups, guarded, monthly, require_rows
from kpi_pipeline.report.source import MartSource, Row

COHORTS = "kpi_retention_cohorts"
RETENTION = "kpi_customer_retention"
COHORT_COLUMNS = [
    "cohort_month", "months_since_acquisition", "dimension_type", "dimension_value", "customers_acquired",
    "active_customers", "customer_retention_rate", "cohort_starting_mrr", "retained_mrr", "mrr_retention_rate",
]
HEAT_SCALE = [[0.0, "#b91c1c"], [0.5, "#fde68a"], [1.0, "#15803d"]]


def heat_grid(rows: list[Row], cohorts: list[str], ks: list[int]) -> dict[str, Any]:
    cells = {(r["cohort_month"], r["months_since_acquisition"]): r for r in rows}
    z, text, custom = [], [], []
    for cohort in cohorts:
        z_row, text_row, custom_row = [], [], []
        for k in ks:
            r = cells.get((cohort, k))
            rate = plain(r["customer_retention_rate"]) if r else None
            z_row.append(rate)
            text_row.append("" if r is None else ("n/a" if rate is None else f"{rate * 100:.0f}"))
            custom_row.append([count(r["active_customers"]), count(r["customers_acquired"])] if r else ["", ""])
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    return {"z": z, "text": text, "customdata": custom}


def dimension_values(rows: list[Row], ctx: Context) -> list[tuple[str, str]]:
    """(dimension_type, value) pairs: the total first, then channels by name."""
    pairs = sorted({(r["dimension_type"], r["dimension_value"]) for r in rows},
                   key=lambda p: (p[0] != "total", ctx.names.label(p[0], p[1]).lower(), p[1]))
    return pairs


def heatmap_chart(rows: list[Row], ctx: Context) -> Chart:
    cohorts = sorted({r["cohort_month"] for r in rows})
    ks = sorted({r["months_since_acquisition"] for r in rows})
    pairs = dimension_values(rows, ctx)
    by_pair = {p: [r for r in rows if (r["dimension_type"], r["dimension_value"]) == p] for p in pairs}
    grids = {p: heat_grid(by_pair[p], cohorts, ks) for p in pairs}
    first = grids[pairs[0]]
    heat = go.Heatmap(
        x=ks, y=[month_label(c) for c in cohorts], z=first["z"], text=first["text"], customdata=first["customdata"],
        texttemplate="%{text}", textfont={"size": 9}, zmin=0, zmax=1, colorscale=HEAT_SCALE, hoverongaps=False,
        colorbar={"tickformat": ".0%", "title": {"text": "retained"}},
        hovertemplate="cohort %{y}, month %{x}: %{z:.0%} (%{customdata[0]} of %{customdata[1]} customers)"
                      "<extra></extra>",
        name="customer retention",
    )
    buttons = [
        {"label": ctx.names.label(t, v) if t != "total" else "All customers", "method": "restyle",
         "args": [{"z": [grids[(t, v)]["z"]], "text": [grids[(t, v)]["text"]],
                   "customdata": [grids[(t, v)]["customdata"]]}]}
        for t, v in pairs
    ]
    fig = figure([heat], {
        "xaxis": {"title": {"text": "months since acquisition"}, "dtick": 1, "side": "top"},
        "yaxis": {"autorange": "reversed", "title": {"text": "acquisition month"}, "type": "category"},
        "updatemenus": [{"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.12,
                         "yanchor": "bottom", "showactive": True, "active": 0}],
        "margin": {"t": 60},
    })
    totals = by_pair[pairs[0]]
    table_rows = tuple(
        TableRow({"cohort": r["cohort_month"], "k": r["months_since_acquisition"],
                  **{c: r[c] for c in COHORT_COLUMNS[4:]}})
        for r in sorted(totals, key=lambda r: (r["cohort_month"], r["months_since_acquisition"]))
    )
    return Chart(
        chart_id="retention-heatmap",
        title="Customer retention by acquisition cohort",
        figure=fig,
        table=Table((Column("cohort", "cohort month"), Column("k", "months since acquisition", "count"),
                     Column("customers_acquired", "customers acquired", "count"),
                     Column("active_customers", "still active", "count"),
                     Column("customer_retention_rate", "customer retention", "percent"),
                     Column("cohort_starting_mrr", f"cohort MRR at start ({ctx.currency})", "money"),
                     Column("retained_mrr", f"retained MRR ({ctx.currency})", "money"),
                     Column("mrr_retention_rate", "MRR retention", "percent")), table_rows,
                    caption="All customers (the menu above the chart switches the heatmap to one acquisition channel)"),
        mart=COHORTS,
        height=620,
        wide=True,
        note="Share of the customers acquired in a month that are still active k months later (in %); blank: not "
             "reached yet; n/a: a month without new customers. The menu picks the acquisition channel.",
    )


def curves_chart(rows: list[Row], ctx: Context) -> Chart:
    pairs = dimension_values(rows, ctx)
    ks = sorted({r["months_since_acquisition"] for r in rows})
    colours = channel_colours(ctx.channel_ids)
    traces = []
    table_rows = []
    for t, v in pairs:
        at_k = groups([r for r in rows if (r["dimension_type"], r["dimension_value"]) == (t, v)],
                      "months_since_acquisition")
        active = {k: total(r["active_customers"] for r in at_k.get(k, [])) for k in ks}
        acquired = {k: total(r["customers_acquired"] for r in at_k.get(k, [])) for k in ks}
        is_total = t == "total"
        traces.append(go.Scatter(
            x=ks, y=[ratio(active[k], acquired[k]) for k in ks], name=ctx.names.label(t, v), mode="lines+markers",
            line={"color": TOTAL_COLOUR if is_total else colours.get(v, "#7f7f7f"), "width": 3 if is_total else 1.8},
            meta={"channel": v} if not is_total else None, connectgaps=False,
            customdata=[[count(active[k]), count(acquired[k])] for k in ks],
            hovertemplate="month %{x}: %{y:.0%} (%{customdata[0]} of %{customdata[1]})<extra>%{fullData.name}</extra>",
        ))
        for k in ks:
            table_rows.append(TableRow({"dimension": ctx.names.label(t, v), "k": k, "active": active[k],
                                        "acquired": acquired[k], "rate": ratio(active[k], acquired[k])},
                                       channel=v if not is_total else None))
    fig = figure(traces, {"xaxis": {"title": {"text": "months since acquisition"}, "dtick": 3},
                          "yaxis": {"tickformat": ".0%", "title": {"text": "customers still active"},
                                    "rangemode": "tozero"}})
    return Chart(
        chart_id="retention-curves",
        title="Retention curves by acquisition channel",
        figure=fig,
        table=Table((Column("dimension", "acquisition channel"), Column("k", "months since acquisition", "count"),
                     Column("active", "still active", "count"), Column("acquired", "acquired (cohorts that reached k)",
                                                                       "count"),
                     Column("rate", "retention", "percent")), tuple(table_rows)),
        mart=COHORTS,
        channel_filter="traces",
        height=460,
        note="For each k, the customers still active k months after acquisition / the customers acquired, summed over "
             "every cohort that has reached k (older cohorts only, for large k).",
    )


RETENTION_COLUMNS = [
    "period_month", "dimension_type", "dimension_value", "customers_at_start", "churned_customers",
    "retained_customers", "logo_retention", "mrr_at_start", "retained_mrr_capped", "gross_revenue_retention",
    "retained_mrr", "net_revenue_retention",
]


def monthly_chart(rows: list[Row], ctx: Context) -> Chart:
    lines = (("logo_retention", "logo retention", TOTAL_COLOUR), ("gross_revenue_retention", "gross revenue retention",
                                                                   colour(0)),
             ("net_revenue_retention", "net revenue retention", colour(2)))
    traces = [
        go.Scatter(x=list(ctx.months), y=monthly(rows, ctx.months, c), name=label, mode="lines+markers",
                   line={"color": line_colour, "width": 2.5 if c == "logo_retention" else 1.8}, connectgaps=False,
                   hovertemplate=hover("percent"), **month_trace_options())
        for c, label, line_colour in lines
    ]
    fig = figure(traces, {"xaxis": month_axis(), "yaxis": {"tickformat": ".0%", "title": {"text": "retention"}}})
    table_rows = tuple(TableRow({c: r[c] for c in RETENTION_COLUMNS if c not in ("dimension_type", "dimension_value")},
                                month=r["period_month"]) for r in rows)
    return Chart(
        chart_id="retention-monthly",
        title="Logo, gross and net revenue retention by month",
        figure=fig,
        table=Table((Column("period_month", "month"), Column("customers_at_start", "customers at start", "count"),
                     Column("churned_customers", "churned", "count"), Column("retained_customers", "retained", "count"),
                     Column("logo_retention", "logo retention", "percent"),
                     Column("mrr_at_start", f"MRR at start ({ctx.currency})", "money"),
                     Column("retained_mrr_capped", "retained MRR, capped", "money"),
                     Column("gross_revenue_retention", "GRR", "percent"),
                     Column("retained_mrr", "retained MRR", "money"),
                     Column("net_revenue_retention", "NRR", "percent")), table_rows),
        mart=RETENTION,
        months_filter=True,
        note="Logo retention = retained / customers at the start of the month; GRR caps each customer at its starting "
             "MRR, NRR counts expansion. A gap is a month without customers at the start.",
    )


def cohort_blocks(source: MartSource, ctx: Context) -> list[Block]:
    rows = require_rows(source.rows(COHORTS, COHORT_COLUMNS, where={"dimension_type": ["total", "channel"]}),
                        COHORTS, "the total", source)
    return [heatmap_chart(rows, ctx), curves_chart(rows, ctx)]


def monthly_blocks(source: MartSource, ctx: Context) -> list[Block]:
    rows = require_rows(source.rows(RETENTION, RETENTION_COLUMNS, where={"dimension_type": "total"}), RETENTION,
                        "the total", source)
    return [monthly_chart(rows, ctx)]


def build(source: MartSource, ctx: Context) -> Section:
    return Section(
        section_id="retention",
        title="Retention",
        intro="Do the customers stay, and which channels bring the customers who stay longest?",
        blocks=[
            *guarded("Retention cohorts", lambda: cohort_blocks(source, ctx)),
            *guarded("Monthly retention", lambda: monthly_blocks(source, ctx)),
        ],
    )
