"""The lineage (issue 25): no date hub, no mart upstream of a source system it does not read, paths of at most
10 hops, and the generated lineage of docs/architecture.md current (scripts/lineage.py).

Reads the manifest of the demo build scripts/test.sh made (conftest.demo_manifest; default vars: the contract's
own tables, no vendor adapter).
"""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from lineage import BEGIN, END, Lineage, figures, generated_block  # noqa: E402

ARCHITECTURE = PROJECT_DIR / "docs" / "architecture.md"
# the marts over subscriptions or costs, and the scorecard that reads them: the only marts that may have billing
# or finance costs upstream (dim_date spans every system's dates)
MONEY_MARTS = {"dim_date", "fct_customers", "fct_customer_months", "kpi_mrr", "kpi_customer_retention",
               "kpi_retention_cohorts", "kpi_cac", "kpi_scorecard"}
# the first layer of the activity tables: every mart has these upstream (the default as-of date is the latest
# date of the activity data); no checked, staging or mart model of spend is upstream of a mart that reads no spend
SPEND_MARTS = {"fct_marketing_spend_daily", "kpi_cost_per_lead", "kpi_cost_per_opportunity", "kpi_marketing_roi",
               "kpi_attributed_acquisition", "kpi_cac", "kpi_scorecard", "dim_date"}


def _by_name(lineage: Lineage) -> dict[str, str]:
    return {lineage.name(uid): uid for uid in list(lineage.nodes) + list(lineage.sources)}


def test_the_generated_lineage_in_architecture_md_is_current(demo_manifest: dict) -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    committed = text[text.index(BEGIN):text.index(END) + len(END)]
    assert committed == generated_block(Lineage(demo_manifest)), (
        "docs/architecture.md's lineage is out of date: python scripts/lineage.py target/manifest.json "
        "--write docs/architecture.md")


def test_no_source_to_mart_path_is_longer_than_10_hops(demo_manifest: dict) -> None:
    facts = figures(Lineage(demo_manifest))
    assert facts["longest_path_to_marts_hops"] <= 10, " -> ".join(facts["longest_path_to_marts"])


def test_only_the_money_marts_have_billing_or_finance_costs_upstream(demo_manifest: dict) -> None:
    lineage = Lineage(demo_manifest)
    wrong = {}
    for uid in lineage.marts():
        if lineage.name(uid) in MONEY_MARTS:
            continue
        upstream = {lineage.name(a) for a in lineage.ancestors(uid)}
        bad = sorted(name for name in upstream if "billing" in name or "subscription" in name
                     or "finance__costs" in name or name.startswith(("finance.finance_costs", "int_finance_costs")))
        if bad:
            wrong[lineage.name(uid)] = bad
    assert not wrong, wrong


def test_no_spend_model_but_its_first_layer_upstream_of_a_mart_without_spend(demo_manifest: dict) -> None:
    lineage = Lineage(demo_manifest)
    wrong = {}
    for uid in lineage.marts():
        if lineage.name(uid) in SPEND_MARTS:
            continue
        upstream = {lineage.name(a) for a in lineage.ancestors(uid) if a in lineage.nodes}
        bad = sorted(name for name in upstream if "spend" in name and name != "base_ads__spend_daily")
        if bad:
            wrong[lineage.name(uid)] = bad
    assert not wrong, wrong
    mqls = {lineage.name(a) for a in lineage.ancestors(_by_name(lineage)["kpi_mqls"])}
    assert "base_ads__spend_daily" in mqls and "int_as_of_date" in mqls  # the as-of date: the test can fail


def test_the_as_of_date_reads_only_the_activity_tables_first_layer(demo_manifest: dict) -> None:
    lineage = Lineage(demo_manifest)
    as_of = _by_name(lineage)["int_as_of_date"]
    models = sorted(lineage.name(a) for a in lineage.ancestors(as_of) if a in lineage.nodes)
    assert models == ["base_ads__spend_daily", "base_crm__lead_status_history", "base_crm__leads",
                      "base_crm__opportunities", "base_crm__opportunity_stage_history",
                      "base_marketing__touchpoints", "int_activity_dates"]


def _node(name: str, *parents: str, path: str = "models/marts/core/x.sql") -> tuple[str, dict]:
    return f"model.p.{name}", {"resource_type": "model", "name": name, "config": {"enabled": True},
                               "original_file_path": path, "depends_on": {"nodes": list(parents)}}


def test_the_longest_path_counts_hops_from_a_source() -> None:
    manifest = {
        "sources": {"source.p.raw.t": {"source_name": "raw", "name": "t"}},
        "nodes": dict([
            _node("base_t", "source.p.raw.t", path="models/staging/raw/base/base_t.sql"),
            _node("stg_t", "model.p.base_t", path="models/staging/raw/stg_t.sql"),
            _node("fct_t", "model.p.stg_t"),
            _node("kpi_t", "model.p.fct_t", "model.p.base_t"),
            _node("orphan"),
        ]),
    }
    facts = figures(Lineage(manifest))
    assert facts["longest_path_to_marts_hops"] == 4
    assert facts["longest_path_to_marts"] == ["raw.t", "base_t", "stg_t", "fct_t", "kpi_t"]
    assert facts["models_per_layer"] == {"marts": 3, "staging": 1, "staging/base": 1}
    assert facts["marts"]["kpi_t"]["tables"] == {"raw": ["t"]}


def test_every_relation_name_fits_postgresql(demo_manifest: dict) -> None:
    """PostgreSQL cuts identifiers at 63 bytes: a model's name with dbt's longest suffix (__dbt_backup) and a
    unit test's name (the relation of its expected rows) must fit, the vendor adapters' disabled models included."""
    nodes = list(demo_manifest["nodes"].values())
    nodes += [node for versions in demo_manifest.get("disabled", {}).values() for node in versions]
    too_long = sorted(node["name"] for node in nodes if node["resource_type"] in ("model", "seed", "snapshot")
                      and len((node["name"] + "__dbt_backup").encode()) > 63)
    too_long += sorted(test["name"] for test in demo_manifest.get("unit_tests", {}).values()
                       if len(test["name"].encode()) > 63)
    assert not too_long, too_long
