"""The vendor adapters (docs/adapters.md) on their fixtures, against an independent computation.

Each build loads the fixtures of its vendors (tests/fixtures/<vendor>/: the tables in the loader's layout, in the
vendor's schema, with native types; vendor_fixtures.py) into a throwaway warehouse and runs dbt with the adapter's
vars, as a user would:
  - Salesforce with Google Ads and Meta (the reported command: crm_source salesforce, ads_sources google_ads and
    facebook_ads; DuckDB, a full `dbt build` with every test), and the same on PostgreSQL 15;
  - HubSpot with LinkedIn and the contract's own ad tables (a sponsorship's campaign-level spend), with the deal
    pipelines restricted and a deal that breaks a contract rule (a negative amount), quarantined with its stage
    changes, under a quarantine_threshold that lets the build go on (DuckDB, a full `dbt build`);
  - two variants built up to the marts they change (`dbt build --select +<mart>`, no unit tests): Salesforce's stage history
    from the history-mode layout (owners per version) and HubSpot's lifecycle from the property history.
The KPI marts (cost per lead, MQLs, SQLs, win rate, revenue, CAC, retention) are compared, row by row, with
vendor_reference.py, which reads the fixture CSVs in Python and never a dbt model; the fixture's edge cases
(converted and unconverted leads, an MQL without a history row, a re-opened deal, several currencies, deleted
records, a merged contact, a deal with two contacts) are checked where they land, and every record the adapters
leave out is listed in their excluded-records model.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import native_types  # noqa: E402
import vendor_reference as ref  # noqa: E402
from kpi_pipeline.pgcluster import postgres_available, throwaway_cluster  # noqa: E402
from parse_cache import cache_key, option, shared_parse, warehouse_env  # noqa: E402
from vendor_fixtures import fixture_tables, load_duckdb, load_postgres  # noqa: E402

SALESFORCE_VARS = {"crm_source": "salesforce", "ads_sources": ["google_ads", "facebook_ads"]}
HUBSPOT_VARS = {
    "crm_source": "hubspot",
    "ads_sources": ["linkedin_ads", "contract"],
    "hubspot_deal_pipelines": ["default"],
    "quarantine_threshold": 0.25,
}
MONEY_TOL = 0.005
RATIO_TOL = 1e-6


# ---------------------------------------------------------------- builds


@dataclass
class Build:
    name: str
    vars: dict[str, Any]
    work: Path
    proc: subprocess.CompletedProcess
    db: Path | None = None  # DuckDB
    pg: Any = None  # PostgreSQL cluster settings

    @property
    def results(self) -> list[dict]:
        return json.loads((self.work / "target" / "run_results.json").read_text())["results"]

    @property
    def manifest(self) -> dict:
        return json.loads((self.work / "target" / "manifest.json").read_text())

    def explain(self) -> str:
        return f"{self.name}: exit {self.proc.returncode}\n{self.proc.stdout[-6000:]}\n{self.proc.stderr[-2000:]}"

    def query(self, sql: str) -> pd.DataFrame:
        if self.db is not None:
            con = duckdb.connect(str(self.db), read_only=True)
            try:
                return con.execute(sql).df()
            finally:
                con.close()
        import psycopg2

        with closing(psycopg2.connect(**self.pg.connect_kwargs())) as conn, conn.cursor() as cur:
            cur.execute(sql)
            columns = [c.name for c in cur.description]
            return pd.DataFrame(cur.fetchall(), columns=columns)


def _env(work: Path, target: str, db: Path | None = None, pg: Any = None) -> dict[str, str]:
    """The environment of a build: its warehouse, and a session time zone far east of UTC (native_types.EAST_ZONE;
    DuckDB's session follows TZ, PostgreSQL's PGTZ): the vendors' native timestamps and dates must give the same
    marts as the reference, which never depends on a time zone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPI_", "DBT_"))}
    env.update(TZ=native_types.EAST_ZONE, PGTZ=native_types.EAST_ZONE)
    env.update(
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        KPI_PROJECT_DIR=str(PROJECT_DIR),
        KPI_TARGET=target,
        KPI_DUCKDB_PATH=str(db or work / "unused.duckdb"),
    )
    if pg is not None:
        env.update(pg.env())
    return env


def _dbt(args: list[str], work: Path, env: dict[str, str], timeout: int = 1500) -> subprocess.CompletedProcess:
    """`dbt *args` in a subprocess (its own TZ: DuckDB reads the zone once per process). A DuckDB build names
    its file relative to the file's folder, its working directory, so builds with the same vars share dbt's
    parse (parse_cache; the HubSpot build and the merged-contact build)."""
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt), *args, "--project-dir", str(PROJECT_DIR), "--target-path", str(work / "target"),
           "--log-path", str(work / "logs")]
    cwd = PROJECT_DIR
    if env.get("KPI_TARGET") == "duckdb":
        cwd, relative = warehouse_env(Path(env["KPI_DUCKDB_PATH"]))
        env = {**env, "KPI_DUCKDB_PATH": relative}
    key = cache_key("adapters", env["KPI_DUCKDB_PATH"], option(args, "--vars"), env.get("KPI_TARGET"),
                    {k: v for k, v in env.items() if k.startswith("KPI_PG_")})
    with shared_parse(work / "target", key):
        return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                              check=False)


def duckdb_build(tmp_path_factory: pytest.TempPathFactory, name: str, vendors: tuple[str, ...],
                 dbt_vars: dict[str, Any], select: list[str] | None = None) -> Build:
    work = tmp_path_factory.mktemp(name)
    db = work / "warehouse.duckdb"  # (a file named like a vendor schema would make its name ambiguous)
    load_duckdb(db, fixture_tables(*vendors))
    # a selection builds those marts, their parents and the data tests of exactly these (cautious: no test that
    # also needs a model left out); its unit tests read fixtures, never the variant's data, and run in the full
    # builds (salesforce, hubspot, salesforce_pg) and the demo build
    args = ["build", "--vars", json.dumps(dbt_vars)] + (
        ["--select", *select, "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test"]
        if select else [])
    proc = _dbt(args, work, _env(work, "duckdb", db=db))
    return Build(name, dbt_vars, work, proc, db=db)


@pytest.fixture(scope="module")
def salesforce(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return duckdb_build(tmp_path_factory, "salesforce", ("salesforce", "google_ads", "facebook_ads"), SALESFORCE_VARS)


@pytest.fixture(scope="module")
def hubspot(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return duckdb_build(tmp_path_factory, "hubspot", ("hubspot", "linkedin_ads"), HUBSPOT_VARS)


@pytest.fixture(scope="module")
def salesforce_history_mode(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return duckdb_build(
        tmp_path_factory, "salesforce_history_mode", ("salesforce", "google_ads", "facebook_ads"),
        {**SALESFORCE_VARS, "salesforce_stage_history": "history_mode"}, select=["+kpi_win_rate", "+kpi_revenue"],
    )


@pytest.fixture(scope="module")
def hubspot_property_history(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return duckdb_build(
        tmp_path_factory, "hubspot_property_history", ("hubspot", "linkedin_ads"),
        {**HUBSPOT_VARS, "hubspot_lifecycle_source": "property_history"},
        select=["+kpi_mqls", "+kpi_sqls", "+fct_leads", "int_hubspot__excluded_records"],
    )


@pytest.fixture(scope="module")
def salesforce_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    if not postgres_available():
        if os.environ.get("KPI_REQUIRE_POSTGRES") == "1" or os.environ.get("CI", "").lower() in ("1", "true"):
            pytest.fail("PostgreSQL server binaries not found but required here (CI): run scripts/setup.sh")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed; run `bash scripts/setup.sh`")
    import psycopg2

    work = tmp_path_factory.mktemp("salesforce_pg")
    with throwaway_cluster() as pg:
        conn = psycopg2.connect(**pg.connect_kwargs())
        conn.autocommit = True
        with closing(conn):
            load_postgres(conn, fixture_tables("salesforce", "google_ads", "facebook_ads"))
        proc = _dbt(["build", "--vars", json.dumps(SALESFORCE_VARS)], work, _env(work, "pg", pg=pg))
        yield Build("salesforce_pg", SALESFORCE_VARS, work, proc, pg=pg)


@pytest.fixture(scope="module")
def salesforce_ref() -> ref.Funnel:
    return ref.salesforce_funnel(["google_ads", "facebook_ads"])


@pytest.fixture(scope="module")
def hubspot_ref() -> ref.Funnel:
    return ref.hubspot_funnel(["linkedin_ads", "contract"], pipelines=["default"])


# ---------------------------------------------------------------- comparing marts


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return float(value)


COUNT_COLUMNS = {
    "new_leads", "new_mqls", "actual_mqls", "inferred_mqls", "new_sqls", "actual_sqls", "inferred_sqls", "won_count",
    "lost_count", "closed_count", "won_deals", "new_customers", "new_paid_customers", "customers_at_start",
    "customers_at_end", "churned_customers", "retained_customers",
}
RATIO_COLUMNS = {
    "cost_per_lead", "win_rate_count", "win_rate_amount", "blended_cac", "paid_cac", "logo_retention",
    "gross_revenue_retention", "net_revenue_retention",
}


def assert_close(actual: object, expected: object, label: str, column: str) -> None:
    a, e = _number(actual), _number(expected)
    if e is None:
        assert a is None, f"{label}: expected NULL, got {actual}"
        return
    assert a is not None, f"{label}: expected {expected}, got NULL"
    if column in COUNT_COLUMNS:
        tolerance = 1e-9
    elif column in RATIO_COLUMNS:
        tolerance = 1e-5 * max(1.0, abs(e))
    else:  # money, summed from amounts rounded to 6 decimals
        tolerance = MONEY_TOL
    assert abs(a - e) <= tolerance, f"{label}: expected {expected}, got {actual}"


def assert_mart(build: Build, mart: str, expected: dict[tuple, dict[str, object]]) -> int:
    """Every row of the mart of the expected dimension types equals the expected row; a row the reference has no
    value for (the spine's empty members) is all zero / NULL; every expected row with any value is in the mart.
    Returns the number of rows compared."""
    kinds = sorted({key[1] for key in expected})
    columns = sorted({column for row in expected.values() for column in row})
    mart_rows = build.query(
        f"select period_month, dimension_type, dimension_value, {', '.join(columns)} from marts.{mart} "
        f"where dimension_type in ({', '.join(repr(k) for k in kinds)})"
    )
    seen = set()
    for row in mart_rows.to_dict("records"):
        key = (pd.Timestamp(row["period_month"]), row["dimension_type"], row["dimension_value"])
        seen.add(key)
        want = expected.get(key)
        for column in columns:
            if want is None:
                value = _number(row[column])
                assert value in (None, 0.0), f"{build.name} {mart} {key} {column}: expected 0 / NULL, got {value}"
            else:
                assert_close(row[column], want[column], f"{build.name} {mart} {key} {column}", column)
    for key, want in expected.items():
        if any(_number(v) not in (None, 0.0) for v in want.values()):
            assert key in seen, f"{build.name} {mart}: no row {key} (expected {want})"
    return len(mart_rows)


def _comparable(value: object) -> object:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if hasattr(value, "isoformat"):
        return pd.Timestamp(value).isoformat()
    return str(value)


def require(build: Build) -> None:
    assert build.proc.returncode == 0, build.explain()


# ---------------------------------------------------------------- the builds pass


@pytest.mark.parametrize("name", ["salesforce", "hubspot"])
def test_the_adapter_builds_with_every_test(name: str, request: pytest.FixtureRequest) -> None:
    build: Build = request.getfixturevalue(name)
    require(build)
    statuses = {r["status"] for r in build.results}
    assert statuses <= {"success", "pass", "warn", "no-op"}, statuses
    kinds = {r["unique_id"].split(".")[0] for r in build.results}
    assert {"model", "test", "seed", "unit_test"} <= kinds, kinds
    # every mart of the project was built
    marts = {r["unique_id"].split(".")[-1] for r in build.results if r["unique_id"].startswith("model.")}
    assert {"kpi_cost_per_lead", "kpi_mqls", "kpi_sqls", "kpi_win_rate", "kpi_revenue", "kpi_cac",
            "kpi_customer_retention", "kpi_marketing_roi", "kpi_scorecard"} <= marts


def test_lineage_shows_the_vendor_path(salesforce: Build) -> None:
    """The base models read the vendor mapping models (and no contract source of a table the adapter feeds); every
    adapter is two layers: one staging model per synced vendor table, its source's only reader, and mapping models
    (int_<vendor>__<raw table>, the excluded records) that read staging models only."""
    require(salesforce)
    nodes = salesforce.manifest["nodes"]
    parents = {n["name"]: n["depends_on"]["nodes"] for n in nodes.values() if n["resource_type"] == "model"}
    assert parents["base_crm__leads"] == ["model.sales_marketing_kpis.int_salesforce__crm_leads"]
    assert "model.sales_marketing_kpis.stg_salesforce__lead" in parents["int_salesforce__crm_leads"]
    assert parents["stg_salesforce__lead"] == ["source.sales_marketing_kpis.salesforce.lead"]
    assert parents["stg_salesforce_history__opportunity"] == [
        "source.sales_marketing_kpis.salesforce_history.opportunity"]
    assert set(parents["base_ads__spend_daily"]) == {
        "model.sales_marketing_kpis.int_google_ads__ads_spend_daily",
        "model.sales_marketing_kpis.int_facebook_ads__ads_spend_daily",
    }
    # two layers: one staging model per synced table, its source's only reader; the mapping
    # (int_<vendor>__<raw table>, int_<crm>__excluded_records) reads staging models only
    assert parents["stg_google_ads__ad_stats"] == ["source.sales_marketing_kpis.google_ads.ad_stats"]
    for name, depends_on in parents.items():
        if name.startswith(("stg_google_ads__", "stg_facebook_ads__", "stg_salesforce__",
                            "stg_salesforce_history__")):
            assert len(depends_on) == 1 and depends_on[0].startswith("source."), (name, depends_on)
        if name.startswith(("int_google_ads__", "int_facebook_ads__", "int_salesforce__")):
            assert all(p.split(".")[-1].startswith("stg_") for p in depends_on), (name, depends_on)
    source_readers = {}
    for name, depends_on in parents.items():
        for parent in depends_on:
            kind, _, source_name = parent.split(".")[:3]
            if kind == "source" and source_name in ("google_ads", "facebook_ads", "salesforce", "salesforce_history"):
                source_readers.setdefault(parent, []).append(name)
    assert all(len(readers) == 1 for readers in source_readers.values()), source_readers
    assert len([s for s in source_readers if ".salesforce" in s]) == 11, sorted(source_readers)
    # optional contract tables: read when present (billing from the fixture's raw schema)
    assert "source.sales_marketing_kpis.billing.billing_customers" in parents["base_billing__customers"]
    assert set(parents["base_finance__fx_rates"]) == {
        "model.sales_marketing_kpis.int_salesforce__finance_fx_rates",
        "source.sales_marketing_kpis.finance.finance_fx_rates",
    }
    disabled = {n["name"] for ns in salesforce.manifest["disabled"].values() for n in ns}
    assert {"int_hubspot__crm_leads", "stg_hubspot__contact", "int_linkedin_ads__ads_spend_daily",
            "stg_linkedin_ads__ad_analytics_by_creative"} <= disabled


def test_hubspot_lineage_is_two_layers(hubspot: Build) -> None:
    """HubSpot's adapter in two layers: one staging model per synced table, its source's only reader; the mapping
    models (int_hubspot__<raw table>, the excluded records) read no source: staging models, and for the
    touchpoints the leads' mapping (the first visit's utm tags are the lead's); the base models read them."""
    require(hubspot)
    nodes = hubspot.manifest["nodes"]
    parents = {n["name"]: n["depends_on"]["nodes"] for n in nodes.values() if n["resource_type"] == "model"}
    assert parents["base_crm__leads"] == ["model.sales_marketing_kpis.int_hubspot__crm_leads"]
    assert parents["stg_hubspot__contact"] == ["source.sales_marketing_kpis.hubspot.contact"]
    readers: dict[str, list[str]] = {}
    for name, depends_on in parents.items():
        if name.startswith("stg_hubspot__"):
            assert len(depends_on) == 1 and depends_on[0].startswith("source."), (name, depends_on)
        if name.startswith("int_hubspot__"):
            assert all(p.split(".")[-1].startswith(("stg_hubspot__", "int_hubspot__")) for p in depends_on), (
                name, depends_on)
        for parent in depends_on:
            if parent.startswith("source.sales_marketing_kpis.hubspot."):
                readers.setdefault(parent, []).append(name)
    assert all(len(names) == 1 for names in readers.values()), readers
    assert len(readers) == 11, sorted(readers)
    assert "model.sales_marketing_kpis.int_hubspot__crm_leads" in parents["int_hubspot__mkt_touchpoints"]


# ---------------------------------------------------------------- nothing dropped silently


def _summary(build: Build) -> dict[str, dict]:
    rows = build.query("select * from quarantine.quarantine_summary")
    return {r["raw_table"]: r for r in rows.to_dict("records")}


def test_salesforce_rows_are_mapped_or_listed(salesforce: Build) -> None:
    require(salesforce)
    summary = _summary(salesforce)
    lead = ref.read("salesforce", "salesforce", "lead")
    opportunity = ref.read("salesforce", "salesforce", "opportunity")
    users = ref.read("salesforce", "salesforce", "user")
    excluded = salesforce.query("select * from intermediate.int_salesforce__excluded_records")
    listed = {(r.vendor_table, r.record_id) for r in excluded.itertuples(index=False)}
    assert summary["crm_leads"]["raw_rows"] + sum(t == "lead" for t, _ in listed) == len(lead)
    assert summary["crm_opportunities"]["raw_rows"] + sum(t == "opportunity" for t, _ in listed) == len(opportunity)
    assert summary["crm_sales_reps"]["raw_rows"] == len(users)
    # the fixture's deleted records, no-funnel statuses and a contact that was never a lead
    expected = {("lead", i) for i in lead.loc[lead["is_deleted"].map(ref.is_true), "id"]}
    expected |= {("opportunity", i) for i in opportunity.loc[opportunity["is_deleted"].map(ref.is_true), "id"]}
    history = ref.read("salesforce", "salesforce", "lead_history")
    expected |= {("lead_history", i) for i in history.loc[history["is_deleted"].map(ref.is_true), "id"]}
    no_funnel = history["field"].eq("Status") & history["new_value"].isin(["Closed - Converted", "Nurturing"]) \
        & ~history["is_deleted"].map(ref.is_true)
    expected |= {("lead_history", i) for i in history.loc[no_funnel, "id"]}
    # status changes and opportunity history of a deleted (or never synced) lead / opportunity
    current_leads = set(lead.loc[~lead["is_deleted"].map(ref.is_true), "id"])
    orphaned = history["field"].eq("Status") & ~history["new_value"].isin(["Closed - Converted", "Nurturing"]) \
        & ~history["is_deleted"].map(ref.is_true) & ~history["lead_id"].isin(current_leads)
    expected |= {("lead_history", i) for i in history.loc[orphaned, "id"]}
    current_opportunities = set(opportunity.loc[~opportunity["is_deleted"].map(ref.is_true), "id"])
    opp_history = ref.read("salesforce", "salesforce", "opportunity_history")
    orphaned = ~opp_history["is_deleted"].map(ref.is_true) & ~opp_history["opportunity_id"].isin(current_opportunities)
    expected |= {("opportunity_history", i) for i in opp_history.loc[orphaned, "id"]}
    members = ref.read("salesforce", "salesforce", "campaign_member")
    expected |= {("campaign_member", i) for i in members.loc[members["is_deleted"].map(ref.is_true), "id"]}
    expected.add(("campaign_member", "00v8d00000M05AAAA5"))  # contact 0038d00000C99AAAA9: no lead
    # besides: OpportunityHistory rows that change no stage (test_every_salesforce_table_reconciles)
    assert expected <= listed and {table for table, _ in listed - expected} <= {"opportunity_history"}, \
        (expected - listed, listed - expected)
    # nothing quarantined, and the reconciliation raw = clean + quarantined holds per table
    assert all(r["quarantined_rows"] == 0 for r in summary.values()), summary
    assert all(r["raw_rows"] == r["clean_rows"] for r in summary.values())
    # deleted records are in no mart
    assert salesforce.query("select count(*) as n from marts.fct_leads where lead_id = '00Q8d00000L05AAAA5'")["n"][0] == 0
    assert salesforce.query(
        "select count(*) as n from marts.fct_opportunities where opportunity_id = '0068d00000O06AAAA6'")["n"][0] == 0


def test_hubspot_rows_are_mapped_listed_or_quarantined(hubspot: Build) -> None:
    require(hubspot)
    excluded = hubspot.query("select vendor_table, record_id, reason from intermediate.int_hubspot__excluded_records")
    assert {(r.vendor_table, r.record_id) for r in excluded.itertuples(index=False)} == {
        ("contact", "204"), ("contact", "206"), ("deal", "9006"), ("deal", "9007"),
    }
    assert excluded.set_index("record_id").loc["204", "reason"] == "merged into contact 205"
    quarantined = hubspot.query("select raw_table, row_key, rule_name from quarantine.quarantined_rows")
    assert sorted(map(tuple, quarantined.values.tolist())) == [
        ("crm_opportunities", "opportunity_id=9005", "negative_value"),
        ("crm_opportunity_stage_history", "stage_event_id=9005:appointmentscheduled:2025-06-01 10:00:00",
         "quarantined_reference"),
    ]
    summary = _summary(hubspot)
    contacts = ref.read("hubspot", "hubspot", "contact")
    assert summary["crm_leads"]["raw_rows"] == len(contacts) - 2
    assert summary["crm_opportunities"]["raw_rows"] == 5 and summary["crm_opportunities"]["clean_rows"] == 4


# ---------------------------------------------------------------- the KPIs equal the independent computation


KPIS = {
    "kpi_cost_per_lead": ref.expected_cost_per_lead,
    "kpi_mqls": ref.expected_mqls,
    "kpi_sqls": ref.expected_sqls,
    "kpi_win_rate": ref.expected_win_rate,
    "kpi_revenue": ref.expected_revenue,
    "kpi_cac": ref.expected_cac,
    "kpi_customer_retention": ref.expected_retention,
}


@pytest.mark.parametrize("mart", sorted(KPIS))
@pytest.mark.parametrize("name", ["salesforce", "hubspot"])
def test_kpi_marts_equal_the_reference(name: str, mart: str, request: pytest.FixtureRequest) -> None:
    build: Build = request.getfixturevalue(name)
    require(build)
    funnel: ref.Funnel = request.getfixturevalue(f"{name}_ref")
    expected = KPIS[mart](funnel)
    assert any(any(_number(v) for v in row.values()) for row in expected.values()), "the fixture must exercise it"
    assert assert_mart(build, mart, expected) >= len({k for k in expected if k[1] == "total"})


def test_the_reference_sees_what_the_fixtures_are_for(salesforce_ref: ref.Funnel, hubspot_ref: ref.Funnel) -> None:
    """The fixtures cover the cases they are meant to (so the comparisons above compare something)."""
    sf = salesforce_ref.lifecycle().set_index("lead_id")
    assert sf.loc["00Q8d00000L03AAAA3", "mql_at"] == pd.Timestamp("2025-02-10 12:00")  # MQL date field, no history
    assert bool(sf.loc["00Q8d00000L04AAAA4", "is_mql_inferred"])  # skipped MQL
    deals = salesforce_ref.deals.set_index("opportunity_id")
    assert deals.loc["0068d00000O02AAAA2", "close_count"] == 2 and deals.loc["0068d00000O02AAAA2", "status"] == "won"
    assert {"EUR", "GBP", "USD"} <= set(deals["currency"])
    hs = hubspot_ref.deals.set_index("opportunity_id")
    assert hs.loc["9001", "lead_id"] == "201" and hs.loc["9003", "lead_id"] == "205"
    assert hs.loc["9003", "close_count"] == 2
    assert {m for m, kind, _ in ref.expected_retention(salesforce_ref)} and \
        any(r["churned_customers"] for r in ref.expected_retention(salesforce_ref).values())


# ---------------------------------------------------------------- the fixtures' cases, where they land


def test_salesforce_cases(salesforce: Build) -> None:
    require(salesforce)
    leads = salesforce.query("select * from marts.fct_leads").set_index("lead_id")
    # a converted lead (won) and an unconverted one (disqualified)
    assert leads.loc["00Q8d00000L01AAAA1", "is_won"] and leads.loc["00Q8d00000L01AAAA1", "first_opportunity_id"]
    assert leads.loc["00Q8d00000L02AAAA2", "current_status"] == "disqualified"
    assert leads.loc["00Q8d00000L02AAAA2", "disqualification_reason"] == "No budget"
    # an MQL with no history row: its MQL date field, not inferred
    assert not leads.loc["00Q8d00000L03AAAA3", "is_mql_inferred"]
    assert pd.Timestamp(leads.loc["00Q8d00000L03AAAA3", "mql_at"]) == pd.Timestamp("2025-02-10 12:00")
    deals = salesforce.query("select * from marts.fct_opportunities").set_index("opportunity_id")
    # the re-opened deal counts once, at its final close, in EUR at the close-date rate (USD per EUR = 1 / 0.88)
    reopened = deals.loc["0068d00000O02AAAA2"]
    assert reopened["was_reopened"] and reopened["close_count"] == 2 and reopened["status"] == "won"
    assert pd.Timestamp(reopened["closed_at"]) == pd.Timestamp("2025-05-20 14:00")
    assert float(reopened["amount_reporting_at_close"]) == pytest.approx(40000 / 0.88, abs=1e-3)
    # an opportunity found through the primary contact role, with a stage from its probability (40: discovery)
    assert deals.loc["0068d00000O07AAAA7", "lead_id"] == "00Q8d00000L07AAAA7"
    assert deals.loc["0068d00000O07AAAA7", "stage_as_of"] == "discovery"
    assert pd.isna(deals.loc["0068d00000O07AAAA7", "amount"])
    # Google's Performance Max campaign has campaign-level spend only; Meta's spend is in EUR
    spend = salesforce.query("select * from marts.fct_marketing_spend_daily")
    pmax = spend[spend["campaign_id"] == "google_ads:113"]
    assert len(pmax) and pmax["ad_id"].isna().all() and set(pmax["channel_id"]) == {"paid_search"}
    assert set(spend.loc[spend["campaign_id"] == "facebook_ads:5001", "currency"]) == {"EUR"}
    campaigns = salesforce.query("select * from marts.dim_campaigns").set_index("campaign_id")
    assert campaigns.loc["google_ads:112", "channel_id"] == "display"  # utm_medium display in its final URL
    assert campaigns.loc["google_ads:111", "campaign_name"] == "Search - Generic"  # the latest version
    assert campaigns.loc["facebook_ads:5001", "utm_campaign"] == "fb_leadgen"  # JSON url tags
    # a touch of a contact converted from a lead belongs to that lead
    touches = salesforce.query("select * from marts.fct_touchpoints").set_index("touchpoint_id")
    assert touches.loc["00v8d00000M03AAAA3", "lead_id"] == "00Q8d00000L01AAAA1"
    assert "00v8d00000M04AAAA4" not in touches.index  # did not respond


def test_hubspot_cases(hubspot: Build) -> None:
    require(hubspot)
    deals = hubspot.query("select * from marts.fct_opportunities").set_index("opportunity_id")
    assert deals.loc["9001", "lead_id"] == "201"  # a deal with two contacts: the first created
    assert deals.loc["9003", "lead_id"] == "205"  # associated with a merged-away contact
    assert deals.loc["9003", "was_reopened"] and deals.loc["9003", "close_count"] == 2
    assert deals.loc["9004", "stage_as_of"] == "discovery"  # a custom stage, by its probability (0.3)
    assert "9006" not in deals.index and "9005" not in deals.index
    leads = hubspot.query("select * from marts.fct_leads").set_index("lead_id")
    assert "204" not in leads.index and "206" not in leads.index
    assert leads.loc["203", "is_mql_inferred"]  # no MQL date: inferred at SQL
    assert leads.loc["208", "campaign_id"] == "CMP-EVT"  # the contract's own campaign
    touches = hubspot.query("select * from marts.fct_touchpoints").set_index("touchpoint_id")
    assert touches.loc["form:c-0004", "lead_id"] == "205"  # the merged contact's form submission
    assert "first_conversion:201" not in touches.index  # the same moment as a form submission
    assert touches.loc["first_conversion:203", "touch_type"] == "content_download"
    assert touches.loc["form:c-0002", "touch_type"] == "webinar"
    reps = hubspot.query("select * from marts.dim_sales_reps").set_index("rep_id")
    assert reps.loc["101", "role"] == "manager" and not reps.loc["103", "is_active"]


# ---------------------------------------------------------------- variants


def test_salesforce_history_mode_owner_at_close(salesforce_history_mode: Build) -> None:
    require(salesforce_history_mode)
    expected = ref.expected_win_rate(ref.salesforce_funnel(["google_ads", "facebook_ads"], "history_mode"))
    assert assert_mart(salesforce_history_mode, "kpi_win_rate", expected)
    assert_mart(salesforce_history_mode, "kpi_revenue",
                ref.expected_revenue(ref.salesforce_funnel(["google_ads", "facebook_ads"], "history_mode")))
    # the owner of the closing version (Nina), not the current owner (Erik)
    deal = salesforce_history_mode.query(
        "select owner_rep_id_at_close, current_owner_rep_id from marts.fct_opportunities "
        "where opportunity_id = '0068d00000O05AAAA5'")
    assert deal.iloc[0].tolist() == ["0058d000001AAAaAA3", "0058d000001AAAaAA2"]


def test_hubspot_property_history(hubspot_property_history: Build) -> None:
    require(hubspot_property_history)
    funnel = ref.hubspot_funnel(["linkedin_ads", "contract"], "property_history", pipelines=["default"])
    assert_mart(hubspot_property_history, "kpi_mqls", ref.expected_mqls(funnel))
    assert_mart(hubspot_property_history, "kpi_sqls", ref.expected_sqls(funnel))
    leads = hubspot_property_history.query("select * from marts.fct_leads").set_index("lead_id")
    assert leads.loc["202", "current_status"] == "disqualified"
    assert pd.isna(leads.loc["207", "mql_at"])  # an MQL date property but no history row: not an MQL here
    excluded = hubspot_property_history.query("select * from intermediate.int_hubspot__excluded_records")
    assert (excluded["vendor_table"] == "contact_property_history").sum() == 2  # the customer stages


# ---------------------------------------------------------------- PostgreSQL


POSTGRES_MARTS = ("kpi_cost_per_lead", "kpi_mqls", "kpi_sqls", "kpi_win_rate", "kpi_revenue", "kpi_cac",
                  "kpi_customer_retention", "kpi_marketing_roi")


def test_salesforce_on_postgres(salesforce_pg: Build, salesforce_ref: ref.Funnel) -> None:
    require(salesforce_pg)
    statuses = {r["status"] for r in salesforce_pg.results}
    assert statuses <= {"success", "pass", "warn", "no-op"}, statuses
    for mart, expected in KPIS.items():
        assert_mart(salesforce_pg, mart, expected(salesforce_ref))


def test_postgres_marts_equal_duckdb(salesforce_pg: Build, salesforce: Build) -> None:
    require(salesforce_pg)
    require(salesforce)
    for mart in POSTGRES_MARTS:
        key = ["period_month", "dimension_type", "dimension_value"] + (
            ["attribution_model"] if mart == "kpi_marketing_roi" else [])
        duck = salesforce.query(f"select * from marts.{mart}").sort_values(key).reset_index(drop=True)
        pg = salesforce_pg.query(f"select * from marts.{mart}").sort_values(key).reset_index(drop=True)
        assert list(duck.columns) == list(pg.columns), mart
        assert len(duck) == len(pg), mart
        for column in duck.columns:
            pairs = zip([_comparable(v) for v in duck[column]], [_comparable(v) for v in pg[column]])
            for index, (a, b) in enumerate(pairs):
                label = f"{mart}[{index}].{column}"
                if isinstance(a, float) or isinstance(b, float):
                    assert (a is None) == (b is None), (label, a, b)
                    if a is not None:
                        assert abs(a - b) <= 1e-6 * max(1.0, abs(a)), (label, a, b)
                else:
                    assert a == b, (label, a, b)


# ---------------------------------------------------------------- vendor quirks: checked before summed, orphans listed


def _edited_fixtures(work: Path, vendors: tuple[str, ...], edit: Any) -> list[Any]:
    """The vendors' fixture tables copied into `work` and changed by edit(schema, table, rows, header)."""
    import csv as csv_module

    from vendor_fixtures import FixtureTable

    tables = []
    for table in fixture_tables(*vendors):
        with table.path.open(newline="", encoding="utf-8") as handle:
            reader = csv_module.DictReader(handle)
            header, rows = list(reader.fieldnames or []), list(reader)
        rows = edit(table.schema, table.name, rows) or rows
        path = work / "fixtures" / table.schema / f"{table.name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv_module.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
        tables.append(FixtureTable(table.schema, table.name, path))
    return tables


def test_vendor_values_are_checked_before_they_are_summed(tmp_path: Path) -> None:
    """Vendor rows as loaders sync them, quirks included, are mapped, listed as excluded or quarantined, never
    summed away or silently defaulted (issue 22, cases 3 and 4):
      - a Google Ads ad-day whose device segments hold a negative cost (which would net the others) and one
        with an unparseable cost (which a sum would drop) are quarantined with the rule a lone row gets;
      - an empty CurrencyIsoCode in a multi-currency org is not the default currency: the deal (it has an
        amount) is quarantined as missing_value;
      - a lead without company, country and number of employees is unknown / unknown / unknown, the contract's
        default (issue 23: one default on every path);
      - a LeadHistory and an OpportunityHistory row whose lead / opportunity is not in Lead / Opportunity
        (purged or hard-deleted) are listed in int_salesforce__excluded_records, not joined away."""
    negative_day, text_day = ("311", "2025-01-01"), ("312", "2025-01-01")
    no_currency = "0068d00000O02AAAA2"
    unknown_lead = "00Q8d00000L06AAAA6"

    def edit(schema: str, name: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        if (schema, name) == ("google_ads", "ad_stats"):
            for ad_id, day, cost in ((*negative_day, "-35500000"), (*text_day, "12,5")):
                template = next(r for r in rows if r["ad_id"] == ad_id and r["date"] == day)
                rows.append(dict(template, _fivetran_id=template["_fivetran_id"] + "x", device="TABLET",
                                 cost_micros=cost))
        if (schema, name) == ("salesforce", "opportunity"):
            next(r for r in rows if r["id"] == no_currency)["currency_iso_code"] = ""
        if (schema, name) == ("salesforce", "lead"):
            unknown = next(r for r in rows if r["id"] == unknown_lead)
            unknown.update(company="", country_code="", country="", number_of_employees="")
        if (schema, name) == ("salesforce", "lead_history"):
            rows.append(dict(rows[1], id="0178d00000HPURGED", lead_id="00Q8d00000LPURGED"))
        if (schema, name) == ("salesforce", "opportunity_history"):
            rows.append(dict(rows[1], id="0088d00000SPURGED", opportunity_id="0068d00000OPURGED"))
        return rows

    db = tmp_path / "warehouse.duckdb"
    load_duckdb(db, _edited_fixtures(tmp_path, ("salesforce", "google_ads", "facebook_ads"), edit))
    dbt_vars = {**SALESFORCE_VARS, "quarantine_threshold": 0.5}
    # the contract layer only (models and seeds, no tests): the quarantine and the excluded records
    proc = _dbt(["build", "--vars", json.dumps(dbt_vars), "--select", "+quarantined_rows",
                 "+int_salesforce__excluded_records", "--exclude-resource-type", "test", "unit_test"],
                tmp_path, _env(tmp_path, "duckdb", db=db))
    build = Build("vendor_quirks", dbt_vars, tmp_path, proc, db=db)
    require(build)
    quarantined = {
        (r.raw_table, r.row_key): (r.rule_name, r.column_name)
        for r in build.query("select raw_table, row_key, rule_name, column_name from quarantine.quarantined_rows")
        .itertuples(index=False)
    }
    assert quarantined.get(("ads_spend_daily", "spend_id=google_ads:211~311:2025-01-01")) == (
        "negative_value", "spend_amount"), quarantined
    assert quarantined.get(("ads_spend_daily", "spend_id=google_ads:211~312:2025-01-01")) == (
        "unparseable_value", "spend_amount"), quarantined
    assert quarantined.get(("crm_opportunities", f"opportunity_id={no_currency}")) == (
        "missing_value", "currency"), quarantined
    excluded = build.query("select vendor_table, record_id, reason from intermediate.int_salesforce__excluded_records")
    reasons = {(r.vendor_table, r.record_id): r.reason for r in excluded.itertuples(index=False)}
    assert "not in Lead" in reasons.get(("lead_history", "0178d00000HPURGED"), ""), reasons
    assert "not in Opportunity" in reasons.get(("opportunity_history", "0088d00000SPURGED"), ""), reasons
    # one default for an unknown company, country and segment on every path: the contract's (issue 23)
    lead = build.query("select typed__company_name, typed__country, typed__segment from staging.base_crm__leads "
                       f"where lead_id = '{unknown_lead}'")
    assert lead.values.tolist() == [["unknown", "unknown", "unknown"]], lead


def test_a_contact_merged_twice_does_not_fan_out(tmp_path: Path) -> None:
    """HubSpot's merge audit can list a merged-away contact twice (issue 22, case 10): contact 204, merged into
    205, is listed again when 203 absorbs it later. Its deal and touches follow its latest merge once, not once
    per audit row (which made duplicate keys); and a billing customer keyed by the merged-away id is quarantined
    as an unknown lead with the merge named in its message."""

    def edit(schema: str, name: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        if (schema, name) == ("hubspot", "contact_merge_audit"):
            rows.append(dict(rows[0], contact_id="203", canonical_vid="203", vid_to_merge="204",
                             timestamp="2025-04-01 09:00:00", entity_id="203"))
        if (schema, name) == ("raw", "billing_customers"):
            rows.append(dict(rows[0], customer_id="cus_MergedAway", lead_id="204", opportunity_id="9003",
                             company_name="Merged Away Ltd"))
        return rows

    db = tmp_path / "warehouse.duckdb"
    load_duckdb(db, _edited_fixtures(tmp_path, ("hubspot", "linkedin_ads"), edit))
    proc = _dbt(["build", "--vars", json.dumps(HUBSPOT_VARS), "--select", "+quarantined_rows",
                 "+int_hubspot__excluded_records", "--exclude-resource-type", "test", "unit_test"],
                tmp_path, _env(tmp_path, "duckdb", db=db))
    build = Build("hubspot_merges", HUBSPOT_VARS, tmp_path, proc, db=db)
    require(build)
    quarantined = build.query("select raw_table, row_key, rule_name, message from quarantine.quarantined_rows")
    assert not quarantined["rule_name"].isin(["duplicate_key", "duplicate_row"]).any(), quarantined
    merged = quarantined[quarantined["row_key"] == "customer_id=cus_MergedAway"]
    assert merged["rule_name"].tolist() == ["unknown_reference"], quarantined
    assert "merged into contact 203" in merged["message"].iloc[0], merged["message"].iloc[0]
    deal = build.query("select lead_id from intermediate.int_hubspot__crm_opportunities where opportunity_id = '9003'")
    assert deal["lead_id"].tolist() == ["203"], deal


# ---------------------------------------------------------------- every vendor table reconciles


def _reconcile(build: Build, excluded_model: str, vendor_table: str, in_scope: set[str], base_model: str,
               key: str) -> list[str]:
    """Problems with the reconciliation of one vendor table: its rows in scope (ids computed from the fixture
    CSVs) = rows mapped into the contract's raw table (the base model holds every raw row, clean or quarantined)
    + rows listed as excluded, with no row in both and nothing else."""
    base = set(build.query(f"select {key} as k from staging.{base_model}")["k"].astype(str))
    excluded = set(build.query(
        f"select record_id from intermediate.{excluded_model} where vendor_table = '{vendor_table}'"
    )["record_id"].astype(str))
    mapped = base & in_scope
    problems = []
    if mapped & excluded:
        problems.append(f"{vendor_table}: mapped and also listed as excluded: {sorted(mapped & excluded)}")
    if in_scope - mapped - excluded:
        problems.append(f"{vendor_table}: neither mapped nor listed: {sorted(in_scope - mapped - excluded)}")
    if excluded - in_scope:
        problems.append(f"{vendor_table}: listed but not a row of the table: {sorted(excluded - in_scope)}")
    return problems


def test_every_salesforce_table_reconciles(salesforce: Build) -> None:
    """Per vendor table, like raw = clean + quarantined: Salesforce's rows = rows mapped (clean or quarantined)
    + rows listed in int_salesforce__excluded_records. In scope: every row of Lead, Opportunity, User and
    OpportunityHistory, the Status rows of LeadHistory (its other fields are no lifecycle), the responses of
    CampaignMember (a member who never responded is no touch)."""
    require(salesforce)
    read = lambda name: ref.read("salesforce", "salesforce", name)  # noqa: E731
    history = read("lead_history")
    members = read("campaign_member")
    cases = [
        ("lead", set(read("lead")["id"]), "base_crm__leads", "lead_id"),
        ("opportunity", set(read("opportunity")["id"]), "base_crm__opportunities", "opportunity_id"),
        ("user", set(read("user")["id"]), "base_crm__sales_reps", "rep_id"),
        ("lead_history", set(history.loc[history["field"].eq("Status"), "id"]),
         "base_crm__lead_status_history", "status_event_id"),
        ("opportunity_history", set(read("opportunity_history")["id"]),
         "base_crm__opportunity_stage_history", "stage_event_id"),
        ("campaign_member", set(members.loc[members["has_responded"].map(ref.is_true), "id"]),
         "base_marketing__touchpoints", "touchpoint_id"),
    ]
    problems = [p for table, ids, base, key in cases
                for p in _reconcile(salesforce, "int_salesforce__excluded_records", table, ids, base, key)]
    assert not problems, "\n".join(problems)


def test_every_hubspot_table_reconciles(hubspot: Build) -> None:
    """The same for HubSpot: every contact and every deal is mapped (clean or quarantined) or listed in
    int_hubspot__excluded_records."""
    require(hubspot)
    cases = [
        ("contact", set(ref.read("hubspot", "hubspot", "contact")["id"].astype(str)), "base_crm__leads", "lead_id"),
        ("deal", set(ref.read("hubspot", "hubspot", "deal")["deal_id"].astype(str)), "base_crm__opportunities",
         "opportunity_id"),
    ]
    problems = [p for table, ids, base, key in cases
                for p in _reconcile(hubspot, "int_hubspot__excluded_records", table, ids, base, key)]
    assert not problems, "\n".join(problems)


def _spend_ids(build: Build) -> set[str]:
    return set(build.query("select spend_id from staging.base_ads__spend_daily")["spend_id"].astype(str))


def test_every_ad_platform_stats_row_reconciles(salesforce: Build, hubspot: Build) -> None:
    """The ad platforms' stats rows are summed into one row per ad and day (Google's device and network
    segments, one row per report row of Meta and LinkedIn): every stats row lands in exactly the spend row of
    its ad and day (clean or quarantined), and a Google campaign day is taken from campaign_stats exactly when
    no ad of the campaign has stats that day (never both, never neither)."""
    require(salesforce)
    require(hubspot)
    day = lambda value: str(value)[:10]  # noqa: E731
    google = ref.read("google_ads", "google_ads", "ad_stats")
    google_ids = {f"google_ads:{r.ad_group_id}~{r.ad_id}:{day(r.date)}" for r in google.itertuples(index=False)}
    with_ads = {(str(r.campaign_id), day(r.date)) for r in google.itertuples(index=False)}
    campaigns = ref.read("google_ads", "google_ads", "campaign_stats")
    campaign_ids = {f"google_ads:campaign~{r.id}:{day(r.date)}" for r in campaigns.itertuples(index=False)
                    if (str(r.id), day(r.date)) not in with_ads}
    meta = ref.read("facebook_ads", "facebook_ads", "basic_ad")
    meta_ids = {f"facebook_ads:{r.ad_id}:{day(r.date)}" for r in meta.itertuples(index=False)}
    spend = _spend_ids(salesforce)
    assert {i for i in spend if i.startswith("google_ads:")} == google_ids | campaign_ids
    assert {i for i in spend if i.startswith("facebook_ads:")} == meta_ids
    linkedin = ref.read("linkedin_ads", "linkedin_ads", "ad_analytics_by_creative")
    linkedin_ids = {f"linkedin_ads:{r.creative_id}:{day(r.day)}" for r in linkedin.itertuples(index=False)}
    assert {i for i in _spend_ids(hubspot) if i.startswith("linkedin_ads:")} == linkedin_ids
