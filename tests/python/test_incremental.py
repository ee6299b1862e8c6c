"""Incremental models give exactly the rows of a full refresh.

Two ways a day becomes visible, each compared with the full build of the demo
warehouse (as of D, the latest date in the data), table by table in the
staging (the typed raw rows of the base_ models), quarantine, intermediate and
marts schemas (identical = the same multiset of rows):
  - as-of: the raw demo data stays the same and the as-of date limits what is
    visible: a full build as of D-3, then incremental runs as of D-2, D-1, D;
  - append: the raw tables start without the rows of the last three days (by
    the date at the start of their event column) and each incremental run
    follows an INSERT of one more day, the way a scheduled load appends; the
    as-of date is left to the data. Rows arrive before the rows they reference
    (a touch before its lead is loaded): the cross-table rules are applied when
    the staging and int_<entity>_checked views are read, so the touch joins its
    lead on the run that brings the lead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import run_dbt

AS_OF = date(2026, 10, 31)  # the latest date in the demo data = the demo warehouse's as-of date
STEPS = 3
RAW_SCHEMA = "raw"
REFERENCE_SCHEMA = "reference"  # the project's reference seeds (seeds/reference/), copied with the raw tables
# schemas compared with the full build (tables only): the base_ models in staging, the quarantine, the
# intermediate models (incremental or not) and the marts
COMPARED_SCHEMAS = ("staging", "quarantine", "intermediate", "marts")
# models that must run incrementally after the first build (their compiled SQL has the incremental branch)
INCREMENTAL_MODELS = {
    "int_touchpoints_sourced", "int_leads_sourced", "int_lead_lifecycle", "int_attribution_touch_weights",
    "fct_touchpoints", "fct_attribution_credit", "fct_marketing_spend_daily",
    "base_marketing__touchpoints", "base_crm__leads", "base_crm__lead_status_history", "base_crm__opportunities",
    "base_crm__opportunity_stage_history", "base_ads__spend_daily", "base_billing__subscription_events",
    "int_opportunities_enriched", "int_customer_months",
}
# what the incremental branch of a model adds to its SQL (issue 27's models): its run read only the window's keys
WINDOW_MARKERS = {"int_opportunities_enriched": "affected_opportunities", "int_customer_months": "active_months_before"}
# the base models' incremental branch (macros/quarantine/quarantine_base.sql)
RECHECK_MARKER = "recheck_keys"
# every scenario's warehouse file has this name (each in a folder of its own): the runs with the same vars
# share dbt's parse (parse_cache, through conftest.run_dbt)
WAREHOUSE = "warehouse.duckdb"


def _tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? and table_type = 'BASE TABLE' order by 1",
        [catalog, schema],
    ).fetchall()
    return [r[0] for r in rows]


@contextmanager
def _with_demo(db: Path, demo_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to `db` with the demo warehouse attached (read only) as `demo`."""
    con = duckdb.connect(str(db))
    try:
        con.execute(f"attach '{demo_warehouse}' as demo (read_only)")
        yield con
    finally:
        con.close()


def _copy_raw(con: duckdb.DuckDBPyConnection, until: date | None = None) -> list[str]:
    """The demo's raw tables (the source schema) into schema raw; with `until`, only the rows of
    tables with an event column dated on or before it; and the project's reference seeds as they
    are (a `dbt run` does not seed them). Returns the raw table names."""
    con.execute(f"create schema {REFERENCE_SCHEMA}")
    for name in _tables(con, "demo", REFERENCE_SCHEMA):
        con.execute(f'create table {REFERENCE_SCHEMA}."{name}" as select * from demo.{REFERENCE_SCHEMA}."{name}"')
    con.execute(f"create schema {RAW_SCHEMA}")
    names = _tables(con, "demo", RAW_SCHEMA)
    for name in names:
        day = _event_day(name)
        where = f" where coalesce({day}, date '1900-01-01') <= date '{until}'" if day and until else ""
        con.execute(f'create table {RAW_SCHEMA}."{name}" as select * from demo.{RAW_SCHEMA}."{name}"{where}')
    return names


def _append_day(con: duckdb.DuckDBPyConnection, names: list[str], day: date) -> int:
    """INSERT the demo's raw rows dated `day` into the raw tables (a scheduled load); rows appended."""
    appended = 0
    for name in names:
        event_day = _event_day(name)
        if event_day:
            appended += con.execute(
                f'insert into {RAW_SCHEMA}."{name}" select * from demo.{RAW_SCHEMA}."{name}" '
                f"where {event_day} = date '{day}'"
            ).fetchone()[0]
    return appended


def _run(args: list[str], db: Path, work: Path) -> dict:
    result = run_dbt(args, db, work)
    if result.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return json.loads((work / "target" / "run_results.json").read_text())


@pytest.fixture(scope="module")
def incremental_warehouse(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    work = tmp_path_factory.mktemp("incremental")
    db = work / WAREHOUSE
    with _with_demo(db, demo_warehouse) as con:
        _copy_raw(con)
    start = AS_OF - timedelta(days=STEPS)
    first = _run(["run", "--quiet", "--vars", json.dumps({"as_of_date": start.isoformat()})], db, work)
    incremental_runs = []
    for step in range(1, STEPS + 1):
        as_of = (start + timedelta(days=step)).isoformat()
        # everything: the base_ models hold rows after the as-of date back, so they change too
        results = _run(["run", "--quiet", "--vars", json.dumps({"as_of_date": as_of})], db, work)
        incremental_runs.append(results)
    return db, [first, *incremental_runs]


def _assert_ran_incrementally(runs: list) -> None:
    for results in runs[1:]:
        ran = {r["unique_id"].split(".")[-1]: r for r in results["results"] if r["status"] == "success"}
        assert INCREMENTAL_MODELS <= set(ran), sorted(INCREMENTAL_MODELS - set(ran))
        for name in INCREMENTAL_MODELS:
            if name.startswith("base_"):
                assert RECHECK_MARKER in (ran[name].get("compiled_code") or ""), f"{name} ran in full"
            if name in WINDOW_MARKERS:
                assert WINDOW_MARKERS[name] in (ran[name].get("compiled_code") or ""), f"{name} ran in full"
    first = {r["unique_id"].split(".")[-1]: r for r in runs[0]["results"]}
    assert RECHECK_MARKER not in (first["base_marketing__touchpoints"].get("compiled_code") or "")


def test_incremental_models_exist_and_ran_incrementally(incremental_warehouse: tuple[Path, list]) -> None:
    db, runs = incremental_warehouse
    _assert_ran_incrementally(runs)
    con = duckdb.connect(str(db), read_only=True)
    try:
        as_of = con.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0]
    finally:
        con.close()
    assert as_of == AS_OF


def _compare_with_full_build(db: Path, demo_warehouse: Path) -> None:
    con = duckdb.connect()
    try:
        con.execute(f"attach '{demo_warehouse}' as full_build (read_only)")
        con.execute(f"attach '{db}' as incremental (read_only)")
        problems = []
        compared = 0
        for schema in COMPARED_SCHEMAS:
            full_tables = _tables(con, "full_build", schema)
            assert full_tables, f"no tables in {schema} of the demo warehouse"
            missing = set(full_tables) - set(_tables(con, "incremental", schema))
            assert not missing, f"not built incrementally: {sorted(missing)}"
            for name in full_tables:
                full_rel, inc_rel = f'full_build.{schema}."{name}"', f'incremental.{schema}."{name}"'
                columns = [r[0] for r in con.execute(f"select * from {full_rel} limit 0").description]
                select = ", ".join(f'"{c}"' for c in columns)
                only_full = con.execute(
                    f"select count(*) from (select {select} from {full_rel} except all select {select} from {inc_rel})"
                ).fetchone()[0]
                only_inc = con.execute(
                    f"select count(*) from (select {select} from {inc_rel} except all select {select} from {full_rel})"
                ).fetchone()[0]
                compared += 1
                if only_full or only_inc:
                    problems.append(f"{schema}.{name}: {only_full} row(s) only in full, {only_inc} only in incremental")
        assert compared > 40
        assert not problems, "incremental != full refresh:\n" + "\n".join(problems)
    finally:
        con.close()


def test_incremental_refresh_equals_full_refresh(
    incremental_warehouse: tuple[Path, list], demo_warehouse: Path
) -> None:
    db, _ = incremental_warehouse
    _compare_with_full_build(db, demo_warehouse)


# ---------------------------------------------------------------- refreshes over longer spans
MONTH_KEYED = ["int_customer_months", "int_opportunities_enriched"]


def _refreshes_match_full_builds(demo_warehouse: Path, tmp_path: Path, models: list[str], first: str,
                                 refreshes: list[str], mutate: str | None = None) -> None:
    """A full build of +models as of `first`, then a refresh as of each day of `refreshes`, each compared with
    a full build as of the same day (every model of `models`, all rows), on the demo's raw tables (changed by
    the SQL `mutate`, run on both warehouses, when given). Only the models and their ancestors are built."""
    select = ["--select", *[f"+{m}" for m in models]]
    inc, full = tmp_path / "inc" / WAREHOUSE, tmp_path / "full" / WAREHOUSE
    for db in (inc, full):
        db.parent.mkdir()
        with _with_demo(db, demo_warehouse) as con:
            _copy_raw(con)
            if mutate:
                con.execute(mutate)
    _run(["run", "--quiet", *select, "--vars", json.dumps({"as_of_date": first})], inc, inc.parent)
    for as_of in refreshes:
        results = _run(["run", "--quiet", *select, "--vars", json.dumps({"as_of_date": as_of})], inc, inc.parent)
        ran = {r["unique_id"].split(".")[-1]: r.get("compiled_code") or "" for r in results["results"]}
        for name in models:
            if name in WINDOW_MARKERS:
                assert WINDOW_MARKERS[name] in ran[name], f"{name} ran in full"
        _run(["run", "--quiet", *select, "--full-refresh", "--vars", json.dumps({"as_of_date": as_of})],
             full, full.parent)
        con = duckdb.connect()
        try:
            con.execute(f"attach '{inc}' as inc (read_only)")
            con.execute(f"attach '{full}' as full_build (read_only)")
            for name in models:
                schema = con.execute("select table_schema from information_schema.tables where table_catalog = "
                                     "'full_build' and table_name = ?", [name]).fetchone()[0]
                rel = f'{schema}."{name}"'
                counts = [con.execute(f"select count(*) from (select * from {a}.{rel} except all "
                                      f"select * from {b}.{rel})").fetchone()[0]
                          for a, b in (("inc", "full_build"), ("full_build", "inc"))]
                assert counts == [0, 0], f"as of {as_of}, {name}: {counts[0]} rows only incremental, {counts[1]} only full"
        finally:
            con.close()


def test_refreshes_across_month_ends_equal_a_full_refresh(demo_warehouse: Path, tmp_path: Path) -> None:
    """int_customer_months replaces whole months from the window's month on; the as-of month of the previous
    run (valued at its as-of date then, at its month end now) and the month before the window (its lag) are
    where a month-keyed refresh goes wrong. The demo's last days lie in one month, so: a full build as of
    2026-08-30, refreshes as of 2026-09-02 (over a month end) and 2026-10-01 (a month later: the window
    reaches back to the held month)."""
    _refreshes_match_full_builds(demo_warehouse, tmp_path, MONTH_KEYED, "2026-08-30", ["2026-09-02", "2026-10-01"])
    with duckdb.connect(str(tmp_path / "inc" / WAREHOUSE), read_only=True) as con:
        months = con.execute("select count(distinct period_month) from intermediate.int_customer_months "
                             "where period_month >= date '2026-08-01'").fetchone()[0]
    assert months == 3


# the deals closed between the two as-of dates below lose their stage history: an export without one
NO_HISTORY_CLOSES = f"""
    delete from {RAW_SCHEMA}.crm_opportunity_stage_history where opportunity_id in (
        select opportunity_id from {RAW_SCHEMA}.crm_opportunities
        where lower(stage) in ('closed_won', 'closed_lost')
            and try_cast(close_date as date) between date '2026-09-21' and date '2026-10-05'
    )
"""


def test_a_deal_without_stage_history_that_closes_after_the_last_run_reaches_its_lead(
    demo_warehouse: Path, tmp_path: Path
) -> None:
    """A deal without stage history closes on its close_date once the as-of date passes it: no event of that day
    exists, yet its lead's lifecycle (is_won, won_at) and its attribution (the deal_won conversion) change. The
    refresh must find those leads (int_lead_funnel_activity's opportunity_closed rows)."""
    with _with_demo(tmp_path / "probe.duckdb", demo_warehouse) as con:
        closing = con.execute(
            f"select count(*) from demo.{RAW_SCHEMA}.crm_opportunities where lower(stage) = 'closed_won' "
            "and try_cast(close_date as date) between date '2026-09-21' and date '2026-10-05'").fetchone()[0]
    assert closing > 0
    _refreshes_match_full_builds(
        demo_warehouse, tmp_path, ["int_lead_lifecycle", "int_attribution_touch_weights", "fct_leads"],
        "2026-09-20", ["2026-10-06"], mutate=NO_HISTORY_CLOSES)


# ---------------------------------------------------------------- append: raw rows arrive day by day
def _event_day(table_name: str) -> str | None:
    """SQL for the day at the start of a raw table's event column (None: no event column)."""
    import sys

    from conftest import PROJECT_DIR

    sys.path.insert(0, str(PROJECT_DIR / "scripts"))
    from kpi_pipeline.contract import TABLES_BY_NAME

    table = TABLES_BY_NAME.get(table_name)
    if table is None or table.event_column is None:
        return None
    return f"try_cast(left(trim({table.event_column}), 10) as date)"


@pytest.fixture(scope="module")
def appended_warehouse(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    work = tmp_path_factory.mktemp("appended")
    db = work / WAREHOUSE
    start = AS_OF - timedelta(days=STEPS)
    with _with_demo(db, demo_warehouse) as con:
        names = _copy_raw(con, until=start)
    runs = [_run(["run", "--quiet"], db, work)]
    for step in range(1, STEPS + 1):
        day = start + timedelta(days=step)
        with _with_demo(db, demo_warehouse) as con:
            appended = _append_day(con, names, day)
        assert appended > 0, f"no raw rows dated {day}"
        runs.append(_run(["run", "--quiet"], db, work))
    return db, runs


def test_append_refresh_ran_incrementally(appended_warehouse: tuple[Path, list]) -> None:
    _, runs = appended_warehouse
    _assert_ran_incrementally(runs)


def test_append_refresh_equals_full_refresh(appended_warehouse: tuple[Path, list], demo_warehouse: Path) -> None:
    db, _ = appended_warehouse
    _compare_with_full_build(db, demo_warehouse)


# ---------------------------------------------------------------- append with messy raw rows
# The incremental quarantine finds the rows to re-check from the raw text (no
# trim of every raw row): rows whose key is empty or padded with spaces are
# re-checked on every run. These rows check that: an old row whose key has a
# leading space must still be ranked against a new row with the same key.
MESSY_OLD_DAY = AS_OF - timedelta(days=20)
MESSY_KEY = "tp-messy-1"


def _messy_rows(con: duckdb.DuckDBPyConnection, old: bool) -> int:
    """Insert the messy touchpoints: `old` the padded-key row dated long before the window, else the new rows."""
    template = (
        "insert into raw.mkt_touchpoints select {id}, lead_id, {touched_at}, touch_type, utm_source, utm_medium, "
        "utm_campaign, ad_id from raw.mkt_touchpoints where touched_at like '{day}%' and touchpoint_id not like "
        "'% %' order by touchpoint_id limit 1"
    )
    if old:
        sql = [template.format(id=f"' {MESSY_KEY}'", touched_at="touched_at", day=MESSY_OLD_DAY)]
    else:
        day = AS_OF.isoformat()
        sql = [
            # the same key, trimmed, dated in the window: a duplicate_key of the old padded row (which sorts first)
            template.format(id=f"'{MESSY_KEY}'", touched_at="touched_at", day=day),
            # a blank key and an event text that is not ISO: both quarantined, found outside the date window
            template.format(id="'   '", touched_at="touched_at", day=day),
            template.format(id="'tp-messy-2'", touched_at="'10/31/2026 09:00'", day=day),
        ]
    return sum(con.execute(q).fetchone()[0] for q in sql)


@pytest.fixture(scope="module")
def messy_pair(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list]:
    """(full build, incremental build, incremental run results) of the demo data plus the messy rows."""
    work = tmp_path_factory.mktemp("messy")
    full_db, inc_db = work / "full" / WAREHOUSE, work / "inc" / WAREHOUSE
    full_db.parent.mkdir()
    inc_db.parent.mkdir()
    start = AS_OF - timedelta(days=1)
    names: list[str] = []
    for db in (full_db, inc_db):
        with _with_demo(db, demo_warehouse) as con:
            names = _copy_raw(con, until=start if db == inc_db else None)
            assert _messy_rows(con, old=True) == 1
            if db == full_db:
                assert _messy_rows(con, old=False) == 3
    _run(["run", "--quiet"], full_db, work / "full")
    runs = [_run(["run", "--quiet"], inc_db, work / "inc")]
    with _with_demo(inc_db, demo_warehouse) as con:
        _append_day(con, names, AS_OF)
        assert _messy_rows(con, old=False) == 3
    runs.append(_run(["run", "--quiet"], inc_db, work / "inc"))
    return full_db, inc_db, runs


def test_messy_append_refresh_equals_full_refresh(messy_pair: tuple[Path, Path, list]) -> None:
    full_db, inc_db, runs = messy_pair
    _assert_ran_incrementally(runs)
    _compare_with_full_build(inc_db, full_db)
    con = duckdb.connect(str(full_db), read_only=True)
    try:
        rules = dict(con.execute(
            "select touchpoint_id, dq_rule from staging.base_marketing__touchpoints "
            f"where touchpoint_id in (' {MESSY_KEY}', '{MESSY_KEY}', '   ', 'tp-messy-2')"
        ).fetchall())
    finally:
        con.close()
    # the scenario is what it claims: the old padded row wins, the others are quarantined
    assert rules == {f" {MESSY_KEY}": None, MESSY_KEY: "duplicate_key", "   ": "null_key",
                     "tp-messy-2": "unparseable_value"}, rules


# ---------------------------------------------------------------- PostgreSQL (~5 more dbt runs, in the test command)
def test_incremental_refresh_equals_full_refresh_on_postgres(tmp_path: Path) -> None:
    """Seed, full build as of D, snapshot; full refresh as of D-2, incremental D-1 and D; compare.
    dbt runs in this process (dbt_inprocess; the PostgreSQL settings in the environment of each call). The
    runs as of D carry the seed's var load_demo_data too, and each set of vars has its own target path, so
    dbt parses the project three times (seed and both D runs share one parse), not five."""
    import sys

    from conftest import PROJECT_DIR, _dbt_settings
    from dbt_inprocess import invoke

    sys.path.insert(0, str(PROJECT_DIR / "scripts"))
    from kpi_pipeline.pgcluster import postgres_available, throwaway_cluster

    if not postgres_available():
        pytest.skip("PostgreSQL server binaries not installed")
    psycopg2 = pytest.importorskip("psycopg2")
    with throwaway_cluster() as pg:
        env = _dbt_settings(tmp_path / "unused.duckdb", **pg.env())

        def run(*args: str, dbt_vars: dict) -> None:
            target = tmp_path / ("target_" + "_".join(f"{k}_{v}" for k, v in sorted(dbt_vars.items())))
            result = invoke(
                [*args, "--vars", json.dumps(dbt_vars), "--quiet", "--target", "pg", "--project-dir",
                 str(PROJECT_DIR), "--target-path", str(target), "--log-path", str(tmp_path / "logs")],
                env, PROJECT_DIR,
            )
            assert result.returncode == 0, f"dbt {' '.join(args)}:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"

        # (with load_demo_data, as of the last day in the demo data: the seed's vars, the seed's parse)
        demo_as_of = {"load_demo_data": True, "as_of_date": AS_OF.isoformat()}
        run("seed", dbt_vars=demo_as_of)
        run("run", dbt_vars=demo_as_of)
        conn = psycopg2.connect(**pg.connect_kwargs())
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in %s and table_type = 'BASE TABLE'",
            (COMPARED_SCHEMAS,),
        )
        tables = cur.fetchall()
        cur.execute("create schema full_build")
        for schema, name in tables:
            cur.execute(f'create table full_build."{schema}__{name}" as select * from {schema}."{name}"')
        start = AS_OF - timedelta(days=2)
        run("run", "--full-refresh", dbt_vars={"as_of_date": start.isoformat()})
        run("run", dbt_vars={"as_of_date": (start + timedelta(days=1)).isoformat()})
        run("run", dbt_vars=demo_as_of)
        problems = []
        for schema, name in tables:
            full_rel, inc_rel = f'full_build."{schema}__{name}"', f'{schema}."{name}"'
            cur.execute(f"select count(*) from (select * from {full_rel} except all select * from {inc_rel}) as d")
            only_full = cur.fetchone()[0]
            cur.execute(f"select count(*) from (select * from {inc_rel} except all select * from {full_rel}) as d")
            only_inc = cur.fetchone()[0]
            if only_full or only_inc:
                problems.append(f"{schema}.{name}: {only_full} only in full, {only_inc} only in incremental")
        # the refresh windows of the incremental marts (record_refresh_window): null on the full builds,
        # a first day on the two incremental runs
        cur.execute("select model_name, count(window_start), count(*) from ops.refresh_windows group by 1 order by 1")
        windows = cur.fetchall()
        conn.close()
    # (the incremental marts, for Great Expectations and the data tests; the base models, for the data tests)
    recorded = {"fct_attribution_credit", "fct_marketing_spend_daily", "fct_touchpoints"} | {
        name for name in INCREMENTAL_MODELS if name.startswith("base_")}
    assert windows == [(name, 2, 4) for name in sorted(recorded)], windows
    assert len(tables) > 20
    assert not problems, "incremental != full refresh on PostgreSQL:\n" + "\n".join(problems)
