"""The report of a data set without a source system: empty marts are "no data", never a crash (issue 23).

A CRM-only data set (no ads files) built every mart, then the report crashed in
`small_multiples` (plotly's make_subplots with rows=0: no channel had spend) and
the run ended with exit 2. The class test, without a dbt build: the session's
demo warehouse is copied and its marts are emptied the ways a data set without a
system empties them (spend 0 and no targets, the ad/spend marts without rows,
every mart the report reads without rows, the calendar too); the report must be
written (exit 0, no traceback) and every section must say it has no data, as a
"no data" note naming the mart (built, no rows), never "not available" / "not
built" (that is for a mart that is not in the warehouse).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from test_report import write_report  # noqa: E402

# the names this change adds (EmptyFigure, NO_DATA, TITLES, guarded's mart) are imported in the tests that use
# them, so that the tests of the page fail on their assertions, not on an import, on the code before it

# every mart the report reads, by section
SECTION_MARTS = {
    "scorecard": ["kpi_scorecard"],
    "funnel": ["kpi_funnel", "kpi_funnel_dropoff", "kpi_funnel_velocity"],
    "costs": ["kpi_cost_per_lead", "kpi_cost_per_opportunity", "kpi_cac", "kpi_attributed_acquisition"],
    "roi": ["kpi_marketing_roi"],
    "revenue": ["kpi_revenue", "kpi_mrr"],
    "retention": ["kpi_retention_cohorts", "kpi_customer_retention"],
    "win-rate": ["kpi_win_rate"],
}
AD_SPEND_MARTS = ["kpi_cost_per_lead", "kpi_cost_per_opportunity", "kpi_attributed_acquisition", "kpi_marketing_roi"]
DIMENSIONS = ["dim_channels", "dim_sales_reps", "dim_campaigns", "dim_ads"]


def emptied(demo: Path, path: Path, statements: list[str]) -> Path:
    shutil.copy(demo, path)
    with duckdb.connect(str(path)) as con:
        for sql in statements:
            con.execute(sql)
    return path


def section_html(text: str, section_id: str) -> str:
    match = re.search(rf'<section id="section-{re.escape(section_id)}">(.*?)</section>', text, re.S)
    assert match, section_id
    return match.group(1)


def assert_written(result) -> str:
    assert result.code == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    # built and empty is not "not built": no missing-mart warning, no "not available" state
    assert "not built" not in result.stderr and "warning" not in result.stderr, result.stderr
    text = result.html
    assert "data-missing-mart" not in text and ": not available" not in text
    return text


def test_a_data_set_without_ad_spend_or_targets_gets_its_report(demo_warehouse: Path, tmp_path: Path) -> None:
    """What a CRM-only build holds: ROI rows with no spend (no channel has an ROI), no targets."""
    db = emptied(demo_warehouse, tmp_path / "crm_only.duckdb", [
        "update marts.kpi_marketing_roi set marketing_spend = 0, roi_numerator = null, roi_denominator = 0, "
        "roas_numerator = null, roas_denominator = 0",
        "update marts.kpi_scorecard set target = null, attainment = null, status = null",
    ])
    text = assert_written(write_report(db, tmp_path / "index.html"))
    roi = section_html(text, "roi")
    assert 'data-empty-mart="kpi_marketing_roi"' in roi and ": no data</h3>" in roi
    assert "the data set has no ad spend" in roi
    # the ROI panels are a note; the credited revenue (no spend needed) is still drawn
    assert 'id="chart-roi-by-model"' not in text and 'id="chart-roi-revenue-by-model"' in text
    scorecard = section_html(text, "scorecard")
    assert 'data-empty-mart="kpi_scorecard"' in scorecard and "no KPI has a target" in scorecard
    assert 'id="chart-scorecard-attainment"' not in text and 'id="scorecard-cards"' in text


def test_empty_ad_spend_marts_are_no_data_not_missing(demo_warehouse: Path, tmp_path: Path) -> None:
    db = emptied(demo_warehouse, tmp_path / "no_ads.duckdb",
                 [f"delete from marts.{mart}" for mart in [*AD_SPEND_MARTS, "kpi_cac", "dim_campaigns", "dim_ads"]])
    result = write_report(db, tmp_path / "index.html")
    text = assert_written(result)
    for mart in [*AD_SPEND_MARTS, "kpi_cac"]:
        assert f'data-empty-mart="{mart}"' in text, mart
        assert f"marts.{mart} was built and has no rows: the data set has no" in text, mart
    assert "the data set has no ad spend" in section_html(text, "costs")
    assert "the data set has no ad spend" in section_html(text, "roi")
    # the run's summary (and `kpi-pipeline report`) name them as empty, not as missing
    assert "no data" in result.stdout and "kpi_marketing_roi" in result.stdout
    # the other sections are drawn as before
    assert 'id="chart-revenue-by-month"' in text and 'id="chart-win-rate-by-rep"' in text


def test_every_mart_empty_gives_a_page_of_no_data(demo_warehouse: Path, tmp_path: Path) -> None:
    marts = [m for ms in SECTION_MARTS.values() for m in ms] + DIMENSIONS
    db = emptied(demo_warehouse, tmp_path / "all_empty.duckdb", [f"delete from marts.{m}" for m in marts])
    text = assert_written(write_report(db, tmp_path / "index.html"))
    assert 'id="chart-' not in text and "figure-chart-" not in text
    for section_id, section_marts in SECTION_MARTS.items():
        html = section_html(text, section_id)
        for mart in section_marts:
            assert f'data-empty-mart="{mart}"' in html and f"marts.{mart} was built and has no rows" in html, mart


def test_an_empty_calendar_gives_a_page_of_no_data(demo_warehouse: Path, tmp_path: Path) -> None:
    """Every mart the report reads empty, dim_date (the calendar) too: still a page, every section 'no data'."""
    marts = [m for ms in SECTION_MARTS.values() for m in ms] + DIMENSIONS + ["dim_date"]
    db = emptied(demo_warehouse, tmp_path / "no_calendar.duckdb", [f"delete from marts.{m}" for m in marts])
    from kpi_pipeline.report.sections import TITLES

    text = assert_written(write_report(db, tmp_path / "index.html"))
    assert [section_id for section_id, _ in TITLES] == list(SECTION_MARTS)
    for section_id, title in TITLES:
        html = section_html(text, section_id)
        assert f"<h2>{title}</h2>" in html and 'data-empty-mart="dim_date"' in html
        assert "marts.dim_date was built and has no rows" in html
    assert "figure-chart-" not in text


def test_the_page_of_the_demo_keeps_its_section_titles(demo_warehouse: Path, tmp_path: Path) -> None:
    """TITLES (the page without a calendar) names the sections as their builders do."""
    from kpi_pipeline.report.command import render_report
    from kpi_pipeline.report.sections import TITLES

    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        _html, sections = render_report(con, "USD")
    assert [(s.section_id, s.title.split(":")[0]) for s in sections] == list(TITLES)


def test_small_multiples_without_panels_is_no_data_not_a_crash() -> None:
    from kpi_pipeline.report.figures import EmptyFigure, small_multiples
    from kpi_pipeline.report.model import NO_DATA
    from kpi_pipeline.report.sections.common import guarded

    with pytest.raises(EmptyFigure):
        small_multiples([], {})
    (block,) = guarded("ROI", lambda: [small_multiples([], {})], mart="kpi_marketing_roi")
    assert block.kind == NO_DATA and block.mart == "kpi_marketing_roi"
    # one panel still draws
    fig = small_multiples([("a", go.Bar(x=[1], y=[2]))], {})
    assert len(fig["data"]) == 1
