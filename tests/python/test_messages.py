"""Messages that mislead (issue 23): each message of a run says what happened, in the user's terms.

Unit tests on the functions that build the messages, no dbt build:
  a. a NO-OP (the exposure kpi_report, in every build) is not counted as an error in run_summary.json;
  b. the loader says a file is absent (an empty table of an optional system), not "loaded ... (0 rows)";
  c. a mart empty because its inputs are names the raw tables / files that are empty, not the models;
  d. a table above the quarantine threshold is one failure naming the raw table and its gate's model;
  e. an empty source table that is not the demo's is called empty, not "holds data that is not the demo's";
  f. a DuckDB file named like a vendor schema is refused before anything runs, naming the file and schema;
  g. a failed column_checks test names its model and, per failing rule, the column and number of rows.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from kpi_pipeline import artifacts, failures, load as loader, preflight, quality, run_state, steps, summary  # noqa: E402
from kpi_pipeline.quality import empty  # noqa: E402
from kpi_pipeline.artifacts import NodeResult  # noqa: E402
from kpi_pipeline.quarantine import QuarantineReport, TableQuarantine  # noqa: E402
from kpi_pipeline.settings import RunConfig  # noqa: E402
from kpi_pipeline.warehouse import Warehouse  # noqa: E402


def node(uid: str, resource_type: str, status: str, attached_to: str | None = None) -> NodeResult:
    return NodeResult(unique_id=uid, resource_type=resource_type, name=uid.rsplit(".", 1)[-1], status=status,
                      execution_time=0.1, failures=None, message=None, compiled_code=None, attached_to=attached_to)


# ---------------------------------------------------------------- a. NO-OP is not an error


def test_the_exposures_no_op_is_not_an_error() -> None:
    counts = summary.dbt_counts([
        node("model.p.a", "model", "success"), node("test.p.t", "test", "pass"),
        node("exposure.p.kpi_report", "exposure", "no-op"),
    ])
    assert all(bucket["errored"] == 0 for bucket in counts.values()), counts
    assert counts["exposures"]["no_op"] == 1 and counts["models"]["passed"] == 1
    # an error is still one
    assert summary.dbt_counts([node("model.p.b", "model", "error")])["models"]["errored"] == 1


# ---------------------------------------------------------------- b. an absent file is not "loaded (0 rows)"


def test_the_loader_says_a_file_is_absent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for csv in (PROJECT_DIR / "seeds" / "demo").glob("crm_*.csv"):  # a CRM-only data set
        shutil.copy(csv, data / csv.name)
    files = loader.discover(data)
    lines: list[str] = []
    warehouse = Warehouse(target="duckdb", kind="duckdb", duckdb_path=tmp_path / "w.duckdb")
    loader.load_all(warehouse, files, lines.append)
    ok = [line for line in lines if " OK " in line]
    campaigns = next(line for line in ok if "raw.ads_campaigns" in line)
    assert "loaded" not in campaigns and "0 rows" not in campaigns, campaigns
    assert f"raw.ads_campaigns: no ads_campaigns.csv|.parquet in {data}: empty table (the ads system is optional)" \
        in campaigns, campaigns
    billing = next(line for line in ok if "raw.billing_customers" in line)
    assert "empty table (the billing system is optional)" in billing, billing
    # a reference table is loaded from the project's default, and the line says so
    channels = next(line for line in ok if "raw.ref_channels" in line)
    assert f"no ref_channels.csv|.parquet in {data}: loaded the project's default channels" in channels, channels
    # a file that is there is loaded from it
    leads = next(line for line in ok if "raw.crm_leads" in line)
    assert "loaded raw.crm_leads from crm_leads.csv (" in leads and " 0 rows" not in leads, leads


# ---------------------------------------------------------------- c. an empty mart names the user's files


MANIFEST = {
    "sources": {
        "source.p.ads.ads_ads": {"schema": "raw", "name": "ads_ads", "identifier": "ads_ads"},
        "source.p.ads.ads_campaigns": {"schema": "raw", "name": "ads_campaigns", "identifier": "ads_campaigns"},
        "source.p.reference.ref_channels": {"schema": "raw", "name": "ref_channels", "identifier": "ref_channels"},
    },
    "nodes": {
        "model.p.stg_ads__ads": {"resource_type": "model", "name": "stg_ads__ads", "schema": "staging",
                                 "depends_on": {"nodes": ["source.p.ads.ads_ads"]}},
        "model.p.int_ads_checked": {"resource_type": "model", "name": "int_ads_checked", "schema": "intermediate",
                                    "depends_on": {"nodes": ["model.p.stg_ads__ads", "model.p.int_campaigns_checked"]}},
        "model.p.int_campaigns_checked": {
            "resource_type": "model", "name": "int_campaigns_checked", "schema": "intermediate",
            "depends_on": {"nodes": ["source.p.ads.ads_campaigns", "source.p.reference.ref_channels"]}},
        "model.p.dim_ads": {
            "resource_type": "model", "name": "dim_ads", "schema": "marts", "unique_id": "model.p.dim_ads",
            "original_file_path": "models/marts/core/dim_ads.sql", "config": {"materialized": "table"},
            "depends_on": {"nodes": ["model.p.int_ads_checked", "model.p.int_campaigns_checked"]}},
    },
}


def test_an_empty_mart_names_the_raw_tables_and_files_it_lacks() -> None:
    from kpi_pipeline.quality.suites import EMPTY_CHECK

    (mart,) = artifacts.discover_marts(MANIFEST)
    con = duckdb.connect()
    for schema, tables in (("raw", {"ads_ads": 0, "ads_campaigns": 0, "ref_channels": 3}),
                           ("intermediate", {"int_ads_checked": 0, "int_campaigns_checked": 0}),
                           ("marts", {"dim_ads": 0})):
        con.execute(f"create schema {schema}")
        for table, rows in tables.items():
            con.execute(f"create table {schema}.{table} as select range as id from range({rows})")
    failed = quality.Outcome(suite="dim_ads", check=EMPTY_CHECK, expectation="expect_table_row_count_to_be_between",
                             column=None, success=False)
    report = quality.QualityReport()
    outcomes = empty._empty_inputs_are_a_warning(con, mart, [failed], report)
    assert [o.success for o in outcomes] == [True]
    (warning,) = report.warnings
    assert "int_ads_checked" not in warning and "int_campaigns_checked" not in warning, warning
    assert warning.startswith("marts.dim_ads is empty: raw.ads_ads and raw.ads_campaigns have no rows"), warning
    assert "ads_ads and ads_campaigns (.csv|.parquet) are absent or empty" in warning, warning
    assert "ref_channels" not in warning  # it has rows


# ---------------------------------------------------------------- d. one gate failure, once


def test_a_table_above_the_threshold_is_one_failure_naming_its_gate(tmp_path: Path, monkeypatch) -> None:
    gate = "test.p.quarantine_below_threshold_int_campaigns_checked_ads_campaigns.abc"
    manifest = {"nodes": {
        gate: {"resource_type": "test", "name": "quarantine_below_threshold_int_campaigns_checked_ads_campaigns",
               "attached_node": "model.p.int_campaigns_checked",
               "test_metadata": {"name": "quarantine_below_threshold", "kwargs": {"raw_table": "ads_campaigns"}}},
        "model.p.int_campaigns_checked": {"resource_type": "model", "name": "int_campaigns_checked"},
    }}
    state = run_state.RunState(RunConfig(project_dir=PROJECT_DIR, target="duckdb", output_dir=tmp_path / "out",
                                        target_path=tmp_path / "target", log_path=tmp_path / "logs"))
    state.warehouse = Warehouse(target="duckdb", kind="duckdb", duckdb_path=tmp_path / "w.duckdb")
    state.results = [node("model.p.quarantine_summary", "model", "success"),
                     node(gate, "test", "fail", attached_to="model.p.int_campaigns_checked")]
    state.steps = [{"name": "build", "status": "success"}]
    table = TableQuarantine(raw_table="ads_campaigns", raw_rows=10, clean_rows=8, quarantined_rows=2, rejected_rows=2,
                            held_back_rows=0, rejected_share=0.2, threshold=0.01, above_threshold=True,
                            rules={"unknown_reference (channel_id)": 2}, examples=["c1: channel x"])
    monkeypatch.setattr(steps.quarantine, "read_report",
                        lambda warehouse: QuarantineReport(threshold=0.01, tables={"ads_campaigns": table}))
    failures.collect_dbt_failures(state, manifest)
    steps.quarantine_step(state)
    assert len(state.failures) == 1, [f["text"] for f in state.failures]
    (failure,) = state.failures
    assert failure["kind"] == "quarantine" and failure["raw_table"] == "ads_campaigns"
    text = failure["text"]
    assert text.startswith("quarantine: ads_campaigns: 2 of 10 rows"), text
    # the gate's own model, not the staging model of the table (which the gate is not attached to)
    assert "int_campaigns_checked (its quarantine gate) kept its last good state" in text, text
    assert "stg_ads__campaigns" not in text, text


# ---------------------------------------------------------------- e. an empty table holds no data


def test_an_empty_table_is_not_said_to_hold_data() -> None:
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.ads_campaigns (campaign_id varchar)")
    owner = steps.demo_owner(con, "duckdb", "raw")
    assert not owner.demo_allowed
    assert "holds data" not in owner.reason, owner.reason
    assert owner.reason.startswith("raw.ads_campaigns is an empty table that is not the demo's"), owner.reason
    # a table with rows is named first, whatever the order of the contract
    con.execute("create table raw.crm_leads as select 'l1' as lead_id")
    assert steps.demo_owner(con, "duckdb", "raw").reason.startswith(
        "raw.crm_leads holds data that is not the demo's")


# ---------------------------------------------------------------- f. a DuckDB file named like a vendor schema


@pytest.mark.parametrize(("file", "dbt_vars", "clash"), [
    ("salesforce.duckdb", {"crm_source": "salesforce"}, "salesforce"),
    ("salesforce_history.duckdb", {"crm_source": "salesforce"}, "salesforce_history"),
    ("google_ads.duckdb", {"ads_sources": ["contract", "google_ads"]}, "google_ads"),
    ("google_ads.duckdb", {"ads_sources": "google_ads,facebook_ads"}, "google_ads"),
    ("crm.duckdb", {"crm_source": "salesforce", "salesforce_schema": "crm"}, "crm"),
    ("salesforce.duckdb", {}, None),  # the adapter is off: no salesforce source is read
    ("salesforce.duckdb", {"crm_source": "salesforce", "salesforce_schema": "sf", "salesforce_history_schema": "sfh"},
     None),
    ("kpis.duckdb", {"crm_source": "hubspot"}, None),
])
def test_a_duckdb_file_named_like_a_vendor_schema_is_refused(file: str, dbt_vars: dict, clash: str | None) -> None:
    message = preflight.vendor_catalog_clash(Path("/w") / file, dbt_vars, {"crm_source": "contract"})
    if clash is None:
        assert message is None, message
    else:
        assert message and f"/w/{file} is named like the" in message and f" schema {clash}:" in message, message
        assert "ambiguous reference to catalog or schema" in message and "docs/adapters.md" in message


def test_a_run_on_salesforce_duckdb_stops_before_dbt(tmp_path: Path) -> None:
    from test_pipeline_cli import run_pipeline

    run = run_pipeline(tmp_path, "--vars", "{crm_source: salesforce}", db=tmp_path / "salesforce.duckdb")
    assert run.code == 2, run.stdout[-2000:] + run.stderr[-2000:]
    assert f"the DuckDB file {tmp_path / 'salesforce.duckdb'} is named like the salesforce schema salesforce" \
        in run.stderr, run.stderr
    assert "== load ==" not in run.stdout and "dbt" not in run.stdout.replace("dbt_", ""), run.stdout


def test_an_empty_mart_names_only_the_raw_tables_that_left_it_empty() -> None:
    """The walk up the lineage stops at a model with rows: a mart of reps, empty because the reps file is, does
    not blame the ads files behind the as-of date it also reads (issue 23: every empty raw table upstream was
    named)."""
    from kpi_pipeline.quality.suites import EMPTY_CHECK

    manifest = {
        "sources": {
            "source.p.crm.crm_sales_reps": {"schema": "raw", "name": "crm_sales_reps", "identifier": "crm_sales_reps"},
            "source.p.ads.ads_spend_daily": {"schema": "raw", "name": "ads_spend_daily",
                                             "identifier": "ads_spend_daily"},
            "source.p.crm.crm_leads": {"schema": "raw", "name": "crm_leads", "identifier": "crm_leads"},
        },
        "nodes": {
            "model.p.stg_crm__sales_reps": {"resource_type": "model", "name": "stg_crm__sales_reps",
                                            "schema": "staging",
                                            "depends_on": {"nodes": ["source.p.crm.crm_sales_reps"]}},
            "model.p.int_as_of_date": {"resource_type": "model", "name": "int_as_of_date", "schema": "intermediate",
                                       "depends_on": {"nodes": ["source.p.ads.ads_spend_daily",
                                                                "source.p.crm.crm_leads"]}},
            "model.p.dim_sales_reps": {
                "resource_type": "model", "name": "dim_sales_reps", "schema": "marts",
                "unique_id": "model.p.dim_sales_reps", "original_file_path": "models/marts/core/dim_sales_reps.sql",
                "config": {"materialized": "table"},
                "depends_on": {"nodes": ["model.p.stg_crm__sales_reps", "model.p.int_as_of_date"]}},
        },
    }
    (mart,) = artifacts.discover_marts(manifest)
    con = duckdb.connect()
    for schema, tables in (("raw", {"crm_sales_reps": 0, "ads_spend_daily": 0, "crm_leads": 5}),
                           ("staging", {"stg_crm__sales_reps": 0}), ("intermediate", {"int_as_of_date": 1}),
                           ("marts", {"dim_sales_reps": 0})):
        con.execute(f"create schema {schema}")
        for table, rows in tables.items():
            con.execute(f"create table {schema}.{table} as select range as id from range({rows})")
    failed = quality.Outcome(suite="dim_sales_reps", check=EMPTY_CHECK,
                             expectation="expect_table_row_count_to_be_between", column=None, success=False)
    report = quality.QualityReport()
    empty._empty_inputs_are_a_warning(con, mart, [failed], report)
    (warning,) = report.warnings
    assert warning.startswith("marts.dim_sales_reps is empty: raw.crm_sales_reps has no rows"), warning
    assert "ads_spend_daily" not in warning, warning


# ---------------------------------------------------------------- g. a failed column_checks names its column


CHECKS_TEST = "test.sales_marketing_kpis.column_checks_stg_crm__leads"


def _compiled_column_checks(tmp_path: Path) -> str:
    """The compiled SQL of stg_crm__leads' column_checks test (tests/generic/column_checks.sql): from the run
    results of the demo build scripts/test.sh made (KPI_TEST_DEMO_TARGET), else `dbt compile` of that test."""
    target = os.environ.get("KPI_TEST_DEMO_TARGET")
    if target and (Path(target) / "run_results.json").is_file():
        results = json.loads((Path(target) / "run_results.json").read_text(encoding="utf-8"))["results"]
        for result in results:
            if result["unique_id"].startswith(CHECKS_TEST) and result.get("compiled_code"):
                return result["compiled_code"]
    from conftest import run_dbt

    proc = run_dbt(["compile", "--quiet", "--select", "column_checks_stg_crm__leads"], tmp_path / "c.duckdb", tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    (path,) = (tmp_path / "target" / "compiled").rglob("column_checks_stg_crm__leads*.sql")
    return path.read_text(encoding="utf-8")


def test_a_null_in_a_not_null_column_names_the_model_column_and_rows(tmp_path: Path) -> None:
    """A failed column_checks test (one node for the model's plain column tests, issue 24) is reported by the
    pipeline with its model and, per failing rule, the column, the rule and the number of rows, from the
    test's own compiled SQL run against a warehouse holding the bad rows."""
    sql = _compiled_column_checks(tmp_path)
    relation = re.search(r'from\s+"([^"]+)"\."staging"\."stg_crm__leads"', sql)
    assert relation, sql
    db = tmp_path / "w" / f"{relation.group(1)}.duckdb"  # DuckDB names the catalogue after the file
    db.parent.mkdir()
    with duckdb.connect(str(db)) as con:
        con.execute("create schema staging")
        con.execute("""create table staging.stg_crm__leads as select * from (values
            ('L1', timestamp '2026-01-01', date '2026-01-01', 'Acme', 'US', 'smb'),
            ('L2', timestamp '2026-01-02', date '2026-01-02', null, 'US', 'smb'),
            ('L3', timestamp '2026-01-03', date '2026-01-03', null, 'DE', 'mid_market'),
            ('L3', timestamp '2026-01-04', date '2026-01-04', 'Beta', 'DE', 'giant'))
            as t(lead_id, created_at, created_date, company_name, country, segment)""")
    state = run_state.RunState(RunConfig(project_dir=PROJECT_DIR, target="duckdb", output_dir=tmp_path / "out",
                                        target_path=tmp_path / "target", log_path=tmp_path / "logs"))
    state.warehouse = Warehouse(target="duckdb", kind="duckdb", duckdb_path=db)
    uid = CHECKS_TEST + ".abc"
    result = NodeResult(unique_id=uid, resource_type="test", name="column_checks_stg_crm__leads", status="fail",
                        execution_time=0.1, failures=3, message="Got 3 results, configured to fail if != 0",
                        compiled_code=sql, attached_to="model.p.stg_crm__leads")
    state.results = [result]
    manifest = {"nodes": {
        uid: {"resource_type": "test", "name": "column_checks_stg_crm__leads",
              "attached_node": "model.p.stg_crm__leads",
              "test_metadata": {"name": "column_checks", "kwargs": {"not_null": ["lead_id", "company_name"]}}},
        "model.p.stg_crm__leads": {"resource_type": "model", "name": "stg_crm__leads"},
    }}
    failures.collect_dbt_failures(state, manifest)
    (failure,) = state.failures
    text = failure["text"]
    assert text.startswith("dbt test column_checks_stg_crm__leads on stg_crm__leads: fail, 3 failing check(s): "), text
    assert sorted(failure["examples"]) == ["company_name not_null: 2 row(s)", "lead_id unique: 2 row(s)",
                                           "segment accepted_values: 1 row(s)"], text
