"""The scorecard cards of a month in progress say so and are coloured by pace (issue 23, deliverable 3).

No dbt build: the session's demo warehouse (as of a month end, so every month is full) is copied and
its as-of month in marts.kpi_scorecard is turned into day 15 of 31, the way kpi_scorecard writes a
partial month (is_partial_period, days_elapsed / days_in_period, pace_target = target * 15 / 31 for
revenue, MQLs and SQLs, attainment and status against it; the mart's rule itself is tested by the
unit tests test_kpi_scorecard_paces_* in models/marts/kpi/_kpi_acquisition__models.yml). Revenue and
MQLs are set to half the month's target: on pace (15 / 31 = 48.4 % of the month), so on track.
The scorecard section is rendered in-process from the copy.
"""

from __future__ import annotations

import shutil
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from kpi_pipeline.report.command import render_report  # noqa: E402
from kpi_pipeline.report.model import Cards  # noqa: E402
from kpi_pipeline.report.sections import scorecard  # noqa: E402

ADDITIVE = ("revenue", "mqls", "sqls")


def scorecard_cards(db: Path) -> tuple[dict, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        html, sections = render_report(con, "USD", builders=[scorecard.build])
    finally:
        con.close()
    cards = next(b for b in sections[0].blocks if isinstance(b, Cards)).cards
    return {c.key: c for c in cards}, html


@pytest.fixture(scope="module")
def partial_month(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("report_pacing") / "partial.duckdb"
    shutil.copyfile(demo_warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        latest = "(select max(period_month) from marts.kpi_scorecard)"
        additive = ", ".join(f"'{k}'" for k in ADDITIVE)
        # revenue and MQLs (total) at half the month's target on day 15 of 31
        con.execute(f"update marts.kpi_scorecard set value = target * 0.5 where period_month = {latest} "
                    "and dimension_type = 'total' and kpi_name in ('revenue', 'mqls') and target is not null")
        con.execute(f"""
            update marts.kpi_scorecard set
                is_partial_period = true, pacing_days = 'calendar', days_elapsed = 15, days_in_period = 31,
                pace_target = case when kpi_name in ({additive}) then target * 15 / 31 else target end,
                projected_value = case when kpi_name in ({additive}) then value * 31 / 15 else value end
            where period_month = {latest}""")
        con.execute(f"""
            update marts.kpi_scorecard set
                attainment = case when direction = 'higher_is_better' then value / nullif(pace_target, 0)
                                  else pace_target / nullif(value, 0) end
            where period_month = {latest}""")
        con.execute(f"""
            update marts.kpi_scorecard set
                status = case when attainment is null then null when attainment >= 1 then 'on_track'
                              when attainment >= 0.9 then 'at_risk' else 'off_track' end
            where period_month = {latest}""")
    finally:
        con.close()
    return copy


def test_cards_of_a_month_in_progress_say_month_to_date_and_colour_by_pace(partial_month: Path) -> None:
    cards, html = scorecard_cards(partial_month)
    con = duckdb.connect(str(partial_month), read_only=True)
    try:
        rows = {r[0]: r[1:] for r in con.execute(
            "select kpi_name, value, target, pace_target, attainment, status from marts.kpi_scorecard "
            "where dimension_type = 'total' and period_month = (select max(period_month) from marts.kpi_scorecard)"
        ).fetchall()}
    finally:
        con.close()
    assert set(cards) == set(rows)
    for name, card in cards.items():
        assert card.label.endswith(" · month to date, day 15 of 31"), card.label
        assert card.status == rows[name][4], (name, card.status, rows[name][4])  # the mart's status, by pace
    for name in ("revenue", "mqls"):
        value, target, pace, attainment, status = rows[name]
        # half the month's target on day 15 of 31: ahead of the pace target (15 / 31 of it), on track
        assert value == target * Decimal("0.5") and float(attainment) == pytest.approx(31 / 30, rel=1e-6)
        assert status == "on_track" and cards[name].status == "on_track"
        assert "to date (month" in cards[name].target, cards[name].target
        assert f'data-kpi="{name}"' in html and f'class="card status-on_track" data-kpi="{name}"' in html
    # a ratio KPI compares as in a full month: its card shows the month's target alone
    ratio = next(k for k in ("win_rate_count", "cost_per_lead", "marketing_roi") if rows.get(k, (None,) * 5)[1])
    assert "to date" not in cards[ratio].target and rows[ratio][2] == rows[ratio][1]
    assert "month to date, day 15 of 31" in html and "target to date" in html


def test_cards_of_a_full_month_say_nothing_about_pace(demo_warehouse: Path) -> None:
    cards, html = scorecard_cards(demo_warehouse)
    assert cards and not any("month to date" in c.label or "to date (month" in c.target for c in cards.values())
    assert "month to date" not in html and "target to date" not in html
