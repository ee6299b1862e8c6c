"""Funnel: where leads leak, from lead to won (marts kpi_funnel, kpi_funnel_dropoff, kpi_funnel_velocity).

The cohort view follows the leads created in a month through the funnel; the
window charts add up the cohorts of the last months (stage counts are the
rates' numerators and denominators, so a window rate is sum / sum). Recent
cohorts are still maturing: their later-stage rates can only go up.
"""

from __future__ import annotations

import plotly.graph_objects as go

from kpi_pipeline.report.context import Context
from kpi_pipeline.report.figures import TOTAL_COLOUR, colour, figure, hover, month_axis, month_trace_options
from kpi_pipeline.report.model import Block, Cell, Chart, Column, Section, Table, TableRow
from kpi_pipeline.report.numbers import count, percent, plain, ratio, total
from kpi_pipeline.report.sections.common import groups, guarded, in_window, monthly, no_data, require_rows
from kpi_pipeline.report.source import MartSource

FUNNEL = "kpi_funnel"
DROPOFF = "kpi_funnel_dropoff"
VELOCITY = "kpi_funnel_velocity"

STAGES = (("leads", "Leads"), ("mqls", "MQLs"), ("sqls", "SQLs"), ("opportunities", "Opportunities"), ("won", "Won"))
# rate column, label, numerator column, denominator column (the mart's own parts)
RATES = (
    ("lead_to_mql_rate", "Lead → MQL", "mqls", "leads"),
    ("mql_to_sql_rate", "MQL → SQL", "sqls", "mqls"),
    ("sql_to_opportunity_rate", "SQL → opportunity", "opportunities", "sqls"),
    ("opportunity_to_won_rate", "Opportunity → won", "won", "opportunities"),
    ("lead_to_won_rate", "Lead → won", "won", "leads"),
)
FUNNEL_COLUMNS = [
    "view_type", "period_month", "dimension_type", "dimension_value", *(s for s, _ in STAGES), *(r[0] for r in RATES)
]
STAGE_ORDER = {"lead": 0, "mql": 1, "sql": 2, "opportunity": 3}
STAGE_LABELS = {"lead": "Lead", "mql": "MQL", "sql": "SQL", "opportunity": "Opportunity"}
VELOCITY_STEPS = (
    ("median_days_lead_to_mql", "lead_to_mql_leads", "Lead → MQL"),
    ("median_days_mql_to_sql", "mql_to_sql_leads", "MQL → SQL"),
    ("median_days_sql_to_opportunity", "sql_to_opportunity_leads", "SQL → opportunity"),
    ("median_days_opportunity_to_close", "opportunity_to_close_deals", "Opportunity → close"),
)


def cohort_funnel(rows: list, ctx: Context) -> Chart:
    window = in_window([r for r in rows if r["dimension_type"] == "total"], ctx.window)
    sums = {stage: total(r[stage] for r in window) for stage, _ in STAGES}
    rates = [None, *(ratio(sums[num], sums[den]) for _, _, num, den in RATES[:4])]
    labels = [label for _, label in STAGES]
    trace = go.Funnel(
        y=labels,
        x=[plain(sums[s]) for s, _ in STAGES],
        text=[count(sums[s]) + ("" if rate is None and i == 0 else f" ({percent(rate)} of previous)")
              for i, ((s, _), rate) in enumerate(zip(STAGES, rates))],
        textinfo="text",
        marker={"color": [colour(i) for i in range(len(STAGES))]},
        connector={"line": {"color": "#9ca3af"}},
        hovertemplate="%{y}: %{x:,.0f}<extra></extra>",
        name="cohort funnel",
    )
    fig = figure([trace], {"margin": {"l": 110, "r": 20, "t": 10, "b": 20}, "showlegend": False})
    table_rows = [TableRow({"stage": label, "count": sums[s], "rate": rate if i else Cell(None, ""),
                            "rate_label": rate_label})
                  for i, ((s, label), rate, rate_label) in enumerate(zip(STAGES, rates, ["", *(r[1] for r in RATES[:4])]))]
    table_rows.append(TableRow({"stage": "Won (of leads)", "count": sums["won"],
                                "rate": ratio(sums["won"], sums["leads"]), "rate_label": "Lead → won"}))
    return Chart(
        chart_id="funnel-cohort",
        title=f"Funnel of the leads created {ctx.window_label} (cohort view)",
        figure=fig,
        table=Table((Column("stage", "stage"), Column("count", "leads at stage", "count"),
                     Column("rate_label", "conversion"), Column("rate", "rate", "percent")), tuple(table_rows)),
        mart=FUNNEL,
        note="Leads created in the window and how many of them had reached each stage by the as-of date; the "
             "rate is stage / previous stage (sum over the cohorts / sum). Recent cohorts are still maturing.",
    )


def channel_conversion(rows: list, ctx: Context) -> Chart:
    window = in_window([r for r in rows if r["dimension_type"] == "channel"], ctx.window)
    by_channel = groups(window, "dimension_value")
    channels = sorted(by_channel, key=lambda c: (ctx.names.label("channel", c).lower(), c))
    sums = {c: {s: total(r[s] for r in by_channel[c]) for s, _ in STAGES} for c in channels}
    names = [ctx.names.label("channel", c) for c in channels]
    traces = []
    table_rows = []
    for i, (_column, label, num, den) in enumerate(RATES):
        values = [ratio(sums[c][num], sums[c][den]) for c in channels]
        traces.append(go.Bar(
            x=names, y=values, name=label, marker={"color": colour(i)}, meta={"channels": channels},
            customdata=[[count(sums[c][num]), count(sums[c][den])] for c in channels],
            hovertemplate="%{x}: %{y:.1%} (%{customdata[0]} of %{customdata[1]})<extra>%{fullData.name}</extra>",
        ))
    for c, name in zip(channels, names):
        cells = {"channel": name, **{s: sums[c][s] for s, _ in STAGES}}
        cells.update({rate: ratio(sums[c][num], sums[c][den]) for rate, _, num, den in RATES})
        table_rows.append(TableRow(cells, channel=c))
    fig = figure(traces, {"barmode": "group", "yaxis": {"tickformat": ".0%", "title": {"text": "conversion"}}})
    return Chart(
        chart_id="funnel-by-channel",
        title=f"Conversion by source channel, leads created {ctx.window_label}",
        figure=fig,
        table=Table((Column("channel", "channel"), *(Column(s, label, "count") for s, label in STAGES),
                     *(Column(r, label, "percent") for r, label, _, _ in RATES)), tuple(table_rows)),
        mart=FUNNEL,
        channel_filter="categories",
        note="Cohort view by the lead's source (first-touch) channel; rates are sums of the stage counts over the "
             "window's cohorts divided.",
    )


def cohort_rates(rows: list, ctx: Context) -> Chart:
    totals = [r for r in rows if r["dimension_type"] == "total"]
    traces = [
        go.Scatter(x=list(ctx.months), y=monthly(totals, ctx.months, column), name=label, mode="lines+markers",
                   line={"color": TOTAL_COLOUR if column == "lead_to_won_rate" else colour(i),
                         "width": 3 if column == "lead_to_won_rate" else 1.8},
                   connectgaps=False, hovertemplate=hover("percent"), **month_trace_options())
        for i, (column, label, _, _) in enumerate(RATES)
    ]
    fig = figure(traces, {"xaxis": month_axis(), "yaxis": {"tickformat": ".0%", "title": {"text": "conversion"}}})
    by_month = {r["period_month"]: r for r in totals}
    table_rows = tuple(
        TableRow({"month": m, **{s: by_month[m][s] for s, _ in STAGES},
                  **{rate: by_month[m][rate] for rate, _, _, _ in RATES}}, month=m)
        for m in ctx.months if m in by_month
    )
    return Chart(
        chart_id="funnel-cohort-rates",
        title="Stage conversion by lead-creation month (cohort view)",
        figure=fig,
        table=Table((Column("month", "cohort month"), *(Column(s, label, "count") for s, label in STAGES),
                     *(Column(r, label, "percent") for r, label, _, _ in RATES)), table_rows),
        mart=FUNNEL,
        months_filter=True,
        note="Each point follows the leads created that month; gaps are months without a denominator.",
    )


def period_activity(rows: list, ctx: Context) -> Chart:
    totals = [r for r in rows if r["dimension_type"] == "total"]
    traces = [
        go.Bar(x=list(ctx.months), y=monthly(totals, ctx.months, stage), name=label, marker={"color": colour(i)},
               hovertemplate=hover("count"), **month_trace_options())
        for i, (stage, label) in enumerate(STAGES)
    ]
    fig = figure(traces, {"barmode": "group", "xaxis": month_axis(), "yaxis": {"title": {"text": "leads"}}})
    by_month = {r["period_month"]: r for r in totals}
    table_rows = tuple(
        TableRow({"month": m, **{s: by_month[m][s] for s, _ in STAGES},
                  **{rate: by_month[m][rate] for rate, _, _, _ in RATES}}, month=m)
        for m in ctx.months if m in by_month
    )
    return Chart(
        chart_id="funnel-period",
        title="Funnel activity per month (period view)",
        figure=fig,
        table=Table((Column("month", "month"), *(Column(s, label, "count") for s, label in STAGES),
                     *(Column(r, label, "percent") for r, label, _, _ in RATES)), table_rows),
        mart=FUNNEL,
        months_filter=True,
        note="Leads that reached each stage in the month (period view); its rates are throughput ratios of the "
             "same month and can exceed 100 %.",
    )


def funnel_blocks(source: MartSource, ctx: Context) -> list[Block]:
    rows = require_rows(
        source.rows(FUNNEL, FUNNEL_COLUMNS, where={"dimension_type": ["total", "channel"]},
                    order_by=["view_type", "dimension_type", "dimension_value", "period_month"]),
        FUNNEL, "the total and channels", source)
    cohort = [r for r in rows if r["view_type"] == "cohort"]
    period = [r for r in rows if r["view_type"] == "period"]
    out: list[Block] = []
    if not in_window([r for r in cohort if r["dimension_type"] == "total"], ctx.window):
        out.append(no_data(f"Funnel of the leads created {ctx.window_label} (cohort view)", FUNNEL,
                           f"no lead was created in {ctx.window_label}"))
    else:
        out.append(cohort_funnel(cohort, ctx))
    if not in_window([r for r in cohort if r["dimension_type"] == "channel"], ctx.window):
        out.append(no_data(f"Conversion by source channel, leads created {ctx.window_label}", FUNNEL,
                           f"no lead with a source channel was created in {ctx.window_label}"))
    else:
        out.append(channel_conversion(cohort, ctx))
    if not [r for r in cohort if r["dimension_type"] == "total"]:
        out.append(no_data("Stage conversion by lead-creation month (cohort view)", FUNNEL,
                           f"{FUNNEL} has no cohort rows (no lead was created)"))
    else:
        out.append(cohort_rates(cohort, ctx))
    if not [r for r in period if r["dimension_type"] == "total"]:
        out.append(no_data("Funnel activity per month (period view)", FUNNEL,
                           f"{FUNNEL} has no period rows (no lead reached a stage)"))
    else:
        out.append(period_activity(period, ctx))
    return out


def dropoff_blocks(source: MartSource, ctx: Context) -> list[Block]:
    columns = ["period_month", "dimension_type", "dimension_value", "funnel_stage", "dropoff_type",
               "dropoff_reason", "dropoffs", "stage_dropoffs"]
    rows = in_window(source.rows(DROPOFF, columns, where={"dimension_type": "total"}), ctx.window)
    require_rows(rows, DROPOFF, f"the window {ctx.window_label}", source)
    # stage_dropoffs repeats on every reason row of a month and stage: count it once per month
    stage_totals: dict[str, object] = {}
    for stage, stage_rows in groups(rows, "funnel_stage").items():
        per_month = {r["period_month"]: r["stage_dropoffs"] for r in stage_rows}
        stage_totals[stage] = total(per_month.values())
    keys = sorted({(r["funnel_stage"], r["dropoff_type"]) for r in rows},
                  key=lambda k: (STAGE_ORDER.get(k[0], 9), k[0], k[1]))
    reasons = sorted({r["dropoff_reason"] for r in rows})
    sums = {(r_stage, r_type, reason): total(r["dropoffs"] for r in rows if
                                             (r["funnel_stage"], r["dropoff_type"], r["dropoff_reason"]) ==
                                             (r_stage, r_type, reason))
            for r_stage, r_type in keys for reason in reasons}
    y_labels = [f"{STAGE_LABELS.get(stage, stage)} ({kind})" for stage, kind in keys]
    traces = [
        go.Bar(y=y_labels, x=[plain(sums[(stage, kind, reason)]) for stage, kind in keys], name=reason,
               orientation="h", marker={"color": colour(i)},
               hovertemplate="%{y}: %{x:,.0f} %{fullData.name}<extra></extra>")  # the reason, escaped as a name
        for i, reason in enumerate(reasons)
    ]
    fig = figure(traces, {"barmode": "stack", "yaxis": {"autorange": "reversed", "automargin": True},
                          "xaxis": {"title": {"text": "leads / deals that dropped out"}}})
    table_rows = tuple(
        TableRow({"stage": STAGE_LABELS.get(stage, stage), "type": kind, "reason": reason,
                  "dropoffs": sums[(stage, kind, reason)], "stage_dropoffs": stage_totals[stage],
                  "share": ratio(sums[(stage, kind, reason)], stage_totals[stage])})
        for stage, kind in keys for reason in reasons if sums[(stage, kind, reason)] is not None
    )
    return [Chart(
        chart_id="funnel-dropoff",
        title=f"Why leads and deals drop out, {ctx.window_label}",
        figure=fig,
        table=Table((Column("stage", "stage"), Column("type", "type"), Column("reason", "reason"),
                     Column("dropoffs", "drop-offs", "count"), Column("stage_dropoffs", "all at stage", "count"),
                     Column("share", "share of stage", "percent")), table_rows),
        mart=DROPOFF,
        note="Disqualified leads at the last stage they had reached, and lost deals, with their reason; the share "
             "is the reason's drop-offs / all drop-offs at that stage over the window.",
    )]


def velocity_blocks(source: MartSource, ctx: Context) -> list[Block]:
    columns = ["period_month", "dimension_type", "dimension_value", *(c for step in VELOCITY_STEPS for c in step[:2])]
    rows = require_rows(source.rows(VELOCITY, columns, where={"dimension_type": "total"}), VELOCITY, "the total",
                        source)
    traces = [
        go.Scatter(x=list(ctx.months), y=monthly(rows, ctx.months, median), name=label, mode="lines+markers",
                   customdata=monthly(rows, ctx.months, sample), line={"color": colour(i)}, connectgaps=False,
                   hovertemplate="%{x}: %{y:.1f} days (n = %{customdata})<extra>%{fullData.name}</extra>",
                   **month_trace_options())
        for i, (median, sample, label) in enumerate(VELOCITY_STEPS)
    ]
    fig = figure(traces, {"xaxis": month_axis(), "yaxis": {"title": {"text": "median days"}}})
    table_rows = tuple(
        TableRow({"month": r["period_month"], **{c: r[c] for step in VELOCITY_STEPS for c in step[:2]}},
                 month=r["period_month"])
        for r in rows
    )
    columns_out = [Column("month", "cohort month")]
    for median, sample, label in VELOCITY_STEPS:
        columns_out += [Column(median, f"{label}: median days", "days"), Column(sample, "n", "count")]
    return [Chart(
        chart_id="funnel-velocity",
        title="Funnel velocity: median days between stages, by lead-creation month",
        figure=fig,
        table=Table(tuple(columns_out), table_rows),
        mart=VELOCITY,
        months_filter=True,
        note="Medians of whole days (each with its sample size n); steps through a skipped stage are left out. "
             "Medians cannot be added up, so there is no window total.",
    )]


def build(source: MartSource, ctx: Context) -> Section:
    return Section(
        section_id="funnel",
        title="Funnel",
        intro="Where does the funnel leak? Lead → MQL → SQL → opportunity → won, by lead-creation cohort and by "
              "month, the reasons leads and deals drop out, and how long each step takes.",
        blocks=[
            *guarded("Funnel", lambda: funnel_blocks(source, ctx)),
            *guarded("Drop-off reasons", lambda: dropoff_blocks(source, ctx)),
            *guarded("Funnel velocity", lambda: velocity_blocks(source, ctx)),
        ],
    )
