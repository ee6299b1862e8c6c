"""The static KPI report (`kpi-pipeline report`), tested in a real browser.

The report is written by the CLI (a subprocess) from the session's demo
warehouse, twice (the two files must be byte-identical), and opened from a
file:// URL in headless Chromium (Debian's /usr/bin/chromium driven by the
pinned playwright client; one browser for the whole module). The numbers the
page shows are compared with the marts read here with duckdb straight from the
warehouse, never through the report's code. Screenshots go to pytest's tmp
dirs. A missing Chromium is a failure, not a skip: scripts/setup.sh installs it.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from kpi_pipeline.report.browser import CHROMIUM, chromium, wait_until_drawn  # noqa: E402

# every chart of the page, by its fixed id
CHART_IDS = {
    "scorecard-attainment", "funnel-cohort", "funnel-by-channel", "funnel-cohort-rates", "funnel-period",
    "funnel-dropoff", "funnel-velocity", "cpl-by-channel", "cpo-by-channel", "cac-over-time", "cac-by-channel",
    "roi-by-model", "roi-revenue-by-model", "revenue-by-month", "mrr-bridge", "mrr-ending", "mrr-movements",
    "retention-heatmap", "retention-curves", "retention-monthly", "win-rate-by-rep", "win-rate-by-team",
    "win-rate-monthly",
}
SECTIONS = ["scorecard", "funnel", "costs", "roi", "revenue", "retention", "win-rate"]
WINDOW_MONTHS = 12


@dataclass
class Report:
    path: Path
    code: int
    stdout: str
    stderr: str

    @property
    def html(self) -> str:
        return self.path.read_text(encoding="utf-8")


def write_report(db: Path, output: Path, *extra: str) -> Report:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPI_", "DBT_"))}
    env.update(PYTHONPATH=str(PROJECT_DIR / "scripts"), KPI_DUCKDB_PATH=str(db))
    proc = subprocess.run(
        [sys.executable, "-m", "kpi_pipeline.cli", "report", "--output", str(output), *extra],
        cwd=output.parent if output.parent.exists() else PROJECT_DIR, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )
    return Report(output, proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def report(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    result = write_report(demo_warehouse, tmp_path_factory.mktemp("report") / "index.html")
    assert result.code == 0, result.stdout + result.stderr
    return result


@dataclass
class Browser:
    page: Any
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    charts: int = 0
    screens: Path | None = None

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def trace(self, chart_id: str, name: str) -> dict[str, Any]:
        traces = self.js(
            "([id, name]) => document.getElementById('chart-' + id).data"
            ".filter(t => t.name === name).map(t => ({x: t.x, y: t.y, visible: t.visible}))",
            [chart_id, name],
        )
        assert len(traces) == 1, f"{chart_id}: no single trace named {name!r}"
        return traces[0]

    def table(self, table_id: str) -> list[dict[str, str]]:
        """Rows of a table as {column key: shown text}, with the row's data-month / data-channel and hidden state."""
        return self.js(
            """(id) => {
                const table = document.getElementById(id);
                const keys = Array.from(table.querySelectorAll('thead th')).map(th => th.dataset.key);
                return Array.from(table.querySelectorAll('tbody tr')).map(tr => {
                    const row = {_month: tr.dataset.month || null, _channel: tr.dataset.channel || null,
                                 _hidden: tr.hidden};
                    Array.from(tr.children).forEach((td, i) => { row[keys[i]] = td.textContent; });
                    return row;
                });
            }""",
            table_id,
        )


@pytest.fixture(scope="module")
def browser(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `bash scripts/setup.sh` installs Debian's chromium package")
    screens = tmp_path_factory.mktemp("report_screenshots")
    with chromium(tmp_path_factory.mktemp("chromium_profile")) as context:
        page = context.new_page()
        seen = Browser(page=page, screens=screens)
        page.on("console", lambda m: seen.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        page.on("request", lambda r: seen.requests.append(r.url))
        page.on("requestfailed", lambda r: seen.failed.append(f"{r.url}: {r.failure}"))
        page.goto(report.path.resolve().as_uri())
        seen.charts = wait_until_drawn(page)
        page.screenshot(path=str(screens / "report_full.png"), full_page=True)
        page.screenshot(path=str(screens / "report_top.png"))
        yield seen


# ---------------------------------------------------------------- marts, read here with duckdb


def latest_month(con: duckdb.DuckDBPyConnection) -> dt.date:
    return con.execute("select max(period_month) from marts.kpi_scorecard").fetchone()[0]


def window_start(con: duckdb.DuckDBPyConnection) -> dt.date:
    last = latest_month(con)
    months = last.year * 12 + last.month - 1 - (WINDOW_MONTHS - 1)
    return dt.date(months // 12, months % 12 + 1, 1)


def shown_number(text: str) -> float:
    """'1,036.77' -> 1036.77; '47.8 %' -> 0.478; '29.67×' -> 29.67."""
    cleaned = text.replace(",", "").replace("×", "").replace("+", "").strip()
    if cleaned.endswith("%"):
        return float(cleaned[:-1]) / 100
    return float(cleaned)


def close_to_shown(text: str, value: float, places: int) -> bool:
    """The shown text is the mart value rounded to the shown places."""
    return abs(shown_number(text) - float(value)) <= 0.5 * 10 ** -places + 1e-12


# ---------------------------------------------------------------- the file


def test_two_renders_are_byte_identical(report: Report, demo_warehouse: Path, tmp_path: Path) -> None:
    again = write_report(demo_warehouse, tmp_path / "again.html")
    assert again.code == 0, again.stderr
    assert again.path.read_bytes() == report.path.read_bytes()
    assert f"wrote {report.path}" in report.stdout and "Traceback" not in report.stderr


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[tuple[str, str, str]] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "action", "srcset", "poster", "data") and value:
                self.references.append((tag, name, value))
        if tag == "script" and not dict(attrs).get("src") and dict(attrs).get("type") is None:
            self.inline_scripts += 1


def test_the_page_is_self_contained(report: Report) -> None:
    text = report.html
    parser = _Links()
    parser.feed(text)
    external = [r for r in parser.references if not r[2].startswith("#")]
    assert not external, f"references outside the page: {external[:5]}"
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)\s*=\s*[\"']?(https?:)?//", text, re.I)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", text.split("<script>", 1)[0], re.I)
    assert text.count("plotly.js v") == 1, "plotly.js must be inlined exactly once"
    assert parser.inline_scripts == 2  # plotly.js and the page's own script


def test_the_page_names_the_as_of_date_and_no_clock(report: Report, demo_con: duckdb.DuckDBPyConnection) -> None:
    as_of = demo_con.execute("select max(date_day) from marts.dim_date").fetchone()[0]
    assert f"Data as of {as_of.isoformat()}" in report.html
    today = dt.date.today().isoformat()
    assert today == as_of.isoformat() or today not in report.html


def test_the_exposure_depends_on_every_mart_the_report_reads(report: Report) -> None:
    exposure = yaml.safe_load((PROJECT_DIR / "models" / "marts" / "_report__exposures.yml").read_text())
    (kpi_report,) = [e for e in exposure["exposures"] if e["name"] == "kpi_report"]
    declared = {re.fullmatch(r"ref\('([a-z_]+)'\)", ref).group(1) for ref in kpi_report["depends_on"]}
    read = set(re.search(r'<footer data-marts="([^"]*)"', report.html).group(1).split())
    assert read == declared
    assert kpi_report["type"] in ("dashboard", "application") and kpi_report["owner"]["name"]


# ---------------------------------------------------------------- in the browser


def test_every_chart_is_drawn(browser: Browser) -> None:
    drawn = browser.js(
        """() => Array.from(document.querySelectorAll('div.chart')).map(el => ({
            id: el.id.replace(/^chart-/, ''),
            svg: el.querySelectorAll('.main-svg').length,
            traces: (el._fullData || []).length,
            marks: el.querySelectorAll('g.trace path, g.trace rect, g.hm image').length,
        }))"""
    )
    assert {d["id"] for d in drawn} == CHART_IDS and browser.charts == len(CHART_IDS)
    not_drawn = [d for d in drawn if not (d["svg"] and d["traces"] and d["marks"])]
    assert not not_drawn, f"charts without an SVG or marks: {not_drawn}"
    sections = browser.js("() => Array.from(document.querySelectorAll('main > section')).map(s => s.id)")
    assert sections == [f"section-{s}" for s in SECTIONS]
    assert browser.js("() => document.querySelectorAll('.empty').length") == 0
    # every chart has its numbers as a table under it
    assert browser.js("() => document.querySelectorAll('figure.block > details table').length") >= len(CHART_IDS)


def test_no_console_error_and_no_network(browser: Browser) -> None:
    assert not browser.errors, browser.errors
    assert not [m for m in browser.console if m[0] in ("error", "warning")], browser.console
    assert not browser.failed, browser.failed
    assert browser.requests and all(url.startswith(("file://", "data:", "blob:")) for url in browser.requests), \
        browser.requests


def test_screenshots_are_saved(browser: Browser) -> None:
    assert browser.screens is not None
    for name in ("report_full.png", "report_top.png"):
        shot = browser.screens / name
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_scorecard_cards_show_the_marts_values(browser: Browser, demo_con: duckdb.DuckDBPyConnection) -> None:
    month = latest_month(demo_con)
    rows = demo_con.execute(
        "select kpi_name, value, target, attainment, status from marts.kpi_scorecard "
        "where dimension_type = 'total' and period_month = ? order by kpi_name", [month]
    ).fetchall()
    cards = {c["kpi"]: c for c in browser.js(
        """() => Array.from(document.querySelectorAll('.card')).map(c => ({
            kpi: c.dataset.kpi, cls: c.className,
            value: c.querySelector('[data-field=value]').textContent,
            target: (c.querySelector('[data-field=target]') || {}).textContent || null,
            attainment: (c.querySelector('[data-field=attainment]') || {}).textContent || null}))"""
    )}
    assert set(cards) == {r[0] for r in rows}
    by_kpi = {r[0]: r for r in rows}
    _, cpl, cpl_target, cpl_attainment, cpl_status = by_kpi["cost_per_lead"]
    card = cards["cost_per_lead"]
    assert close_to_shown(card["value"], cpl, 2) and close_to_shown(card["target"], cpl_target, 2)
    assert close_to_shown(card["attainment"], cpl_attainment, 3)
    assert f"status-{cpl_status}" in card["cls"].split()
    for kpi, value, _target, _attainment, status in rows:
        places = 3 if kpi in ("win_rate_count", "win_rate_amount", "logo_retention", "gross_revenue_retention",
                              "net_revenue_retention", "marketing_roi") else (0 if kpi in ("mqls", "sqls") else 2)
        assert close_to_shown(cards[kpi]["value"], value, places), (kpi, cards[kpi]["value"], value)
        assert f"status-{status or 'none'}" in cards[kpi]["cls"].split(), kpi


def test_revenue_of_a_month_equals_the_mart(browser: Browser, demo_con: duckdb.DuckDBPyConnection) -> None:
    months = [r[0] for r in demo_con.execute(
        "select period_month from marts.kpi_revenue where dimension_type = 'total' order by 1"
    ).fetchall()]
    month = months[-2]  # the month before the as-of month
    revenue, won = demo_con.execute(
        "select revenue, won_deals from marts.kpi_revenue where dimension_type = 'total' and period_month = ?",
        [month],
    ).fetchone()
    total = browser.trace("revenue-by-month", "Total")
    plotted = dict(zip(total["x"], total["y"]))
    assert plotted[month.isoformat()] == float(revenue)
    assert len(plotted) == len(months)
    (row,) = [r for r in browser.table("table-revenue-by-month")
              if r["_month"] == month.isoformat() and r["channel"] == "Total"]
    assert close_to_shown(row["revenue"], revenue, 2) and shown_number(row["won_deals"]) == won
    # the channel bars of the month add up to the total (the mart's breakdown, unchanged)
    channel_rows = demo_con.execute(
        "select dimension_value, revenue from marts.kpi_revenue where dimension_type = 'channel' and period_month = ?",
        [month],
    ).fetchall()
    names = dict(demo_con.execute("select channel_id, channel_name from marts.dim_channels").fetchall())
    for channel, value in channel_rows:
        bars = browser.trace("revenue-by-month", names.get(channel, channel))
        assert dict(zip(bars["x"], bars["y"]))[month.isoformat()] == float(value), channel


def test_win_rates_are_sums_of_their_parts(browser: Browser, demo_con: duckdb.DuckDBPyConnection) -> None:
    start = window_start(demo_con)
    expected = dict(demo_con.execute(
        "select reps.rep_name, sum(win.won_count) / nullif(sum(win.closed_count), 0) "
        "from marts.kpi_win_rate as win inner join marts.dim_sales_reps as reps on win.dimension_value = reps.rep_id "
        "where win.dimension_type = 'rep' and win.period_month >= ? group by 1", [start]
    ).fetchall())
    trace = browser.js("() => { const t = document.getElementById('chart-win-rate-by-rep').data[0];"
                       " return {x: t.x, y: t.y}; }")
    plotted = dict(zip(trace["y"], trace["x"]))
    assert plotted.keys() == expected.keys()
    for rep, rate in expected.items():
        if rate is None:
            assert plotted[rep] is None, rep
        else:
            assert plotted[rep] == pytest.approx(float(rate), rel=1e-12), rep
    assert None in expected.values(), "the demo has reps without a closed deal (shown as n/a)"
    table = {r["name"]: r for r in browser.table("table-win-rate-by-rep")}
    for rep, rate in expected.items():
        shown = table[rep]["win_rate_count"]
        assert shown == "n/a" if rate is None else close_to_shown(shown, rate, 3), (rep, shown, rate)


def test_a_null_month_is_a_gap_not_zero(browser: Browser, demo_con: duckdb.DuckDBPyConnection) -> None:
    gap = demo_con.execute(
        "select win.period_month, reps.current_team_name from marts.kpi_win_rate as win "
        "inner join (select distinct current_team_id, current_team_name from marts.dim_sales_reps) as reps "
        "on win.dimension_value = reps.current_team_id "
        "where win.dimension_type = 'team' and win.win_rate_count is null order by 1, 2 limit 1"
    ).fetchone()
    assert gap is not None, "the demo has team months without a closed deal"
    month, team = gap
    trace = browser.trace("win-rate-monthly", team)
    assert dict(zip(trace["x"], trace["y"]))[month.isoformat()] is None
    (row,) = [r for r in browser.table("table-win-rate-monthly") if r["_month"] == month.isoformat()
              and r["name"] == team]
    assert row["win_rate_count"] == "n/a"


def test_roi_under_the_default_model_equals_the_mart(browser: Browser, demo_con: duckdb.DuckDBPyConnection) -> None:
    start = window_start(demo_con)
    rows = demo_con.execute(
        "select channels.channel_name, roi.attribution_model, sum(roi.roi_numerator) / sum(roi.roi_denominator) "
        "from marts.kpi_marketing_roi as roi inner join marts.dim_channels as channels "
        "on roi.dimension_value = channels.channel_id "
        "where roi.dimension_type = 'channel' and roi.period_month >= ? and roi.is_default_model "
        "group by 1, 2 having sum(roi.roi_denominator) > 0", [start]
    ).fetchall()
    assert rows and all(model == "position_based" for _, model, _ in rows)
    for channel, _model, roi in rows:  # one panel per channel with spend, a bar per model, * = the default
        trace = browser.trace("roi-by-model", channel)
        assert len(trace["x"]) == 6
        assert dict(zip(trace["x"], trace["y"]))["U*"] == pytest.approx(float(roi), rel=1e-12), channel
    table = [r for r in browser.table("table-roi-by-model") if r["model"] == "Position-based (U) (default)"]
    shown = {r["channel"]: r["roi"] for r in table}
    for channel, _model, roi in rows:
        assert close_to_shown(shown[channel], roi, 3), (channel, shown[channel], roi)
    assert {r["channel"] for r in table if r["roi"] == "n/a"} >= {"Organic Search", "Direct"}  # no spend


def test_the_channel_and_month_filters(browser: Browser, demo_con: duckdb.DuckDBPyConnection,
                                       tmp_path: Path) -> None:
    page = browser.page
    page.uncheck("input[data-channel-toggle][value=paid_search]")
    assert browser.trace("cpl-by-channel", "Paid Search")["visible"] is False
    assert browser.trace("cpl-by-channel", "Total")["visible"] is True
    assert browser.trace("roi-by-model", "Paid Search")["visible"] is False
    assert "Paid Search" not in browser.trace("cac-by-channel", "CAC (position_based)")["x"]
    assert "Display" in browser.trace("cac-by-channel", "CAC (position_based)")["x"]
    rows = browser.table("table-cpl-by-channel")
    assert all(r["_hidden"] for r in rows if r["_channel"] == "paid_search")
    assert not any(r["_hidden"] for r in rows if r["_channel"] == "display")

    months = [m.isoformat() for (m,) in demo_con.execute(
        "select distinct period_month from marts.kpi_cost_per_lead order by 1").fetchall()]
    page.select_option("#filter-from", months[3])
    page.select_option("#filter-to", months[8])
    x_range = browser.js("() => document.getElementById('chart-cpl-by-channel').layout.xaxis.range")
    assert x_range[0].startswith(months[3]) and x_range[1].startswith(months[9])
    rows = browser.table("table-cpl-by-channel")
    shown = {r["_month"] for r in rows if not r["_hidden"]}
    assert shown == set(months[3:9])
    page.locator("#block-cpl-by-channel").screenshot(path=str(tmp_path / "cpl_filtered.png"))

    page.click("#filter-reset")
    assert browser.trace("cpl-by-channel", "Paid Search")["visible"] is True
    assert browser.trace("roi-by-model", "Paid Search")["visible"] is True
    assert "Paid Search" in browser.trace("cac-by-channel", "CAC (position_based)")["x"]
    assert not any(r["_hidden"] for r in browser.table("table-cpl-by-channel"))
    assert (tmp_path / "cpl_filtered.png").stat().st_size > 10_000


# ---------------------------------------------------------------- errors and empty states


def test_a_missing_warehouse_is_an_error(tmp_path: Path) -> None:
    result = write_report(tmp_path / "none.duckdb", tmp_path / "out" / "index.html")
    assert result.code == 2 and "no DuckDB warehouse" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "none.duckdb").exists() and not result.path.exists()


def test_a_warehouse_without_marts_is_an_error(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    result = write_report(db, tmp_path / "index.html")
    assert result.code == 2 and "marts.dim_date is not in the warehouse" in result.stderr
    assert "Traceback" not in result.stderr and not result.path.exists()


def test_a_missing_mart_gives_an_empty_state(demo_warehouse: Path, tmp_path: Path) -> None:
    db = tmp_path / "partial.duckdb"
    shutil.copy(demo_warehouse, db)
    with duckdb.connect(str(db)) as con:
        con.execute("drop table marts.kpi_win_rate")
        con.execute('alter table marts.kpi_cac rename column paid_cac to "renamed"')
    result = write_report(db, tmp_path / "index.html")
    assert result.code == 0, result.stderr
    assert "kpi_cac, kpi_win_rate" in result.stderr and "Traceback" not in result.stderr
    text = result.html
    assert 'data-missing-mart="kpi_win_rate"' in text and "marts.kpi_win_rate is not in the warehouse" in text
    assert "marts.kpi_cac has no column paid_cac" in text
    assert 'id="chart-win-rate-by-rep"' not in text and 'id="chart-cpl-by-channel"' in text
