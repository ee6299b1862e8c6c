"""The Great Expectations step on a refresh (issue 18): dbt records in ops.refresh_windows what each
incremental mart's run rewrote (macro record_refresh_window, a pre-hook); `kpi-pipeline run` then checks
those marts from their window, every other mart whole, and everything whole with --full-checks. Three
runs of the demo data (--data-dir, --skip-report) on one DuckDB file: the first is shared_runs'
demo_data_dir_run (test_pipeline_cli's data_dir_run is the same run; read only), the refresh and the
--full-checks run follow it on a copy of its warehouse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from shared_runs import Run, copy_warehouse, demo_data_dir_run, run_pipeline

WINDOWED = {"fct_touchpoints": "touched_date", "fct_marketing_spend_daily": "spend_date",
            "fct_attribution_credit": "conversion_at"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    # the first run: the demo CSVs loaded with --data-dir --skip-report into a new warehouse (a stale lock
    # next to it, which it clears: nothing these tests look at), shared with test_pipeline_cli
    out = {"first": demo_data_dir_run(tmp_path_factory)}
    assert out["first"].code == 0, out["first"].stdout[-3000:] + out["first"].stderr[-3000:]
    work = tmp_path_factory.mktemp("quality_windows")
    # the next two runs on a copy of its warehouse, the same data and flags (the refresh), then --full-checks
    db = copy_warehouse(out["first"], work / "warehouse.duckdb")
    args = ("--data-dir", str(out["first"].db.parent / "data"), "--skip-report")
    for name, extra in (("refresh", ()), ("full_checks", ("--full-checks",))):
        out[name] = run_pipeline(work / name, *args, *extra, db=db, unit_tests=False)
        assert out[name].code == 0, out[name].stdout[-3000:] + out[name].stderr[-3000:]
    return out


def _windows(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(
            "select invocation_id, model_name, window_column, window_start from ops.refresh_windows "
            "order by recorded_at, model_name"
        ).fetchall()


def test_a_first_build_records_whole_tables_and_checks_everything_whole(runs: dict[str, Run]) -> None:
    quality = runs["first"].summary["expectations"]
    invocation = quality["invocation_id"]
    first = [row for row in _windows(runs["first"].db) if row[0] == invocation]
    assert {(row[1], row[2], row[3]) for row in first if not row[1].startswith("base_")} == {
        (m, c, None) for m, c in WINDOWED.items()}
    # the incremental base models record their windows too (for the data tests), null on a first build
    assert {row[1] for row in first if row[1].startswith("base_")} >= {"base_marketing__touchpoints", "base_crm__leads"}
    assert all(row[3] is None for row in first)
    assert quality["checked_from"] == {} and quality["failed"] == 0
    assert set(WINDOWED) <= set(quality["checked_whole"])
    assert "rebuilt it whole" in quality["checked"]["fct_touchpoints"]["why"]


def test_a_refresh_checks_incremental_marts_from_their_window(runs: dict[str, Run]) -> None:
    quality = runs["refresh"].summary["expectations"]
    rows = {row[1]: row for row in _windows(runs["refresh"].db) if row[0] == quality["invocation_id"]}
    assert {name for name in rows if not name.startswith("base_")} == set(WINDOWED)
    assert quality["whole_because"] is None and quality["failed"] == 0
    assert set(quality["checked_from"]) == set(WINDOWED)
    for mart, column in WINDOWED.items():
        start = rows[mart][3]
        assert isinstance(start, dt.date)
        assert quality["checked_from"][mart] == {"column": column, "from": start.isoformat()}
        assert quality["checked"][mart]["scope"] == "window"
    with duckdb.connect(str(runs["refresh"].db), read_only=True) as conn:
        # the spend window is the lookback before the latest day held; fewer rows than the table
        latest = conn.execute("select max(spend_date) from marts.fct_marketing_spend_daily").fetchone()[0]
        assert rows["fct_marketing_spend_daily"][3] == latest - dt.timedelta(days=3)
        total = conn.execute("select count(*) from marts.fct_marketing_spend_daily").fetchone()[0]
        assert quality["checked"]["fct_marketing_spend_daily"]["rows"] < total
        # every rewritten touch (all touches of a lead touched or created in the window) is in the window
        start = rows["fct_touchpoints"][3]
        assert start <= conn.execute("select max(touched_date) from marts.fct_touchpoints").fetchone()[0] - dt.timedelta(days=3)
    # every non-incremental mart is still checked whole, the same checks as on the first run
    assert set(quality["checked_whole"]) == set(quality["validated"]) - set(WINDOWED)
    assert quality["passed"] == runs["first"].summary["expectations"]["passed"]
    assert "marts checked" in runs["refresh"].stdout and "fct_marketing_spend_daily (spend_date >=" in runs["refresh"].stdout


def test_full_checks_checks_every_mart_whole(runs: dict[str, Run]) -> None:
    quality = runs["full_checks"].summary["expectations"]
    assert quality["full_checks"] is True and quality["whole_because"] == "--full-checks"
    assert quality["checked_from"] == {} and set(quality["checked_whole"]) == set(quality["validated"])
    assert runs["full_checks"].summary["full_checks"] is True
    # dbt still recorded the refresh windows of that (incremental) build
    rows = [row for row in _windows(runs["full_checks"].db) if row[0] == quality["invocation_id"]]
    assert {row[1] for row in rows if not row[1].startswith("base_")} == set(WINDOWED)
    assert all(row[3] is not None for row in rows)


def _test_sql(run: Run, mart: str) -> dict[str, str]:
    """The SQL dbt ran for each generic data test attached to `mart` in this run: {test file name: sql}."""
    found = {}
    for path in (run.out.parent / "target" / "run").rglob("*.sql"):
        if path.parent.suffix == ".yml" and mart in path.name or path.name == f"column_checks_{mart}.sql":
            found[path.name] = path.read_text()
    return found


def test_a_refresh_runs_the_data_tests_of_incremental_marts_on_their_window(runs: dict[str, Run]) -> None:
    # issue 27: dbt's generic tests of a model that recorded a window in this invocation read only the window
    # (get_where_subquery, macros/incremental/test_windows.sql); a first build and --full-checks read it whole
    quality = runs["refresh"].summary["expectations"]
    rows = {row[1]: row for row in _windows(runs["refresh"].db) if row[0] == quality["invocation_id"]}
    for mart, column in WINDOWED.items():
        predicate = f"""cast("{column}" as date) >= cast('{rows[mart][3].isoformat()}' as date)"""
        refresh = _test_sql(runs["refresh"], mart)
        assert f"column_checks_{mart}.sql" in refresh, sorted(refresh)
        assert all(predicate in sql for sql in refresh.values()), (mart, predicate)
        for name in ("first", "full_checks"):
            whole = _test_sql(runs[name], mart)
            assert whole and not any("as date) >= cast('" in sql for sql in whole.values()), (name, mart)
    # a view over the base models follows their windows (meta refresh_window): the earliest start of its
    # sources; the quarantine gate on the same view reads it whole (not a windowed kind of test)
    base = rows["base_marketing__touchpoints"]
    assert base[2] == "typed__touched_at" and isinstance(base[3], dt.date)
    view = _test_sql(runs["refresh"], "int_touchpoints_checked")
    assert f"""cast("touched_date" as date) >= cast('{base[3].isoformat()}' as date)""" in view[
        "column_checks_int_touchpoints_checked.sql"]
    # every quarantine gate (hashed file names: dbt shortens long test names) reads its table whole
    gate = [path.read_text() for path in (runs["refresh"].out.parent / "target" / "run").rglob(
        "quarantine_below_threshold_*.sql")]
    assert len(gate) >= 10 and not any("as date) >= cast('" in sql for sql in gate)
    assert any("int_touchpoints_checked" in sql for sql in gate)
    activity = _test_sql(runs["refresh"], "int_lead_activity")["column_checks_int_lead_activity.sql"]
    sources = ("base_crm__leads", "base_crm__lead_status_history", "base_crm__opportunities",
               "base_crm__opportunity_stage_history", "base_marketing__touchpoints")
    earliest = min(rows[name][3] for name in sources)
    assert f"""cast("activity_date" as date) >= cast('{earliest.isoformat()}' as date)""" in activity
    # a model that records no window (a table mart) is tested whole on the refresh too
    whole = _test_sql(runs["refresh"], "fct_leads")["column_checks_fct_leads.sql"]
    assert "dbt_subquery" not in whole and "as date) >= cast('" not in whole


# ---------------------------------------------------------------- the months spine (issue 22, case 9)


def _months_outcomes(tmp_path: Path, months: list[str], as_of: dt.date, data_through: dt.date | None = None) -> list:
    import pandas as pd

    from kpi_pipeline.artifacts import Mart
    from kpi_pipeline.quality.suites import months_suite
    from kpi_pipeline.quality import Validator
    from kpi_pipeline.warehouse import Warehouse

    mart = Mart(unique_id="model.p.kpi_probe", name="kpi_probe", schema="marts", alias="kpi_probe", path="",
                family="kpi", columns=())
    validator = Validator(Warehouse(target="duckdb", kind="duckdb", duckdb_path=tmp_path / "unused.duckdb"),
                          tmp_path / "docs")
    suite = months_suite(mart, dt.date(2026, 1, 1), as_of, **({"data_through": data_through} if data_through else {}))
    frame = pd.DataFrame({"period_month": pd.Series(months, dtype=object)})
    return [o for o in validator.validate_frame("kpi__kpi_probe__months", suite, frame) if not o.success]


def test_a_missing_month_is_named_from_great_expectations_result(tmp_path: Path) -> None:
    """GX 1.x answers expect_column_distinct_values_to_contain_set in `partial_missing_list` (its
    `observed_value` is None): the failure names exactly the months that are missing, never present ones."""
    failed = _months_outcomes(tmp_path, ["2026-01-01", "2026-02-01", "2026-04-01", "2026-06-01"], dt.date(2026, 6, 1))
    assert len(failed) == 1, failed
    assert failed[0].expectation == "expect_column_distinct_values_to_contain_set"
    assert failed[0].examples == ("missing 2026-03-01", "missing 2026-05-01")
    assert failed[0].unexpected_count == 2
    assert "2 expected value(s) missing; e.g. 'missing 2026-03-01', 'missing 2026-05-01'" in failed[0].describe_failure()


def test_months_after_the_data_may_be_empty_but_gaps_in_it_may_not(tmp_path: Path) -> None:
    """A run after the last export (as-of 2026-08, latest activity 2026-06-30): a mart of events has no row
    for July and August, which is right; a gap before the data's end still fails, as does a month after
    the as-of month."""
    complete = ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01"]
    assert _months_outcomes(tmp_path, complete, dt.date(2026, 8, 1), data_through=dt.date(2026, 6, 30)) == []
    assert _months_outcomes(tmp_path, [*complete, "2026-07-01", "2026-08-01"], dt.date(2026, 8, 1),
                            data_through=dt.date(2026, 6, 30)) == []
    without = _months_outcomes(tmp_path, complete, dt.date(2026, 8, 1))  # no data date: the as-of month decides
    assert [o.examples for o in without] == [("missing 2026-07-01", "missing 2026-08-01")]
    gap = _months_outcomes(tmp_path, [m for m in complete if m != "2026-05-01"], dt.date(2026, 8, 1),
                           data_through=dt.date(2026, 6, 30))
    assert [o.examples for o in gap] == [("missing 2026-05-01",)]
    late = _months_outcomes(tmp_path, [*complete, "2026-09-01"], dt.date(2026, 8, 1), data_through=dt.date(2026, 6, 30))
    assert [o.expectation for o in late] == ["expect_column_values_to_be_in_set"]


def test_the_latest_activity_date_of_a_build_without_it_is_unknown_not_an_error() -> None:
    """A build that skipped int_activity_dates (a gate failed upstream) has no latest activity date: the months
    check falls back to the as-of month, and the DuckDB connection's rollback (no transaction is open there)
    must not turn that into an internal error (exit 2 instead of the run's own exit 1)."""
    from kpi_pipeline.quality import latest_activity_date

    manifest = {"nodes": {"model.x.int_activity_dates": {
        "resource_type": "model", "name": "int_activity_dates", "schema": "intermediate", "alias": None}}}
    conn = duckdb.connect()
    try:
        assert latest_activity_date(conn, manifest) is None
    finally:
        conn.close()
