"""The semantic layer (MetricFlow) gives the KPI marts' numbers, on the demo warehouse (DuckDB).

Every metric of models/semantic/_metrics__*.yml is queried in-process through
MetricFlow's engine (kpi_pipeline.semantic_layer: MetricFlow plans and renders
the SQL, a read-only DuckDB connection runs it, so the shared demo warehouse
is never written) and compared with the KPI marts, which are themselves tested
against numbers computed from the raw CSVs (test_kpi_*.py). The checks and the
comparison rules are in semantic_checks.py; the PostgreSQL subset runs in
test_postgres.py on that module's PostgreSQL build.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from semantic_checks import ATTRIBUTION_MODELS, Check, compare, duckdb_checks, mart_rows, metricflow_rows, same

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from kpi_pipeline.semantic_layer import SemanticLayer  # noqa: E402

SEMANTIC_DIR = PROJECT_DIR / "models" / "semantic"
CHECKS = duckdb_checks()


def semantic_manifest_for(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The semantic manifest of the build that made `warehouse`.

    scripts/test.sh passes its target path in KPI_TEST_DEMO_TARGET; the conftest build leaves it beside the
    warehouse (<work>/target); otherwise `dbt parse` writes one (parsing does not touch the warehouse).
    """
    candidates = [os.environ.get("KPI_TEST_DEMO_TARGET"), str(warehouse.parent / "target")]
    for candidate in candidates:
        if candidate and (Path(candidate) / "semantic_manifest.json").is_file():
            return Path(candidate) / "semantic_manifest.json"
    work = tmp_path_factory.mktemp("semantic_parse")
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false", DBT_PROFILES_DIR=str(PROJECT_DIR),
               KPI_PROJECT_DIR=str(PROJECT_DIR), KPI_DUCKDB_PATH=str(warehouse), KPI_TARGET="duckdb")
    dbt = Path(sys.executable).with_name("dbt")
    proc = subprocess.run(
        [str(dbt), "parse", "--quiet", "--project-dir", str(PROJECT_DIR), "--target-path", str(work / "target"),
         "--log-path", str(work / "logs")],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return work / "target" / "semantic_manifest.json"


@pytest.fixture(scope="module")
def semantic_manifest(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return semantic_manifest_for(demo_warehouse, tmp_path_factory)


@pytest.fixture(scope="module")
def layer(semantic_manifest: Path, demo_warehouse: Path) -> Iterator[SemanticLayer]:
    with SemanticLayer.for_duckdb(semantic_manifest, demo_warehouse) as sl:
        yield sl


@pytest.fixture(scope="module")
def mart_fetch(demo_warehouse: Path) -> Iterator:
    con = duckdb.connect(str(demo_warehouse), read_only=True)

    def fetch(sql: str) -> tuple[list[str], list[tuple]]:
        cursor = con.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()

    yield fetch
    con.close()


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_metric_equals_the_mart(check: Check, layer: SemanticLayer, mart_fetch) -> None:
    outcome = compare(check, metricflow_rows(layer, check), mart_rows(mart_fetch, check))
    assert not outcome.problems, (
        f"{check.name}: {len(outcome.problems)} difference(s) over {outcome.matched} matched rows "
        f"({outcome.mart_rows} mart, {outcome.metricflow_rows} MetricFlow):\n" + "\n".join(outcome.problems[:15])
    )


def _metrics_in_yaml() -> set[str]:
    import yaml

    names: set[str] = set()
    for path in SEMANTIC_DIR.glob("_metrics__*.yml"):
        names |= {metric["name"] for metric in yaml.safe_load(path.read_text())["metrics"]}
    return names


def test_every_metric_has_a_label_and_a_description_and_is_checked(semantic_manifest: Path) -> None:
    import json

    metrics = json.loads(semantic_manifest.read_text())["metrics"]
    defined = {metric["name"] for metric in metrics}
    assert defined == _metrics_in_yaml()
    for metric in metrics:
        assert metric.get("label") and len(metric.get("description") or "") > 20, metric["name"]
    checked = {metric for check in CHECKS for metric in check.metrics}
    # parts that are KPIs' numerators / denominators and are compared through the KPI that uses them
    compared_elsewhere = {"paid_media_spend", "pipeline_amount", "funnel_stage_events"} - checked
    assert defined - checked <= compared_elsewhere, f"metrics no check compares with a mart: {defined - checked}"


def test_pipeline_amount_equals_the_opportunities_mart(layer: SemanticLayer, mart_fetch) -> None:
    result = layer.query(["pipeline_amount"], ["metric_time__month", "channel"])
    _, rows = mart_fetch(
        "select created_month, channel_id, sum(amount_reporting_at_created) from marts.fct_opportunities "
        "group by 1, 2"
    )
    expected = {(month, channel): total for month, channel, total in rows}
    got = {(r["metric_time__month"].date(), r["channel"]): r["pipeline_amount"] for r in result.rows if r["pipeline_amount"]}
    assert got.keys() == {k for k, v in expected.items() if v}
    assert all(same(got[k], expected[k]) for k in got)


def test_windowed_conversions_are_not_the_unbounded_ones(layer: SemanticLayer) -> None:
    """The window matters on the demo data, so the windowed checks can tell a window from none."""
    total = layer.query(["mql_to_sql_rate_30d", "mql_to_sql_conversion_rate"], []).rows[0]
    assert total["mql_to_sql_rate_30d"] < total["mql_to_sql_conversion_rate"]


def test_attribution_models_give_different_channel_revenue(layer: SemanticLayer) -> None:
    """One ROI metric per model, and the models do differ by channel (the filters are not all the same)."""
    metrics = [f"attributed_revenue_{model}" for model in ATTRIBUTION_MODELS]
    rows = layer.query(metrics, ["channel"]).rows
    by_model = {m: tuple(round(r[m] or 0, 2) for r in sorted(rows, key=lambda r: str(r["channel"]))) for m in metrics}
    assert len(set(by_model.values())) == len(metrics)
    totals = layer.query(metrics, []).rows[0]
    assert all(same(totals[m], totals[metrics[0]]) for m in metrics)  # every model credits all the revenue


def test_readme_query_by_quarter_and_channel(layer: SemanticLayer, mart_fetch) -> None:
    """The README's example: cost per lead by calendar quarter and channel, from summed monthly parts."""
    rows = layer.query(["cost_per_lead"], ["metric_time__quarter", "channel"]).rows
    _, mart = mart_fetch(
        "select cast(date_trunc('quarter', period_month) as date), dimension_value, "
        "sum(marketing_spend) / nullif(sum(new_leads), 0) from marts.kpi_cost_per_lead "
        "where dimension_type = 'channel' group by 1, 2"
    )
    expected = {(quarter, channel): value for quarter, channel, value in mart}
    got = {(r["metric_time__quarter"].date(), r["channel"]): r["cost_per_lead"] for r in rows}
    assert got.keys() == expected.keys()
    assert all(same(got[k], expected[k]) for k in got)


def test_the_comparison_notices_differences() -> None:
    check = Check("probe", metrics={"m": "m"}, group_by="channel")
    import datetime as dt
    import decimal

    month = dt.date(2025, 1, 1)
    mart = {(month, "a"): {"m": decimal.Decimal("0.2500000000")}, (month, "b"): {"m": None},
            (month, "c"): {"m": decimal.Decimal("0")}}
    good = [{"metric_time__month": dt.datetime(2025, 1, 1), "channel": "a", "m": 0.25},
            {"metric_time__month": dt.datetime(2025, 1, 1), "channel": "b", "m": None}]
    assert not compare(check, good, mart).problems
    wrong_value = [dict(good[0], m=0.2501), good[1]]
    zero_not_null = [good[0], dict(good[1], m=0.0)]
    extra_row = good + [{"metric_time__month": dt.datetime(2025, 1, 1), "channel": "x", "m": 3.0}]
    missing_row = [good[1]]
    for bad in (wrong_value, zero_not_null, extra_row, missing_row):
        assert compare(check, bad, mart).problems
    assert compare(Check("probe", metrics={"m": "m"}, group_by="channel", expect_null=("m",)),
                   [good[0]], {(month, "a"): mart[(month, "a")]}).problems


def test_a_mart_of_optional_input_may_be_empty() -> None:
    """fct_kpi_targets says `meta: may_be_empty` (no targets is a supported load); other marts must have rows."""
    from kpi_pipeline.artifacts import Mart
    from kpi_pipeline.quality.suites import ColumnInfo, mart_suite

    def suite(meta: dict) -> list[str]:
        mart = Mart(unique_id="model.p.m", name="m", schema="marts", alias="m", path="models/semantic/m.sql",
                    family="marts", columns=("k",), meta=meta, grain=("k",))
        columns = {"k": ColumnInfo(name="k", data_type="varchar", meta={})}
        return [type(e).__name__ for e in mart_suite(mart, columns).expectations]

    assert "ExpectTableRowCountToBeBetween" in suite({})
    assert "ExpectTableRowCountToBeBetween" not in suite({"may_be_empty": True})
