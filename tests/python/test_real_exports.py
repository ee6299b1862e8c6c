"""Real exports: a first run is green, every documented option works, and no input gives a wrong number
with exit 0 (the classes of the issue "Real exports"; the row- and file-level defects are in
test_bad_input.py through defects.py).

- every documented var set to a non-default value builds the demo (exit 0), and every unit test pins the
  vars it depends on;
- a var that would reach SQL unchecked is refused before anything is loaded, with a run-history row;
- a data set with only CRM data, or only ad data, exits 0 and says which marts are empty;
- raw rows edited or deleted before the refresh window are noticed: `kpi-pipeline run` rebuilds in full
  (the marts equal a fresh build) and a plain `dbt build` stops naming the table and --full-refresh;
- environment faults: a read-only output directory, no free space, disk full during the build, a lock
  whose process is alive;
- the install: every pinned package has a hash, setup.sh installs with --require-hashes and stops on a
  pip failure.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR, run_dbt

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fingerprint_tables import compare, fingerprints  # noqa: E402
from kpi_pipeline import load as loader  # noqa: E402
from kpi_pipeline.contract import TABLES  # noqa: E402
from kpi_pipeline.demo_files import copy_demo_data  # noqa: E402
from kpi_pipeline.errors import PipelineError  # noqa: E402
from kpi_pipeline.settings import VAR_RULES, validate_vars  # noqa: E402
from shared_runs import copy_warehouse, demo_data_dir_run  # noqa: E402
from test_pipeline_cli import lock_file, run_pipeline  # noqa: E402

# every documented var (README "Configuration", dbt_project.yml) at a value other than its default
NON_DEFAULT_VARS = {
    "as_of_date": "2025-02-15",  # inside the demo data, before its later unit-test fixtures
    "reporting_currency": "EUR",
    "fiscal_year_start_month": 4,
    "attribution_lookback_days": 30,
    "attribution_half_life_days": 3,
    "attribution_default_model": "linear",
    "quarantine_threshold": 0.05,
    "max_plausible_amount": 100000000000,  # the docs' advice for VND / IDR
    "incremental_lookback_days": 7,
    "plausible_date_min": "1990-01-01",
    "plausible_date_max": "2050-12-31",
}


# ---------------------------------------------------------------- vars


# a var read in SQL or a macro: var('x' ...), the checked_*_var('x' ...) helpers and adapter_setting('x')
# (macros/config/vars.sql, macros/vendor_adapters), and plausible_date('min'|'max') (var plausible_date_min/max)
_VAR_CALL = re.compile(r"""\b(?:var|checked_\w*_var|adapter_setting)\(\s*(['"])(\w+)\1""")
_CALL = re.compile(r"\b(\w+)\s*\(")
_PLAUSIBLE_DATE = re.compile(r"""\bplausible_date\(\s*(['"])(min|max)\1""")


def _vars_read(text: str) -> set[str]:
    return ({m.group(2) for m in _VAR_CALL.finditer(text)}
            | {f"plausible_date_{m.group(2)}" for m in _PLAUSIBLE_DATE.finditer(text)})


def unit_tests_reading(manifest: dict) -> dict[str, set[str]]:
    """var name -> the unit tests whose tested model reads it: in its SQL or in a macro it calls (transitively,
    depends_on.macros). A unit test replaces the model's inputs by fixtures, so only that model's own SQL and
    macros see a var. A var read where depends_on does not reach (a yml file, dbt_project.yml, a project
    macro no node depends on: called implicitly by dbt) counts as read by every unit test."""
    macros = manifest["macros"]
    memo: dict[str, set[str]] = {}
    project = manifest["metadata"].get("project_name")
    by_name = {m["name"]: uid for uid, m in macros.items() if m["package_name"] == project}

    def named_calls(text: str) -> list[str]:
        # dbt's depends_on.macros leaves out the macros called inside a {% call %} block (a keyed incremental
        # model's whole body): the project macros the text calls by name
        return [by_name[name] for name in set(_CALL.findall(text)) if name in by_name]

    def macro_deps(uid: str) -> list[str]:
        return [*macros[uid]["depends_on"]["macros"], *named_calls(macros[uid]["macro_sql"])]

    def macro_vars(uid: str, path: tuple[str, ...] = ()) -> set[str]:
        if uid not in macros or uid in path:
            return set()
        if uid not in memo:
            found = _vars_read(macros[uid]["macro_sql"])
            for dep in macro_deps(uid):
                found |= macro_vars(dep, (*path, uid))
            memo[uid] = found
        return memo[uid]

    reached: set[str] = set()

    def reach(uid: str) -> None:
        if uid in macros and uid not in reached:
            reached.add(uid)
            for dep in macro_deps(uid):
                reach(dep)

    for node in [*manifest["nodes"].values(), *manifest["unit_tests"].values()]:
        for uid in [*node.get("depends_on", {}).get("macros", []), *named_calls(node.get("raw_code") or "")]:
            reach(uid)
    everywhere = set()
    for uid, macro in macros.items():
        if macro["package_name"] == manifest["metadata"].get("project_name") and uid not in reached:
            everywhere |= _vars_read(macro["macro_sql"])
    for path in [PROJECT_DIR / "dbt_project.yml", *sorted((PROJECT_DIR / "models").rglob("*.yml")),
                 *sorted((PROJECT_DIR / "tests").rglob("*.yml"))]:
        everywhere |= _vars_read(path.read_text(encoding="utf-8"))

    readers: dict[str, set[str]] = {}
    for unit in manifest["unit_tests"].values():
        model = manifest["nodes"][unit["depends_on"]["nodes"][0]]
        found = _vars_read(model["raw_code"]) | everywhere
        for uid in [*model["depends_on"]["macros"], *unit["depends_on"]["macros"], *named_calls(model["raw_code"])]:
            found |= macro_vars(uid)
        for var in found:
            readers.setdefault(var, set()).add(unit["name"])
    return readers


def test_the_var_scan_sees_the_vars_the_unit_tests_read(demo_manifest: dict) -> None:
    """What test_unit_tests_pass_with_each_documented_var selects: the scan finds the models that read the
    vars that obviously matter, and a var pasted through plausible_date()."""
    readers = unit_tests_reading(demo_manifest)
    assert "test_base_crm__leads_cleans_and_casts" in readers["as_of_date"], readers.get("as_of_date")
    assert {"test_int_fx_rates_daily_forward_fills_over_weekend",
            "test_int_fx_rates_daily_triangulates_non_usd"} <= readers["reporting_currency"]
    assert readers["plausible_date_min"] and readers["plausible_date_max"]
    assert readers["attribution_lookback_days"] == {"test_int_attribution_touch_weights_hand_computed"}


@pytest.mark.parametrize("name", sorted(NON_DEFAULT_VARS))
def test_unit_tests_pass_with_each_documented_var(name: str, demo_manifest: dict, demo_warehouse: Path,
                                                  tmp_path: Path) -> None:
    """The unit tests (they are what broke: fixtures assuming USD, an as-of date, an amount bound), each var
    on its own; every unit test pins the vars it depends on.

    Only the unit tests whose tested model reads the var run (unit_tests_reading: the model's SQL and the
    macros it calls, from the manifest of the demo build), in one dbt call: a unit test replaces the model's
    inputs by fixtures, so no other unit test can see the var. That is sound because a dependency the scan
    missed is still caught: test_the_demo_builds_with_every_documented_var_changed runs every unit test with
    every var changed. A var no unit test reads (fiscal_year_start_month: dim_date is a fixture of the time
    spine's unit test; quarantine_threshold: only quarantine_summary, which has none) runs nothing, but the
    var must still be read by some model or macro of the manifest (else it is not a documented option any
    more, or the scan went blind)."""
    readers = unit_tests_reading(demo_manifest)
    selected = sorted(readers.get(name, set()) & {u["name"] for u in demo_manifest["unit_tests"].values()})
    if not selected:
        read_by = [n["name"] for n in demo_manifest["nodes"].values() if name in _vars_read(n.get("raw_code") or "")]
        read_by += [m["name"] for m in demo_manifest["macros"].values()
                    if m["package_name"] == demo_manifest["metadata"]["project_name"]
                    and name in _vars_read(m["macro_sql"])]
        assert read_by, f"var {name} is read by no model or macro of the manifest"
        assert readers.get("as_of_date") and readers.get("reporting_currency"), "the var scan found no unit test"
        return
    db = tmp_path / "w.duckdb"
    db.write_bytes(demo_warehouse.read_bytes())  # the unit tests' inputs need the built relations
    value = NON_DEFAULT_VARS[name]
    args = ["test", "--select", *[f"unit_test:{unit}" for unit in selected], "--vars", json.dumps({name: value})]
    result = run_dbt(args, db, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    ran = [r for r in json.loads((tmp_path / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
           if r["unique_id"].startswith("unit_test.")]  # not the on-run-end hook
    assert sorted(r["unique_id"].split(".")[-1] for r in ran) == selected, ran
    assert all(r["status"] == "pass" for r in ran), [(r["unique_id"], r["status"]) for r in ran]


def test_the_demo_builds_with_every_documented_var_changed(tmp_path: Path) -> None:
    """One full build of the demo (models, data tests, unit tests) with all documented vars at once at
    a value other than the default: exit 0. The seed has the same vars (plus load_demo_data, which the build
    keeps, leaving the demo seeds out), so dbt parses the project once for both."""
    db = tmp_path / "w.duckdb"
    all_vars = json.dumps({"load_demo_data": True, **NON_DEFAULT_VARS})
    assert run_dbt(["seed", "--quiet", "--select", "path:seeds/demo", "--vars", all_vars], db, tmp_path).returncode == 0
    result = run_dbt(["build", "--quiet", "--vars", all_vars, "--exclude", "path:seeds/demo"], db, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0] == dt.date(2025, 2, 15)
        assert conn.execute("select count(*) from marts.kpi_revenue").fetchone()[0] > 0


def test_every_documented_var_has_a_rule() -> None:
    assert set(NON_DEFAULT_VARS) <= set(VAR_RULES)
    assert validate_vars(NON_DEFAULT_VARS) == []


@pytest.mark.parametrize("name, value, expected", [
    ("reporting_currency", "USD'); drop table marts.kpi_revenue; --", "a three-letter ISO 4217 currency code"),
    ("as_of_date", "2026-13-40", "a date YYYY-MM-DD"),
    ("as_of_date", "yesterday", "a date YYYY-MM-DD"),
    ("quarantine_threshold", "0.01 or 1=1", "a number >= 0 and <= 1"),
    ("fiscal_year_start_month", 13, "a whole number >= 1 and <= 12"),
    ("raw_schema", 'raw"; drop schema marts cascade; --', "a plain SQL identifier"),
    ("billing_enabled", "maybe", "true or false"),
])
def test_a_bad_var_is_refused_before_anything_is_loaded(tmp_path: Path, name: str, value: object, expected: str) -> None:
    run = run_pipeline(tmp_path, "--vars", json.dumps({name: value}), "--skip-report")
    assert run.code == 2, run.stdout[-2000:] + run.stderr[-2000:]
    assert f"var {name} must be {expected}" in run.stderr, run.stderr
    assert "nothing was loaded" in run.stderr and "Traceback" not in run.stderr
    summary = run.summary
    assert summary["status"] == "error" and summary["exit_code"] == 2
    assert [s["name"] for s in summary["steps"]] == ["summary"]
    with duckdb.connect(str(run.db), read_only=True) as conn:
        assert conn.execute("select status, exit_code from ops.pipeline_runs").fetchall() == [("error", 2)]
        assert conn.execute(
            "select count(*) from information_schema.tables where table_schema in ('raw', 'marts')"
        ).fetchone()[0] == 0


def test_the_job_refuses_an_area_switched_off_before_anything_is_loaded(tmp_path: Path) -> None:
    """An area var false (macros/config/areas.sql) is for a host project's dbt build: the job's checks and
    report read every area's marts, so it stops with exit 2 and names the var and where to go instead."""
    run = run_pipeline(tmp_path, "--vars", json.dumps({"attribution_enabled": False, "finance_enabled": "false"}),
                       "--skip-report")
    assert run.code == 2, run.stdout[-2000:] + run.stderr[-2000:]
    assert "var attribution_enabled, finance_enabled is false: kpi-pipeline run builds" in run.stderr, run.stderr
    assert "Add to an existing dbt project" in run.stderr and "nothing was loaded" in run.stderr
    with duckdb.connect(str(run.db), read_only=True) as conn:
        assert conn.execute("select count(*) from information_schema.tables where table_schema in ('raw', 'marts')"
                            ).fetchone()[0] == 0


def test_dbt_refuses_a_bad_var_without_running_sql(tmp_path: Path) -> None:
    """By hand, without kpi-pipeline: the macros check the var before it is pasted into SQL."""
    db = tmp_path / "w.duckdb"
    result = run_dbt(["compile", "--select", "int_fx_rates_daily", "--vars",
                      json.dumps({"reporting_currency": "USD'); drop table x; --"})], db, tmp_path)
    assert result.returncode != 0
    assert "var reporting_currency must be a three-letter ISO 4217 currency code" in result.stdout
    compiled = list((tmp_path / "target").rglob("int_fx_rates_daily.sql"))
    assert all("drop table" not in path.read_text() for path in compiled)


def test_a_malformed_scorecard_kpi_is_a_compile_error_naming_it(tmp_path: Path) -> None:
    """The scorecard is driven by var scorecard_kpis (dbt_project.yml): an entry with a misspelt key or a wrong
    direction stops the compile with the entry's name, never a scorecard without the KPI."""
    db = tmp_path / "w.duckdb"
    kpis = [{"name": "mqls", "model": "kpi_mqls", "value": "new_mqls", "numerator": "new_mqls",
             "direction": "higher_is_better", "additve": True}]
    result = run_dbt(["compile", "--select", "kpi_scorecard", "--vars", json.dumps({"scorecard_kpis": kpis})],
                     db, tmp_path)
    assert result.returncode != 0
    assert "var scorecard_kpis, mqls: unknown key(s) additve" in result.stdout, result.stdout[-2000:]


def test_the_linters_var_stops_a_build(tmp_path: Path) -> None:
    """var lint_all_adapters (.sqlfluff only) gives the linter a short stand-in for the timestamp parser
    (docs/adapters.md): a dbt command that builds stops with an error before any SQL runs."""
    db = tmp_path / "w.duckdb"
    result = run_dbt(["run", "--select", "int_hubspot__crm_leads", "--vars", json.dumps({"lint_all_adapters": True})],
                     db, tmp_path)
    assert result.returncode != 0
    assert "var lint_all_adapters is for the linter only (.sqlfluff), not for dbt run" in result.stdout
    assert not db.exists() or "int_hubspot__crm_leads" not in _tables_of(db)


def _tables_of(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return " ".join(r[0] for r in con.execute("select table_name from information_schema.tables").fetchall())
    finally:
        con.close()


# ---------------------------------------------------------------- data sets with some systems only


def _only(tmp_path: Path, sources: set[str]) -> Path:
    data = copy_demo_data(tmp_path / "data")
    for table in TABLES:
        if table.source not in sources and table.source != "reference":
            (data / f"{table.name}.csv").unlink()
    return data


# ads spend is in several currencies, so the ads go with finance (its FX rates): without them that spend
# is quarantined as no_fx_rate, above the threshold (a failure, not a wrong number). The CRM-only data set
# (formerly crm_and_fx here) is test_valid_datasets' one_lead_no_optional_systems run, which keeps every
# assertion of this test (test_a_crm_only_data_set_says_which_systems_it_lacks).
@pytest.mark.parametrize("sources, built", [
    ({"ads", "finance"}, "marts.kpi_cost_per_lead"),
], ids=["ads_and_fx"])
def test_a_data_set_with_some_systems_only_builds_what_it_can(tmp_path: Path, sources: set[str], built: str) -> None:
    data = _only(tmp_path, sources)
    run = run_pipeline(tmp_path, "--data-dir", str(data), "--skip-report", unit_tests=False)
    assert run.code == 0, run.stdout[-4000:] + run.stderr[-3000:]
    missing = sorted({t.source for t in TABLES} - sources - {"reference"})
    for source in missing:
        assert f"has no {source} export" in run.stdout
        # the load line says the file is absent, not "loaded ... (0 rows)" (issue 23)
        assert f"empty table (the {source} system is optional)" in run.stdout, run.stdout[-4000:]
    assert " (0 rows)" not in run.stdout
    summary = run.summary
    assert summary["expectations"]["failed"] == 0
    # an empty mart names the raw tables / files the data set lacks, not the models in between (issue 23)
    empty = [note for note in summary["notes"] if " is empty: " in note]
    assert any("absent or empty" in note for note in empty), summary["notes"]
    assert not any("as its input" in note for note in summary["notes"]), summary["notes"]
    assert summary["row_counts"][built] > 0


# ---------------------------------------------------------------- history edited in place


def _rewrite(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(change(rows))


@pytest.fixture(scope="module")
def edited_history(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A load and build of the demo, then the next export: an old deal's amount corrected and an old
    touch deleted (both long before the refresh window). The first run is a copy of the session's shared
    run of the demo CSVs through --data-dir (shared_runs.demo_data_dir_run: the same files, loaded and
    built; its quality checks and stale lock change nothing here)."""
    work = tmp_path_factory.mktemp("edited")
    data = copy_demo_data(work / "data")
    first = demo_data_dir_run(tmp_path_factory)
    assert first.code == 0, first.stdout[-3000:] + first.stderr[-3000:]
    db = copy_warehouse(first, work / first.db.name)  # the same file name: dbt's views name their database
    won = {}

    def correct(rows: list[dict]) -> list[dict]:
        target = next(r for r in rows if r["stage"] == "closed_won" and r["created_at"] < "2025-06-01")
        won.update(target)
        target["amount"] = f"{float(target['amount']) * 2:.2f}"
        return rows

    _rewrite(data / "crm_opportunities.csv", correct)
    _rewrite(data / "mkt_touchpoints.csv", lambda rows: [r for r in rows if r["touchpoint_id"] != rows[10]["touchpoint_id"]])
    return {"work": work, "data": data, "db": db, "deal": won["opportunity_id"]}


def test_a_plain_dbt_build_stops_on_edited_history(edited_history: dict, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"  # a copy under the usual name (conftest.run_dbt: dbt's parse shared)
    db.write_bytes(edited_history["db"].read_bytes())
    with duckdb.connect(str(db)) as conn:  # what the loader would put there, without kpi-pipeline
        conn.execute("delete from raw.crm_opportunities")
        conn.execute(
            "insert into raw.crm_opportunities select * from read_csv(?, all_varchar = true, header = true)",
            [str(edited_history["data"] / "crm_opportunities.csv")],
        )
    result = run_dbt(["build", "--select", "base_crm__opportunities"], db, tmp_path)
    assert result.returncode != 0
    text = result.stdout
    assert "crm.crm_opportunities: 2 raw row(s) dated before the refresh window" in text, text[-3000:]
    assert "--full-refresh" in text


def test_kpi_pipeline_rebuilds_in_full_when_history_changed(edited_history: dict, tmp_path: Path) -> None:
    second = run_pipeline(edited_history["work"] / "second", "--data-dir", str(edited_history["data"]),
                          "--skip-quality", "--skip-report", db=edited_history["db"], unit_tests=False)
    assert second.code == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "history changed, rebuilding in full" in second.stdout
    assert any("history changed" in note for note in second.summary["notes"])
    # the summary says the build was a full refresh, and why (it was not asked for on the command line)
    assert second.summary["full_refresh"] is True, second.summary["full_refresh"]
    assert second.summary["full_refresh_because"].startswith("history changed: ")
    assert "  full refresh " in second.stdout
    # the reference for the comparison (models and seeds): the second run above ran the data tests on this data
    fresh = run_pipeline(tmp_path, "--data-dir", str(edited_history["data"]), "--skip-quality", "--skip-report",
                         unit_tests=False, data_tests=False)
    assert fresh.code == 0
    differences = compare(fingerprints(fresh.db), fingerprints(edited_history["db"]))
    assert not differences, differences
    with duckdb.connect(str(edited_history["db"]), read_only=True) as conn:
        amount = conn.execute("select amount from marts.fct_opportunities where opportunity_id = ?",
                              [edited_history["deal"]]).fetchone()[0]
    assert amount is not None and amount > 0


# ---------------------------------------------------------------- environment faults


def test_a_read_only_output_dir_is_refused_before_the_load(tmp_path: Path) -> None:
    out = tmp_path / "readonly"
    out.mkdir()
    out.chmod(0o500)
    try:
        if os.access(out, os.W_OK):  # root writes anyway: make the directory a file instead
            out.chmod(0o700)
            out.rmdir()
            out.write_text("not a directory")
        data = copy_demo_data(tmp_path / "data")
        run = run_pipeline(tmp_path, "--data-dir", str(data), "--output-dir", str(out / "pipeline"))
    finally:
        if out.is_dir():
            out.chmod(0o700)
    assert run.code == 2, run.stdout[-2000:] + run.stderr[-2000:]
    assert f"cannot write to {out / 'pipeline'}" in run.stderr
    assert "internal error" not in run.stderr
    with duckdb.connect(str(run.db), read_only=True) as conn:
        assert conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw'"
        ).fetchone()[0] == 0
        assert conn.execute("select status, exit_code from ops.pipeline_runs").fetchall() == [("error", 2)]


def test_no_free_space_is_named_before_the_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    data = copy_demo_data(tmp_path / "data")
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage._replace(free=1024))
    with pytest.raises(PipelineError, match="No space left on device for the load: .* has 0 MiB free"):
        loader.check_free_space(tmp_path, loader.discover(data))


def test_a_full_disk_during_the_build_is_an_error_with_its_cause() -> None:
    from kpi_pipeline.load.sql import _disk_hint

    raw = loader.discover(copy_demo_data(Path(os.environ.get("TMPDIR", "/tmp")) / f"disk-{os.getpid()}"))[0]
    assert "disk is full" in _disk_hint(OSError("IO Error: No space left on device"), raw)
    source = (PROJECT_DIR / "scripts" / "kpi_pipeline" / "steps.py").read_text()
    assert 'raise PipelineError(\n                f"No space left on device during the build' in source


def test_a_lock_whose_process_is_alive_is_never_stale(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    lock = lock_file(db)
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(json.dumps({
        "pid": os.getpid(),  # this test's own process: alive
        "hostname": socket.gethostname(),
        "started_at": (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)).isoformat(timespec="seconds"),
    }))
    run = run_pipeline(tmp_path, "--lock-max-age-hours", "0.01", db=db)
    assert run.code == 2
    assert "cleared a stale lock" not in run.stderr
    assert lock.exists()


# ---------------------------------------------------------------- progress and messages


def test_the_progress_total_never_grows(demo_warehouse: Path, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"  # run_pipeline's default name: dbt's parse shared with the demo runs
    db.write_bytes(demo_warehouse.read_bytes())
    run = run_pipeline(tmp_path, "--skip-quality", "--skip-report", db=db)
    assert run.code == 0, run.stderr[-2000:]
    totals = {int(m.group(1)) for m in re.finditer(r"^\[\s*\d+/(\d+)\]", run.stdout, re.M)}
    assert len(totals) == 2, totals  # the seeds' count and the build's, each fixed
    assert re.search(r"^\[unit \d+\] OK", run.stdout, re.M)


# ---------------------------------------------------------------- the install


def test_every_pinned_package_has_a_hash() -> None:
    for lock in ("requirements.lock", "requirements-pip.lock"):
        result = subprocess.run([sys.executable, str(PROJECT_DIR / "scripts" / "lock_hashes.py"),
                                 str(PROJECT_DIR / lock), "--check"], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        text = (PROJECT_DIR / lock).read_text()
        assert text.count("==") == len(re.findall(r"^\S+==\S+ \\$", text, re.M)) > 0


def test_setup_installs_with_hashes_and_stops_on_a_pip_failure(tmp_path: Path) -> None:
    setup = (PROJECT_DIR / "scripts" / "setup.sh").read_text()
    assert "--require-hashes -r requirements.lock" in setup and "--require-hashes -r requirements-pip.lock" in setup
    assert "--upgrade pip" not in setup and "|| true" not in setup
    # the function that runs pip stops the script with exit 2 and pip's output when pip fails
    body = setup[setup.index("pip_install() {"):setup.index("\n}\n", setup.index("pip_install() {")) + 3]
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    fake = tmp_path / ".venv" / "bin" / "python"
    fake.write_text("#!/bin/sh\necho 'ERROR: THESE PACKAGES DO NOT MATCH THE HASHES' >&2\nexit 1\n")
    fake.chmod(0o755)
    script = f"set -euo pipefail\ncd {tmp_path}\n{body}\npip_install --require-hashes -r x.lock\necho reached\n"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "DO NOT MATCH THE HASHES" in result.stderr and "reached" not in result.stdout
