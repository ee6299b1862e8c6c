"""Names from the data reach every output escaped for it, and charts key on ids (issue 22, cases 5 and 6).

The class test: the session's demo warehouse is copied and every named
dimension the report shows (reps, teams, channels, campaigns, segments, drop-off
reasons, attribution models, KPI names) gets hostile names: Plotly's pseudo-HTML
(`<a href>`, `<span style>`), HTML (`<script>`, `<img onerror>`), entity-like
text, a terminal escape sequence, and two ids sharing one display name. The
report is written once from it and opened once in headless Chromium (the same
setup as test_report.py): no link, no injected style, no script ran, the names
are shown as the characters they hold, and the two reps called "Alex Smith"
are two bars with their own win rates. No dbt build: the marts are edited in
place.

The terminal half: `kpi-pipeline run` prints quarantine messages (raw values)
with their control characters as <U+XXXX>; tested on a warehouse holding only
a quarantine, with the load and build steps stubbed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from kpi_pipeline import pipeline, summary  # noqa: E402
from kpi_pipeline.artifacts import NodeResult  # noqa: E402
from kpi_pipeline.quarantine import read_report  # noqa: E402
from kpi_pipeline.report.browser import CHROMIUM, chromium, wait_until_drawn  # noqa: E402
from kpi_pipeline.report.context import Names, unambiguous_labels  # noqa: E402
from kpi_pipeline.report.figures import plotly_escaped, plotly_text  # noqa: E402
from kpi_pipeline.safe_text import terminal_safe  # noqa: E402
from kpi_pipeline.settings import RunConfig  # noqa: E402
from kpi_pipeline.warehouse import Warehouse  # noqa: E402
from test_report import CHART_IDS, WINDOW_MONTHS, write_report  # noqa: E402

ATTACKER = "https://example.com/pwned"
LINK = f'<a href="{ATTACKER}">Click me</a>'
BIG = '<span style="font-size:120px;color:red">x</span>'
SCRIPT = "<script>window.__pwned = 1</script>"
IMG = '<img src="x" onerror="window.__pwned = 2">'
ENTITIES = "R&amp;D &lt;b&gt;bold&lt;/b&gt; &#60;i&#62;"  # must show as typed, not as "R&D <b>bold</b> <i>"
TERMINAL = "\x1b[2K\r\x1b[32mall checks passed\x1b[0m\x07"
SAME = "Alex Smith"

# the two reps of the issue: REP-008 won 1 of 1 and REP-007 6 of 26 in the demo's window
TWINS = ("REP-007", "REP-008")
REP_NAMES = {
    "REP-007": SAME, "REP-008": SAME, "REP-004": LINK, "REP-005": BIG, "REP-006": SCRIPT, "REP-009": IMG,
    "REP-010": ENTITIES, "REP-011": TERMINAL,
}
TEAM_NAMES = {"na_smb": LINK, "emea": "Team One", "na_enterprise": "team  one"}  # one name to a reader
CHANNEL_NAMES = {
    "paid_search": BIG, "display": LINK, "organic_search": SCRIPT, "referral": IMG, "email": "Newsletter",
    "events": "Newsletter", "paid_social": ENTITIES, "direct": TERMINAL,
}
CAMPAIGN_NAMES = {"CMP-001": LINK, "CMP-002": BIG, "CMP-005": SCRIPT, "CMP-008": SAME, "CMP-011": SAME}
SEGMENT = ("smb", LINK)  # segments are codes: the value is its own label
DROPOFF_REASON = ("price", BIG)
MODEL = ("w_shaped", LINK)
KPI = ("sqls", LINK.replace("Click me", "kpi"))  # shown as its name when the report has no label for it
HOSTILE = (LINK, BIG, SCRIPT, IMG, ENTITIES, TERMINAL)


# ---------------------------------------------------------------- the helpers, unit by unit


def test_plotly_text_escapes_markup_and_entities_only() -> None:
    assert plotly_text(LINK) == "&lt;a href=\"https://example.com/pwned\"&gt;Click me&lt;/a&gt;"
    assert plotly_text("Events & Webinars") == "Events & Webinars"  # a lone & is no entity for Plotly
    assert plotly_text("R&amp;D &#60; &#x3c;") == "R&amp;amp;D &amp;#60; &amp;#x3c;"
    assert plotly_text("2026-10-01") == "2026-10-01"


def test_plotly_escaped_leaves_templates_and_ids_alone() -> None:
    fig = {
        "data": [{"x": [LINK, "b"], "y": [1, None], "name": BIG, "customdata": [[LINK, 2]],
                  "hovertemplate": "%{x}<extra>%{fullData.name}</extra>", "meta": {"channels": ["<id>"]}}],
        "layout": {"title": {"text": SCRIPT}, "annotations": [{"text": IMG, "y": LINK, "x": 0}],
                   "updatemenus": [{"buttons": [{"label": LINK, "args": [{"text": [[BIG]]}]}]}],
                   "xaxis": {"tickformat": ",.0f", "type": "category"}},
    }
    out = plotly_escaped(fig)
    trace, layout = out["data"][0], out["layout"]
    assert trace["x"] == [plotly_text(LINK), "b"] and trace["y"] == [1, None] and trace["name"] == plotly_text(BIG)
    assert trace["customdata"] == [[plotly_text(LINK), 2]]
    assert trace["hovertemplate"] == "%{x}<extra>%{fullData.name}</extra>" and trace["meta"] == {"channels": ["<id>"]}
    assert layout["title"]["text"] == plotly_text(SCRIPT)
    assert layout["annotations"][0] == {"text": plotly_text(IMG), "y": plotly_text(LINK), "x": 0}
    assert layout["updatemenus"][0]["buttons"][0] == {"label": plotly_text(LINK), "args": [{"text": [[plotly_text(BIG)]]}]}
    assert layout["xaxis"] == {"tickformat": ",.0f", "type": "category"}


def test_labels_are_unambiguous() -> None:
    labels = unambiguous_labels({"rep_042": SAME, "rep_017": SAME, "rep_001": "Dana", "rep_002": None,
                                 "rep_003": "alex  SMITH", "rep_004": "Total", "rep_005": "Dana (rep_006)",
                                 "rep_006": "Dana"})
    assert labels["rep_017"] == "Alex Smith (rep_017)" and labels["rep_042"] == "Alex Smith (rep_042)"
    assert labels["rep_003"] == "alex  SMITH (rep_003)"  # the same name to a reader
    assert labels["rep_002"] == "rep_002"  # no name: the id
    assert labels["rep_004"] == "Total (rep_004)"  # the report's own label for the total row
    assert labels["rep_001"] == "Dana (rep_001)" and labels["rep_006"] != labels["rep_005"]
    keys = [" ".join(label.split()).casefold() for label in labels.values()]
    assert len(set(keys)) == len(keys)
    names = Names.from_display_names(channels={}, reps={"r1": "Ann", "r2": "Ann"}, teams={}, campaigns={})
    assert names.label("rep", "r1") == "Ann (r1)" and names.label("rep", "r3") == "r3"
    assert names.label("segment", "smb") == "smb" and names.label("total", "all") == "Total"


def test_terminal_safe_shows_control_characters_as_code_points() -> None:
    assert terminal_safe(TERMINAL) == "<U+001B>[2K<U+000D><U+001B>[32mall checks passed<U+001B>[0m<U+0007>"
    assert terminal_safe("a\x9bb\x85c\x7fd\x00e") == "a<U+009B>b<U+0085>c<U+007F>d<U+0000>e"  # C1, DEL, NUL
    assert terminal_safe("bidi \u202eevil\u202c zero\u200bwidth") == "bidi <U+202E>evil<U+202C> zero<U+200B>width"
    assert terminal_safe("line 1\n\tline 2") == "line 1\n\tline 2"  # the layout of multi-line messages
    assert terminal_safe("Café Zürich 東京 €5 🙂") == "Café Zürich 東京 €5 🙂"
    assert terminal_safe(terminal_safe(TERMINAL)) == terminal_safe(TERMINAL)
    assert terminal_safe(42) == "42"


# ---------------------------------------------------------------- the terminal: quarantine messages


def quarantine_warehouse(path: Path) -> Warehouse:
    """A DuckDB file holding only a quarantine: crm_leads above its threshold, messages quoting hostile values."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema quarantine")
        con.execute(
            "create table quarantine.quarantine_summary as select 'crm_leads' as raw_table, 10 as raw_rows, "
            "7 as clean_rows, 3 as quarantined_rows, 3 as rejected_rows, 0 as held_back_rows, "
            "0.3 as rejected_share, 0.01 as quarantine_threshold, true as is_above_threshold"
        )
        con.execute(
            "create table quarantine.quarantined_rows (quarantined_row_id integer, raw_table varchar, "
            "row_key varchar, rule_name varchar, column_name varchar, message varchar, raw_row varchar, "
            "counts_toward_threshold boolean)"
        )
        con.executemany(
            "insert into quarantine.quarantined_rows values (?, 'crm_leads', ?, 'bad_email', 'email', ?, '{}', true)",
            [(1, "L-1", f"email '{TERMINAL}' is not an email address"),
             (2, "L-2\x9b2J", "email 'x\x1b]0;owned\x07' is not an email address"),
             (3, "L-3", "email 'y\x85\x1bc' is not an email address")],
        )
    return Warehouse(target="duckdb", kind="duckdb", duckdb_path=path)


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_quarantine_examples_are_terminal_safe(tmp_path: Path) -> None:
    report = read_report(quarantine_warehouse(tmp_path / "q.duckdb"))
    assert report is not None
    (table,) = report.above_threshold
    assert len(table.examples) == 3 and not CONTROL.search(table.describe_failure())
    assert "<U+001B>[2K<U+000D><U+001B>[32mall checks passed" in table.examples[0]
    assert "L-2<U+009B>2J" in table.examples[1] and "<U+0085><U+001B>c" in table.examples[2]


def test_summary_table_is_terminal_safe() -> None:
    text = summary.render({"status": "failed", "exit_code": 1, "run_id": "r", "target": "duckdb",
                           "failures": [{"text": f"quarantine: {TERMINAL}"}], "error": "bad \x9b value"})
    assert not CONTROL.search(text) and "<U+009B>" in text and "\n" in text


def test_a_run_prints_quarantine_messages_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capfd: pytest.CaptureFixture[str]) -> None:
    """`kpi-pipeline run` with the load and build stubbed: the quarantine step, the FAILED lines, the
    summary table and the run history are the real code."""
    warehouse = quarantine_warehouse(tmp_path / "q.duckdb")
    built = NodeResult(unique_id="model.x.quarantine_summary", resource_type="model", name="quarantine_summary",
                       status="success", execution_time=0.1, failures=None, message=None, compiled_code=None,
                       attached_to=None)
    monkeypatch.setattr(pipeline, "resolve", lambda project_dir, target: warehouse)
    monkeypatch.setattr(pipeline, "prepare_env", lambda config, wh: None)
    monkeypatch.setattr(pipeline, "load_step", lambda state: None)
    monkeypatch.setattr(pipeline, "build_step", lambda state: setattr(state, "results", [built]))
    config = RunConfig(project_dir=PROJECT_DIR, target="duckdb", output_dir=tmp_path / "out",
                       target_path=tmp_path / "target", log_path=tmp_path / "logs", skip_quality=True,
                       skip_report=True)
    code = pipeline.run(config)
    captured = capfd.readouterr()
    printed = captured.out + captured.err
    assert code == 1
    assert "kpi-pipeline: FAILED quarantine: crm_leads: 3 of 10 rows" in captured.err
    assert not CONTROL.search(printed), [line for line in printed.splitlines() if CONTROL.search(line)]
    assert "<U+001B>[2K<U+000D><U+001B>[32mall checks passed<U+001B>[0m<U+0007>" in captured.err
    assert "<U+009B>" in printed and "<U+0085>" in printed
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as con:
        (message,) = con.execute("select message from ops.pipeline_runs").fetchone()
    assert "all checks passed" in message and not CONTROL.search(message)


# ---------------------------------------------------------------- the page: hostile names in every dimension


def hostile_warehouse(demo: Path, path: Path) -> Path:
    shutil.copy(demo, path)
    with duckdb.connect(str(path)) as con:
        for table, key, column, names in (
            ("dim_sales_reps", "rep_id", "rep_name", REP_NAMES),
            ("dim_sales_reps", "current_team_id", "current_team_name", TEAM_NAMES),
            ("dim_channels", "channel_id", "channel_name", CHANNEL_NAMES),
            ("dim_campaigns", "campaign_id", "campaign_name", CAMPAIGN_NAMES),
        ):
            for value, name in names.items():
                con.execute(f"update marts.{table} set {column} = ? where {key} = ?", [name, value])
                assert con.execute(f"select count(*) from marts.{table} where {key} = ?", [value]).fetchone()[0]
        for table, column, where, (old, new) in (
            ("kpi_scorecard", "dimension_value", "dimension_type = 'segment'", SEGMENT),
            ("kpi_funnel_dropoff", "dropoff_reason", "true", DROPOFF_REASON),
            ("kpi_marketing_roi", "attribution_model", "true", MODEL),
            ("kpi_scorecard", "kpi_name", "true", KPI),
        ):
            changed = con.execute(f"update marts.{table} set {column} = ? where {column} = ? and {where}",
                                  [new, old]).fetchone()[0]
            assert changed, (table, column, old)
    return path


@dataclass
class Page:
    page: Any
    errors: list[str]
    console: list[tuple[str, str]]
    requests: list[str]
    charts: int

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)


@pytest.fixture(scope="module")
def hostile(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the warehouse with hostile names, the report written from it): one report write."""
    work = tmp_path_factory.mktemp("hostile_names")
    db = hostile_warehouse(demo_warehouse, work / "hostile.duckdb")
    result = write_report(db, work / "index.html")
    assert result.code == 0, result.stdout + result.stderr
    assert not CONTROL.search(result.stdout + result.stderr)
    return db, result.path


@pytest.fixture(scope="module")
def page(hostile: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """The page, loaded once in headless Chromium."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `bash scripts/setup.sh` installs Debian's chromium package")
    with chromium(tmp_path_factory.mktemp("chromium_profile_names")) as context:
        tab = context.new_page()
        seen = Page(page=tab, errors=[], console=[], requests=[], charts=0)
        tab.on("pageerror", lambda e: seen.errors.append(str(e)))
        tab.on("console", lambda m: seen.console.append((m.type, m.text)))
        tab.on("request", lambda r: seen.requests.append(r.url))
        tab.goto(hostile[1].resolve().as_uri())
        seen.charts = wait_until_drawn(tab)
        yield seen


def texts(page: Page, selector: str) -> list[str]:
    return page.js("(s) => Array.from(document.querySelectorAll(s)).map(e => e.textContent)", selector)


def test_the_page_is_drawn_and_nothing_ran(page: Page) -> None:
    assert page.charts == len(CHART_IDS)
    assert page.js("() => document.querySelectorAll('.empty').length") == 0
    assert not page.errors, page.errors
    assert not [m for m in page.console if m[0] in ("error", "warning")], page.console
    assert page.js("() => window.__pwned === undefined"), "a script in a name ran"
    assert all(url.startswith(("file://", "data:", "blob:")) for url in page.requests), page.requests
    # the page's own scripts only (plotly.js, the filter script, the JSON figures); no <img> at all
    assert page.js("() => Array.from(document.scripts).filter(s => !s.type).length") == 2
    assert page.js("() => document.getElementsByTagNameNS('*', 'img').length") == 0


def test_names_are_drawn_as_text_in_every_kind_of_plotly_text(page: Page) -> None:
    # tick labels (categories), legend entries, subplot titles (annotations), menu items, hover labels
    rep_ticks = texts(page, "#chart-win-rate-by-rep .ytick text")
    for name in (LINK, BIG, SCRIPT, IMG, ENTITIES):
        assert name in rep_ticks, (name, rep_ticks)
    assert LINK in texts(page, "#chart-win-rate-by-team .xtick text")
    legend = texts(page, "#chart-revenue-by-month .legendtext")
    assert {BIG, LINK, SCRIPT, IMG, ENTITIES} <= set(legend), legend
    assert {BIG, LINK, ENTITIES} <= set(texts(page, "#chart-roi-by-model .annotation-text")), "subplot titles"
    assert LINK in texts(page, "#chart-roi-by-model .xtick text")  # an attribution model's short name
    assert BIG in texts(page, "#chart-funnel-dropoff .legendtext")  # a drop-off reason
    assert KPI[1] in texts(page, "#chart-scorecard-attainment .ytick text") + texts(
        page, "#table-scorecard-attainment td")  # a KPI name (in the chart when it has a target)
    page.page.click("#chart-retention-heatmap .updatemenu-header")
    menu = texts(page, "#chart-retention-heatmap .updatemenu-dropdown-button .updatemenu-item-text")
    assert {BIG, LINK, SCRIPT} <= set(menu), menu
    index = page.js("(n) => document.getElementById('chart-win-rate-by-rep').data[0].y"
                    ".indexOf(n)", plotly_text(LINK))
    page.js("(i) => Plotly.Fx.hover(document.getElementById('chart-win-rate-by-rep'),"
            " [{curveNumber: 0, pointNumber: i}])", index)
    hover = " ".join(texts(page, "#chart-win-rate-by-rep .hoverlayer text"))
    assert LINK in hover, hover


def test_no_markup_from_a_name_reaches_the_page(page: Page) -> None:
    """Run after the menu and hover label are drawn: no link (HTML or SVG), no injected style anywhere."""
    links = page.js(
        """() => Array.from(document.getElementsByTagNameNS('*', 'a')).map(a =>
            a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '')"""
    )
    assert links and all(href == "" or href.startswith("#") for href in links), links  # navigation, mode bar
    styled = page.js("""() => Array.from(document.querySelectorAll('[style]'))
        .filter(e => /font-size:\\s*120px|color:\\s*red/.test(e.getAttribute('style'))).length""")
    assert styled == 0
    assert page.js("() => document.querySelectorAll('svg tspan[style*=\"120px\"], svg b, svg a').length") == 0


def test_html_tables_and_filters_show_the_names_as_typed(page: Page) -> None:
    names = texts(page, "#table-win-rate-by-rep tbody td:first-child")
    assert {LINK, BIG, SCRIPT, IMG, ENTITIES} <= set(names)
    assert f"{SAME} (REP-007)" in names and f"{SAME} (REP-008)" in names
    by_dimension = texts(page, "#table-scorecard-by-dimension tbody td")
    for name in (LINK, BIG, SCRIPT, f"{SAME} (CMP-008)", f"{SAME} (CMP-011)", "Team One (emea)",
                 "team  one (na_enterprise)"):
        assert name in by_dimension, name
    toggles = texts(page, "#filters .channels label")
    assert {BIG, LINK, "Newsletter (email)", "Newsletter (events)"} <= set(toggles), toggles


def window_win_rates(db: Path) -> dict[str, tuple[float, int, int]]:
    with duckdb.connect(str(db), read_only=True) as con:
        last: dt.date = con.execute("select max(period_month) from marts.kpi_scorecard").fetchone()[0]
        months = last.year * 12 + last.month - 1 - (WINDOW_MONTHS - 1)
        start = dt.date(months // 12, months % 12 + 1, 1)
        rows = con.execute(
            "select dimension_value, sum(won_count), sum(closed_count) from marts.kpi_win_rate "
            "where dimension_type = 'rep' and period_month >= ? group by 1", [start]
        ).fetchall()
    return {rep: (float(won) / float(closed), int(won), int(closed)) for rep, won, closed in rows if closed}


def test_two_reps_with_one_name_are_two_bars_with_their_own_values(page: Page, hostile: tuple[Path, Path]) -> None:
    expected = window_win_rates(hostile[0])
    trace = page.js("() => { const t = document.getElementById('chart-win-rate-by-rep').data[0];"
                    " return {y: t.y, x: t.x, text: t.text}; }")
    plotted = dict(zip(trace["y"], zip(trace["x"], trace["text"])))
    assert len(plotted) == len(trace["y"]), "a category is shared"
    for rep in TWINS:
        rate, won, closed = expected[rep]
        x, text = plotted[f"{SAME} ({rep})"]
        assert x == pytest.approx(rate, rel=1e-12) and f"({won} of {closed})" in text, (rep, x, text)
    assert expected["REP-008"][1:] == (1, 1) and expected["REP-007"][1:] == (6, 26)  # the two reps
    ticks = texts(page, "#chart-win-rate-by-rep .ytick text")
    assert f"{SAME} (REP-007)" in ticks and f"{SAME} (REP-008)" in ticks and SAME not in ticks
    # the two channels called "Newsletter" are two categories too, and two teams that read alike
    cac = page.js("() => document.getElementById('chart-cac-by-channel').data[0].x")
    assert "Newsletter (email)" in cac and "Newsletter (events)" in cac
    teams = [" ".join(t.split()) for t in texts(page, "#chart-win-rate-by-team .xtick text")]
    assert "Team One (emea)" in teams and "team one (na_enterprise)" in teams, teams


def test_no_template_holds_a_name(hostile: tuple[Path, Path]) -> None:
    """Plotly reads `%{...}` and markup in hovertemplate / texttemplate: they hold the report's own text only."""
    html = hostile[1].read_text(encoding="utf-8")
    figures = re.findall(r'<script type="application/json" id="figure-chart-[^"]+">(.*?)</script>', html, re.S)
    assert len(figures) == len(CHART_IDS)
    templates: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("hovertemplate", "texttemplate") and isinstance(item, str):
                    templates.append(item)
                else:
                    collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for text in figures:
        collect(json.loads(text.replace("<\\/", "</")))
    assert templates
    leaked = [t for t in templates if any(marker in t for marker in ("example.com", "pwned", "120px", "Newsletter"))]
    assert not leaked, leaked
