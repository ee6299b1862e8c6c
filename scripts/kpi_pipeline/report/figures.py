"""Plotly figures for the report, as plain dicts (data + layout), built with plotly's validated objects.

Colours are fixed per channel (by the channel's position in dim_channels), so a
channel has the same colour in every chart and in every run. Month axes are
date axes with one period per month (bars and points sit in the middle of
their month). NULL values stay None: a gap in a line, no bar, a blank cell.

Plotly draws text as its own pseudo-HTML: `<a href>` becomes a live link,
`<span style>` restyles, `<br>`, `<b>` ... are markup, in tick labels, legends,
hover labels, annotations, menus and titles. Sections pass plain text (names
from the data, ids as categories' labels); `figure` and `small_multiples`
escape every text the figure shows once, in one place (`plotly_escaped`):
`<` and `>` become `&lt;` and `&gt;`, and `&` becomes `&amp;` where Plotly
would read an entity, so a name is drawn as the characters it holds. The
templates (hovertemplate, texttemplate) are the report's own markup and are
left as they are: data never goes into them, only `%{...}` references.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from kpi_pipeline.report.numbers import D3_FORMATS

# Okabe-Ito-like palette plus a few more, readable for colour-blind readers
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
    "#D55E00", "#F0E442", "#7F7F7F", "#8C564B", "#17BECF", "#BCBD22", "#9467BD",
)
TOTAL_COLOUR = "#1f2937"
STATUS_COLOURS = {"on_track": "#15803d", "at_risk": "#d97706", "off_track": "#b91c1c", None: "#9ca3af"}

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": "DejaVu Sans, Liberation Sans, Arial, sans-serif", "size": 12, "color": "#1f2937"},
        colorway=list(PALETTE),
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        hovermode="closest",
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": 11}},
        xaxis={"gridcolor": "#e5e7eb", "linecolor": "#9ca3af", "zerolinecolor": "#9ca3af", "automargin": True},
        yaxis={"gridcolor": "#e5e7eb", "linecolor": "#9ca3af", "zerolinecolor": "#9ca3af", "automargin": True},
    )
)


# what Plotly's convertEntities (plotly.js 4.x, svg_text_utils) turns into a character: &name; &#10; &#x0A;
PLOTLY_ENTITY = re.compile(r"&(?=(#\d+|#x[\da-fA-F]+|[a-z]+);)")
# the keys of a figure (trace or layout, at any depth) whose strings Plotly draws as text
TEXT_KEYS = frozenset({
    "x", "y", "text", "name", "customdata", "hovertext", "label", "labels", "ticktext",
})
# never escaped, whatever their key: the report's own templates, formats, and data the page's script reads
RAW_KEYS = frozenset({"hovertemplate", "texttemplate", "meta", "template"})


class EmptyFigure(ValueError):
    """A figure helper was given nothing to draw (no panel, no trace): the section shows a "no data" note
    instead (sections check their inputs first; this is the net under them)."""


def plotly_text(text: str) -> str:
    """Plain text as Plotly draws it literally: 'a <b>bold</b> & co' -> 'a &lt;b&gt;bold&lt;/b&gt; & co'."""
    return PLOTLY_ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def _escaped(value: Any, is_text: bool) -> Any:
    if isinstance(value, dict):
        return {k: v if k in RAW_KEYS else _escaped(v, k in TEXT_KEYS) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escaped(v, is_text) for v in value]
    if is_text and isinstance(value, str):
        return plotly_text(value)
    return value


def plotly_escaped(fig: dict[str, Any]) -> dict[str, Any]:
    """The figure with every string Plotly draws as text escaped (plotly_text), templates left as they are."""
    return _escaped(fig, False)


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def channel_colours(channel_ids: Sequence[str]) -> dict[str, str]:
    return {channel: colour(i) for i, channel in enumerate(channel_ids)}


def axis_format(unit: str) -> dict[str, Any]:
    fmt = D3_FORMATS.get(unit)
    return {"tickformat": fmt.replace(".2f", ".0f") if unit == "money" else fmt} if fmt else {}


def month_axis() -> dict[str, Any]:
    return {"type": "date", "tickformat": "%b %Y", "hoverformat": "%b %Y", "dtick": "M3", "ticklabelmode": "period"}


def month_trace_options() -> dict[str, Any]:
    """Points and bars in the middle of their month."""
    return {"xperiod": "M1", "xperiodalignment": "middle", "xhoverformat": "%b %Y"}


def hover(unit: str, value: str = "y", label: str = "x") -> str:
    """A hover template: `<label>: <value formatted for unit>`, the trace name on the side."""
    fmt = D3_FORMATS.get(unit)
    shown = f"%{{{value}:{fmt}}}" if fmt else f"%{{{value}}}"
    return f"%{{{label}}}: {shown}<extra>%{{fullData.name}}</extra>"


def figure(data: Sequence[Any], layout: dict[str, Any]) -> dict[str, Any]:
    """A validated Plotly figure as a plain dict (what Plotly.newPlot takes)."""
    fig = go.Figure(data=list(data), layout={"template": TEMPLATE, **layout})
    return plotly_escaped(fig.to_plotly_json())


def time_lines(
    series: Sequence[tuple[str, str | None, Sequence[str], Sequence[Any]]],
    unit: str,
    colours: dict[str, str],
    y_title: str,
    mode: str = "lines+markers",
) -> dict[str, Any]:
    """One line per (name, channel_id or None for the total, months, values); None values are gaps."""
    traces = []
    for name, channel, months, values in series:
        is_total = channel is None
        traces.append(
            go.Scatter(
                x=list(months),
                y=list(values),
                name=name,
                mode=mode,
                connectgaps=False,
                line={"color": TOTAL_COLOUR if is_total else colours.get(channel, "#7f7f7f"),
                      "width": 3 if is_total else 1.8},
                marker={"size": 5 if is_total else 4},
                meta={"channel": channel} if channel else None,
                hovertemplate=hover(unit),
                **month_trace_options(),
            )
        )
    return figure(traces, {"xaxis": month_axis(), "yaxis": {"title": {"text": y_title}, **axis_format(unit)}})


def small_multiples(
    panels: Sequence[tuple[str, Any]], layout: dict[str, Any], columns: int = 5, shared_y: bool = False
) -> dict[str, Any]:
    """One panel per (title, trace), each with its own y axis unless `shared_y`, `columns` panels a row."""
    from plotly.subplots import make_subplots

    if not panels:
        raise EmptyFigure("nothing to draw: no panel has data")
    columns = max(1, min(columns, len(panels)))
    rows = -(-len(panels) // columns)
    fig = make_subplots(
        rows=rows, cols=columns, subplot_titles=[title for title, _ in panels], shared_yaxes=shared_y,
        horizontal_spacing=0.05, vertical_spacing=0.18 if rows > 1 else 0.1,
    )
    for index, (_title, trace) in enumerate(panels):
        fig.add_trace(trace, row=index // columns + 1, col=index % columns + 1)
    fig.update_layout(template=TEMPLATE, **layout)
    return plotly_escaped(fig.to_plotly_json())
