"""The static KPI report: one self-contained HTML page of charts read from the marts.

    source.py    reads mart rows through a DB-API connection (DuckDB or PostgreSQL)
    context.py   what every section shares: as-of date, months, display names, currency
    numbers.py   ratios from their parts and number formatting ("n/a" for NULL)
    model.py     the page's building blocks (sections, charts, tables, cards)
    figures.py   Plotly figure helpers (layout, colours, fixed ids)
    sections/    one module per section, each reading only the marts it shows
    page.py      the HTML: CSS, the filter script and plotly.js inlined, no network
    command.py   `kpi-pipeline report` and the report step of `kpi-pipeline run`

The page is deterministic: the same warehouse (and so the same as-of date) gives
byte-identical HTML.
"""
