"""The report as one self-contained HTML page: CSS, plotly.js and the filter script inlined.

Nothing on the page is fetched: no CDN, no web fonts, no `src=`/`href=` to the
network. Every chart is a `<div id="chart-<id>">` filled by Plotly from a JSON
script element with a fixed id, and its numbers are in a `<details>` table
under it. Output is deterministic: no clock, no random ids, sorted data.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from plotly.utils import PlotlyJSONEncoder

from kpi_pipeline.report.context import Context, month_label
from kpi_pipeline.report.model import NO_DATA, Card, Cards, Cell, Chart, Empty, Section, Table, TableBlock
from kpi_pipeline.report.numbers import formatted, plain

PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}

CSS = """
:root { --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f8fafc; --good: #15803d; --warn: #d97706;
        --bad: #b91c1c; --none: #9ca3af; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--fg);
       background: var(--bg); font-size: 14px; line-height: 1.45; }
header { background: #0f172a; color: #f8fafc; padding: 18px 28px 12px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #cbd5e1; }
header nav { margin-top: 10px; display: flex; flex-wrap: wrap; gap: 14px; }
header nav a { color: #93c5fd; text-decoration: none; }
.filters { position: sticky; top: 0; z-index: 10; background: #ffffff; border-bottom: 1px solid var(--line);
           padding: 8px 28px; display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; font-size: 13px; }
.filters .channels { display: flex; flex-wrap: wrap; gap: 4px 12px; }
.filters label { white-space: nowrap; }
.filters .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 3px; }
main { padding: 8px 28px 28px; max-width: 1400px; }
section { margin-top: 22px; }
section > h2 { font-size: 19px; margin: 0 0 2px; border-bottom: 2px solid var(--fg); padding-bottom: 3px; }
.intro { color: var(--muted); margin: 4px 0 10px; }
.blocks { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 14px; }
.block { background: #ffffff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; margin: 0; }
.block.wide { grid-column: 1 / -1; }
.block h3 { font-size: 15px; margin: 0 0 4px; }
.chart { width: 100%; }
.note { color: var(--muted); font-size: 12px; margin: 4px 0; }
.source { color: var(--muted); font-size: 11px; margin: 2px 0; font-family: "DejaVu Sans Mono", monospace; }
details summary { cursor: pointer; color: #1d4ed8; font-size: 13px; margin-top: 4px; }
.table-wrap { max-height: 420px; overflow: auto; margin-top: 6px; }
#block-scorecard-by-dimension .table-wrap { max-height: 560px; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: left; white-space: nowrap; }
th { position: sticky; top: 0; background: #f1f5f9; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.na { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(205px, 1fr)); gap: 10px; margin-bottom: 14px; }
.card { background: #ffffff; border: 1px solid var(--line); border-left: 6px solid var(--none); border-radius: 6px;
        padding: 8px 10px; }
.card.status-on_track { border-left-color: var(--good); }
.card.status-at_risk { border-left-color: var(--warn); }
.card.status-off_track { border-left-color: var(--bad); }
.card-label { font-size: 12px; color: var(--muted); }
.card-value { font-size: 22px; font-weight: bold; font-variant-numeric: tabular-nums; }
.card-status { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; color: #fff;
               background: var(--none); }
.status-on_track .card-status { background: var(--good); }
.status-at_risk .card-status { background: var(--warn); }
.status-off_track .card-status { background: var(--bad); }
.card-target, .card-change { font-size: 12px; margin-top: 2px; }
.tone-good { color: var(--good); } .tone-bad { color: var(--bad); } .tone-flat, .tone-none { color: var(--muted); }
.empty { background: #fff7ed; border: 1px dashed var(--warn); border-radius: 6px; padding: 10px 12px; }
.empty h3 { margin: 0 0 4px; font-size: 15px; }
footer { color: var(--muted); font-size: 12px; padding: 10px 28px 24px; }
"""

# Draws every chart from its JSON, then wires the filter bar: the month range sets the
# x range of time charts and hides table rows outside it; unticked channels hide their
# traces (or their bars on a channel axis) and table rows.
SCRIPT = r"""
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("plotly-config").textContent);
  var charts = Array.prototype.slice.call(document.querySelectorAll("div.chart"));
  charts.forEach(function (el) {
    var fig = JSON.parse(document.getElementById("figure-" + el.id).textContent);
    Plotly.newPlot(el, fig.data, fig.layout, config);
  });
  var from = document.getElementById("filter-from");
  var to = document.getElementById("filter-to");
  var toggles = Array.prototype.slice.call(document.querySelectorAll("input[data-channel-toggle]"));
  var known = {};
  toggles.forEach(function (t) { known[t.value] = true; });
  function nextMonth(iso) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCMonth(d.getUTCMonth() + 1);
    return d.toISOString().slice(0, 10);
  }
  function shown(channel, on) { return !channel || !known[channel] || on[channel] === true; }
  function apply() {
    var a = from.value, b = to.value;
    if (a > b) { var s = a; a = b; b = s; }
    var full = a === from.options[0].value && b === to.options[to.options.length - 1].value;
    var on = {};
    toggles.forEach(function (t) { if (t.checked) { on[t.value] = true; } });
    charts.forEach(function (el) {
      if (el.dataset.months === "1") {
        Plotly.relayout(el, full ? {"xaxis.autorange": true} : {"xaxis.range": [a, nextMonth(b)]});
      }
      var mode = el.dataset.channels;
      if (mode === "traces") {
        var visible = el.data.map(function (t) { return shown(t.meta && t.meta.channel, on); });
        Plotly.restyle(el, {visible: visible});
      } else if (mode === "categories") {
        if (!el.kpiOriginal) {
          el.kpiOriginal = el.data.map(function (t) {
            return {x: t.x, y: t.y, text: t.text, customdata: t.customdata, channels: (t.meta || {}).channels || []};
          });
        }
        var update = {x: [], y: [], text: [], customdata: []};
        el.kpiOriginal.forEach(function (o) {
          var keep = o.channels.map(function (c) { return shown(c, on); });
          ["x", "y", "text", "customdata"].forEach(function (k) {
            update[k].push(Array.isArray(o[k]) ? o[k].filter(function (_, i) { return keep[i]; }) : o[k]);
          });
        });
        Plotly.restyle(el, update);
      }
    });
    document.querySelectorAll("tr[data-month], tr[data-channel]").forEach(function (tr) {
      var m = tr.dataset.month, c = tr.dataset.channel;
      tr.hidden = Boolean((m && (m < a || m > b)) || !shown(c, on));
    });
  }
  from.addEventListener("change", apply);
  to.addEventListener("change", apply);
  toggles.forEach(function (t) { t.addEventListener("change", apply); });
  document.getElementById("filter-reset").addEventListener("click", function () {
    from.selectedIndex = 0;
    to.selectedIndex = to.options.length - 1;
    toggles.forEach(function (t) { t.checked = true; });
    apply();
  });
  document.body.dataset.rendered = String(charts.length);
})();
"""


@dataclass(frozen=True)
class Page:
    title: str
    ctx: Context
    sections: Sequence[Section]
    marts_read: Sequence[str]
    channel_colours: dict[str, str]
    plotly_js: str
    plotly_version: str


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(value, cls=PlotlyJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def cell_html(value: Any, unit: str) -> str:
    if isinstance(value, Cell):
        raw, text = value.value, value.text
        numeric = raw is None or isinstance(raw, (int, float, Decimal))
    else:
        raw, text = value, formatted(value, unit)
        numeric = unit != "text"
    classes = []
    attrs = ""
    if numeric and not isinstance(raw, bool):
        classes.append("num")
        attrs = f' data-value="{esc(json.dumps(plain(raw)))}"'
    if raw is None:
        classes.append("na")
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{cls}{attrs}>{esc(text)}</td>"


def table_html(table: Table, table_id: str) -> str:
    head = "".join(f'<th data-key="{esc(c.key)}">{esc(c.label)}</th>' for c in table.columns)
    body = []
    for row in table.rows:
        attrs = ""
        if row.month:
            attrs += f' data-month="{esc(row.month)}"'
        if row.channel:
            attrs += f' data-channel="{esc(row.channel)}"'
        cells = "".join(cell_html(row.cells.get(c.key), c.unit) for c in table.columns)
        body.append(f"<tr{attrs}>{cells}</tr>")
    caption = f"<caption>{esc(table.caption)}</caption>" if table.caption else ""
    return (
        f'<div class="table-wrap"><table id="{esc(table_id)}">{caption}<thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table></div>'
    )


def chart_html(chart: Chart) -> str:
    attrs = f' data-months="{1 if chart.months_filter else 0}"'
    if chart.channel_filter:
        attrs += f' data-channels="{esc(chart.channel_filter)}"'
    note = f'<p class="note">{esc(chart.note)}</p>' if chart.note else ""
    return (
        f'<figure class="block{" wide" if chart.wide else ""}" id="block-{esc(chart.chart_id)}">'
        f"<h3>{esc(chart.title)}</h3>"
        f'<div class="chart" id="chart-{esc(chart.chart_id)}"{attrs} style="height:{chart.height}px"></div>'
        f'{note}<p class="source">mart: {esc(chart.mart)}</p>'
        f'<details><summary>Numbers ({len(chart.table.rows)} rows)</summary>'
        f'{table_html(chart.table, "table-" + chart.chart_id)}</details></figure>'
    )


def card_html(card: Card) -> str:
    status = card.status or "none"
    has_target = card.target != "no target"
    status_label = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track"}.get(
        status, "no status" if has_target else "no target"
    )
    return (
        f'<div class="card status-{esc(status)}" data-kpi="{esc(card.key)}">'
        f'<div class="card-label">{esc(card.label)}</div>'
        f'<div class="card-value" data-field="value">{esc(card.value)}</div>'
        f'<span class="card-status" data-field="status">{esc(status_label)}</span>'
        + (
            f'<div class="card-target">target <span data-field="target">{esc(card.target)}</span>'
            f' · attainment <span data-field="attainment">{esc(card.attainment)}</span></div>'
            if has_target
            else '<div class="card-target">&nbsp;</div>'
        )
        + f'<div class="card-change tone-{esc(card.change_tone)}"><span data-field="change">{esc(card.change)}</span>'
        f' {esc(card.previous_label)}</div></div>'
    )


def block_html(block: Any) -> str:
    if isinstance(block, Chart):
        return chart_html(block)
    if isinstance(block, Cards):
        return f'<div class="cards block wide" id="scorecard-cards">{"".join(card_html(c) for c in block.cards)}</div>'
    if isinstance(block, TableBlock):
        opened = " open" if block.open else ""
        return (
            f'<figure class="block{" wide" if block.wide else ""}" id="block-{esc(block.block_id)}">'
            f"<h3>{esc(block.title)}</h3>"
            f'<p class="source">mart: {esc(block.mart)}</p><details{opened}><summary>Table '
            f'({len(block.table.rows)} rows)</summary>{table_html(block.table, "table-" + block.block_id)}'
            f"</details></figure>"
        )
    if isinstance(block, Empty) and block.kind == NO_DATA:
        # built and empty (e.g. a data set without ad spend): a note, not a missing mart
        return (
            f'<div class="block empty no-data" data-empty-mart="{esc(block.mart)}"><h3>{esc(block.title)}: no data'
            f"</h3><p>{esc(block.message)}.</p></div>"
        )
    if isinstance(block, Empty):
        return (
            f'<div class="block empty" data-missing-mart="{esc(block.mart)}"><h3>{esc(block.title)}: not available'
            f"</h3><p>{esc(block.message)}.</p></div>"
        )
    raise TypeError(f"unknown block {type(block).__name__}")


def section_html(section: Section) -> str:
    blocks = "".join(block_html(b) for b in section.blocks)
    return (
        f'<section id="section-{esc(section.section_id)}"><h2>{esc(section.title)}</h2>'
        f'<p class="intro">{esc(section.intro)}</p><div class="blocks">{blocks}</div></section>'
    )


def filters_html(page: Page) -> str:
    months = page.ctx.months
    options_from = "".join(
        f'<option value="{esc(m)}"{" selected" if i == 0 else ""}>{esc(month_label(m))}</option>'
        for i, m in enumerate(months)
    )
    options_to = "".join(
        f'<option value="{esc(m)}"{" selected" if i == len(months) - 1 else ""}>{esc(month_label(m))}</option>'
        for i, m in enumerate(months)
    )
    toggles = "".join(
        f'<label><input type="checkbox" data-channel-toggle value="{esc(c)}" checked>'
        f'<span class="swatch" style="background:{esc(page.channel_colours.get(c, "#7f7f7f"))}"></span>'
        f"{esc(page.ctx.names.label('channel', c))}</label>"
        for c in page.ctx.channel_ids
    )
    return (
        '<div class="filters" id="filters"><span><label>Months <select id="filter-from">'
        f'{options_from}</select></label> <label>to <select id="filter-to">{options_to}</select></label></span>'
        f'<span class="channels">Channels: {toggles}</span><button type="button" id="filter-reset">Reset</button></div>'
    )


def charts_json(sections: Sequence[Section]) -> str:
    out = []
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Chart):
                out.append(
                    f'<script type="application/json" id="figure-chart-{esc(block.chart_id)}">'
                    f"{script_json(block.figure)}</script>"
                )
    return "".join(out)


def render(page: Page) -> str:
    ctx = page.ctx
    nav = "".join(f'<a href="#section-{esc(s.section_id)}">{esc(s.title)}</a>' for s in page.sections)
    subtitle = (
        f"Data as of {ctx.as_of} · latest month {month_label(ctx.latest_month)} · money in {ctx.currency} · "
        f"window charts: the last {len(ctx.window)} months ({ctx.window_label})"
    ) if ctx.months else f"No data: the build has no months (marts.dim_date is empty) · money in {ctx.currency}"
    footer = (
        f"Read from the marts (schema marts): {', '.join(page.marts_read)}. Charts: plotly.js {page.plotly_version}, "
        "inlined. Generated by kpi-pipeline report; the same warehouse gives the same page."
    )
    return "".join([
        "<!DOCTYPE html>\n",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(page.title)}</title>",
        f"<style>{CSS}</style>",
        f"<script>{page.plotly_js}</script>",
        "</head><body>",
        f"<header><h1>{esc(page.title)}</h1><p>{esc(subtitle)}</p><nav>{nav}</nav></header>",
        filters_html(page),
        f'<main>{"".join(section_html(s) for s in page.sections)}</main>',
        f'<footer data-marts="{esc(" ".join(page.marts_read))}">{esc(footer)}</footer>',
        f'<script type="application/json" id="plotly-config">{script_json(PLOTLY_CONFIG)}</script>',
        charts_json(page.sections),
        f"<script>{SCRIPT}</script>",
        "</body></html>\n",
    ])
