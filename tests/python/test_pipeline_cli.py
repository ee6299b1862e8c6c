"""End-to-end tests of `kpi-pipeline run` (scripts/kpi_pipeline), run as a subprocess.

Every run uses its own throwaway DuckDB file, dbt target path and output
directory under pytest's tmp dirs, never the developer's warehouse. Full
builds are expensive (about a minute each on two cores), so they are shared
through fixtures: one on the demo seeds, one on a copy of the demo CSVs
through --data-dir (which also starts from a stale lock; shared with
test_quality_windows through shared_runs, read only), the next run on a copy
of that warehouse (no --data-dir: the tables already in the
source schema, with an as-of date a month after the data ends), and one
short failing run (--select +fct_opportunities) on corrupted data.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import socket
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]

from kpi_pipeline import unit_tests  # noqa: E402
from kpi_pipeline.demo_files import copy_demo_data  # noqa: E402
# Run, run_pipeline, lock_file and dead_pid live in shared_runs (which builds the runs several files share);
# other test files import them from here
from shared_runs import Run, copy_warehouse, dead_pid, demo_data_dir_run, lock_file, run_pipeline  # noqa: E402,F401


def copy_demo_csvs(dest: Path) -> Path:
    return copy_demo_data(dest)


def marts_tables(db: Path) -> dict[str, list[tuple]]:
    """Every table in schema marts, all rows sorted (None sorts first)."""
    with duckdb.connect(str(db), read_only=True) as conn:
        names = [r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()]
        return {
            name: sorted(conn.execute(f'select * from marts."{name}"').fetchall(),
                         key=lambda row: tuple((v is not None, str(v)) for v in row))
            for name in names
        }


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_pipeline(tmp_path_factory.mktemp("seed_run"))


@pytest.fixture(scope="module")
def data_dir_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A copy of the demo CSVs through --data-dir --skip-report into a new warehouse next to which a killed
    run left its lock (shared_runs.demo_data_dir_run: test_quality_windows' first run is the same run;
    read only). Its data quality step is not what these tests check."""
    return demo_data_dir_run(tmp_path_factory)


@pytest.fixture(scope="module")
def after_last_export_run(data_dir_run: Run, seed_run: Run, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The next run on (a copy of) data_dir_run's warehouse, without --data-dir: it builds from the tables
    the load left in schema raw (the user's, not the demo's), with the as-of date a month after the data
    ends (2026-10-31): a scheduled run whose "today" is after the last export. Its target folder holds what
    seed_run's left when all its unit tests passed on the same code: the job leaves them out by itself."""
    assert data_dir_run.code == 0, data_dir_run.stdout[-3000:] + data_dir_run.stderr[-3000:]
    assert seed_run.code == 0, seed_run.stdout[-3000:] + seed_run.stderr[-3000:]
    work = tmp_path_factory.mktemp("after_last_export")
    db = copy_warehouse(data_dir_run, work / "warehouse.duckdb")
    (work / "target").mkdir()
    shutil.copyfile(seed_run.out.parent / "target" / unit_tests.STATE_FILE, work / "target" / unit_tests.STATE_FILE)
    return run_pipeline(work, "--as-of", "2026-11-30", db=db)


def test_demo_run_succeeds_with_a_full_summary(seed_run: Run) -> None:
    assert seed_run.code == 0, seed_run.stdout[-3000:] + seed_run.stderr[-3000:]
    assert "Traceback" not in seed_run.stderr
    summary = seed_run.summary
    assert summary["status"] == "success" and summary["exit_code"] == 0
    assert [s["name"] for s in summary["steps"]] == ["load", "build", "data quality", "report", "summary"]
    dbt = summary["dbt"]
    assert dbt["models"]["passed"] > 0 and dbt["models"]["errored"] == 0
    assert dbt["tests"]["passed"] > 0 and dbt["tests"]["failed"] == 0
    # the exposure kpi_report is a NO-OP in every build, not an error (issue 23)
    assert not any(bucket["errored"] for bucket in dbt.values()), dbt
    assert dbt["exposures"]["no_op"] == 1, dbt
    assert dbt.get("unit_tests", {}).get("failed", 0) == 0
    assert summary["expectations"]["passed"] > 0 and summary["expectations"]["failed"] == 0
    assert summary["row_counts"] and all(n > 0 for n in summary["row_counts"].values())
    assert any(name.startswith("marts.fct_") for name in summary["row_counts"])
    assert (seed_run.out / "data_docs" / "index.html").is_file()
    report = seed_run.out / "report" / "index.html"  # the default report path
    assert summary["report"]["path"] == str(report) and report.stat().st_size == summary["report"]["bytes"]
    assert summary["report"]["missing_marts"] == [] and summary["report"]["charts"] > 10
    assert f"report: {report}" in seed_run.stdout
    # progress lines and the terminal summary
    assert "OK     model marts." in seed_run.stdout
    assert "kpi-pipeline SUCCESS (exit 0)" in seed_run.stdout
    assert not lock_file(seed_run.db).exists()
    # the demo seed keeps its parse apart from the build's (their vars differ): the next run re-uses both
    target = seed_run.out.parent / "target"
    assert (target / "partial_parse.msgpack").is_file() and (target / "demo_seed" / "partial_parse.msgpack").is_file()


def test_every_run_appends_to_the_runs_table(seed_run: Run) -> None:
    with duckdb.connect(str(seed_run.db), read_only=True) as conn:
        rows = conn.execute(
            "select run_id, status, target, models_passed, tests_failed, expectations_passed, "
            "expectations_failed, quarantined_rows, finished_at >= started_at from ops.pipeline_runs"
        ).fetchall()
    assert len(rows) == 1
    run_id, status, target, models_passed, tests_failed, exp_passed, exp_failed, quarantined, ordered = rows[0]
    assert run_id == seed_run.summary["run_id"]
    assert (status, target, tests_failed, exp_failed, quarantined, ordered) == ("success", "duckdb", 0, 0, 0, True)
    assert models_passed > 0 and exp_passed > 0


def test_data_dir_gives_the_same_marts_as_the_seeds(seed_run: Run, data_dir_run: Run) -> None:
    assert data_dir_run.code == 0, data_dir_run.stdout[-3000:] + data_dir_run.stderr[-3000:]
    assert data_dir_run.summary["loaded_rows"]["crm_leads"] > 0
    seeded, loaded = marts_tables(seed_run.db), marts_tables(data_dir_run.db)
    assert seeded.keys() == loaded.keys() and seeded
    for name in seeded:
        assert seeded[name] == loaded[name], f"marts.{name} differs between --data-dir and the seeds"


def test_skip_report_writes_no_report(data_dir_run: Run) -> None:
    assert data_dir_run.code == 0
    assert data_dir_run.summary["report"] == {"skipped": "--skip-report"}
    assert "report" not in [s["name"] for s in data_dir_run.summary["steps"]]
    assert not (data_dir_run.out / "report").exists()


def test_a_stale_lock_is_reported_and_cleared(data_dir_run: Run) -> None:
    assert data_dir_run.code == 0
    assert "cleared a stale lock" in data_dir_run.stderr
    assert "is no longer running" in data_dir_run.stderr
    assert not lock_file(data_dir_run.db).exists()


def test_a_failed_expectation_exits_1_and_names_it(tmp_path: Path) -> None:
    data = copy_demo_csvs(tmp_path / "data")
    path = data / "finance_costs.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    # a negative cost row is valid raw data (a credit note), so it passes the quarantine;
    # a month whose sales costs end up negative is caught by the mart expectation
    row = next(r for r in rows if r["department"] == "sales")
    row["amount"] = "-99999999"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run = run_pipeline(tmp_path, "--data-dir", str(data), "--select", "+kpi_cac", unit_tests=False)
    assert run.code == 1, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    failed = [line for line in run.stderr.splitlines() if "FAILED expectation" in line]
    assert any("kpi_cac" in line and "sales_costs" in line for line in failed), run.stderr
    summary = run.summary
    assert summary["status"] == "failed" and summary["expectations"]["failed"] >= 1
    # a failed refresh does not publish a report of numbers that failed their checks
    assert summary["report"] == {"skipped": "the run failed"} and not (run.out / "report").exists()
    with duckdb.connect(str(run.db), read_only=True) as conn:
        assert conn.execute("select status, expectations_failed from ops.pipeline_runs").fetchall()[0][0] == "failed"


def test_missing_data_dir_is_an_error(tmp_path: Path) -> None:
    run = run_pipeline(tmp_path, "--data-dir", str(tmp_path / "no_such_dir"))
    assert run.code == 2
    assert "no_such_dir" in run.stderr and "does not exist" in run.stderr
    assert "Traceback" not in run.stderr


def test_missing_required_file_is_an_error(tmp_path: Path) -> None:
    data = copy_demo_csvs(tmp_path / "data")
    (data / "crm_leads.csv").unlink()
    run = run_pipeline(tmp_path, "--data-dir", str(data))
    assert run.code == 2
    assert "crm_leads.csv" in run.stderr and "missing" in run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_target_is_an_error(tmp_path: Path) -> None:
    run = run_pipeline(tmp_path, "--target", "no_such_target")
    assert run.code == 2
    assert "unknown target 'no_such_target'" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_held_lock_stops_a_second_run(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    lock = lock_file(db)
    # this test process plays the running pipeline: its pid is alive
    lock.write_text(json.dumps(
        {"pid": os.getpid(), "hostname": socket.gethostname(), "started_at": "2099-01-01T00:00:00+00:00"}
    ))
    run = run_pipeline(tmp_path, db=db)
    assert run.code == 2
    assert "holds the lock" in run.stderr and f"pid {os.getpid()}" in run.stderr
    assert "Traceback" not in run.stderr
    assert lock.exists(), "a run that did not take the lock must not remove it"
    assert not db.exists(), "nothing may touch the warehouse while the lock is held"


def test_a_run_after_the_last_export_is_green_and_shows_the_empty_month(after_last_export_run: Run) -> None:
    """--as-of 2026-11-30 on data ending 2026-10-31: November had no activity. The marts on the month
    spine carry it with zero counts, the marts of events (kpi_funnel_dropoff: a row per drop-off) have no
    row for it; both are right, the months expectation passes, the report is written, and the run says
    which months are empty."""
    run = after_last_export_run
    assert run.code == 0, run.stdout[-3000:] + run.stderr[-3000:]
    summary = run.summary
    assert summary["status"] == "success" and summary["as_of_date"] == "2026-11-30"
    quality = summary["expectations"]
    assert quality["failed"] == 0 and "kpi_funnel_dropoff" in quality["validated"]
    assert quality["as_of_month"] == "2026-11-01"
    assert quality["data_through"] == "2026-10-31" and quality["empty_months"] == ["2026-11"]
    assert any("after the latest activity in the data (2026-10-31): 2026-11 had no activity" in note
               for note in summary["notes"]), summary["notes"]
    assert summary["report"].get("path") and Path(summary["report"]["path"]).is_file()
    with duckdb.connect(str(run.db), read_only=True) as conn:
        assert conn.execute("select max(date_day) from marts.dim_date").fetchone()[0] == dt.date(2026, 11, 30)
        dropoff = conn.execute("select max(period_month) from marts.kpi_funnel_dropoff").fetchone()[0]
        assert dropoff == dt.date(2026, 10, 1)
        leads = conn.execute(
            "select sum(new_leads) from marts.kpi_cost_per_lead where period_month = date '2026-11-01'"
        ).fetchone()[0]
        assert leads == 0


def test_the_summary_says_where_the_data_came_from(seed_run: Run, data_dir_run: Run, after_last_export_run: Run) -> None:
    """The demo seeds, the files of --data-dir, or the tables already in the source schema: never "demo
    seeds" for a build from the user's tables."""
    assert seed_run.summary["data_source"] == "demo seeds (dbt seed into schema raw)"
    assert data_dir_run.summary["data_source"].startswith(f"files in {data_dir_run.db.parent / 'data'} (bulk load")
    after = after_last_export_run
    assert after.code == 0
    assert after.summary["data_source"] == "your tables in schema raw as they are (not the demo's; nothing loaded)"
    data_line = next(line for line in after.stdout.splitlines() if line.startswith("  data "))
    assert "your tables in schema raw as they are" in data_line and "demo seeds" not in data_line
    assert after.summary["full_refresh"] is False and after.summary["full_refresh_because"] is None


def test_a_refresh_of_unchanged_code_leaves_the_unit_tests_out(seed_run: Run, after_last_export_run: Run) -> None:
    """seed_run ran and passed every unit test and recorded the code's fingerprint in its target folder; the
    refresh after it (same code, engine and settings; another as-of date) leaves them out and says why, and
    --full-refresh / --full-checks / a code change bring them back (test_unit_test_skip)."""
    passed = unit_tests.last_passed(seed_run.out.parent / "target")
    assert passed and passed["unit_tests"] == seed_run.summary["dbt"]["unit_tests"]["passed"] > 30
    after = after_last_export_run
    assert after.code == 0
    assert "unit_tests" not in after.summary["dbt"], after.summary["dbt"]
    assert after.summary["unit_tests_not_run_since"] == passed["passed_at"]
    assert any(note.startswith("unit tests not run: the project's code") for note in after.summary["notes"])
    assert f"not run: code unchanged since they passed ({passed['passed_at']})" in after.stdout
    results = json.loads((after.out.parent / "target" / "run_results.json").read_text())["results"]
    assert results and not [r for r in results if r["unique_id"].startswith("unit_test.")]
    assert seed_run.summary["unit_tests_not_run_since"] is None
