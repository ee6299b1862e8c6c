"""The project installed as a dbt package (issue 28): integration_tests/ is a host project that installs it with
`local:` and seeds the demo data into its own source schema; its `dbt deps`, `dbt seed`, `dbt build` must pass
and its KPI marts must equal the root project's build of the same data (the demo warehouse). A second host
adds a model of its own and its own generate_schema_name: both build, each model in the schema the host's
macro names. On DuckDB, and on PostgreSQL (a throwaway cluster, compared with the root's DuckDB build within
test_postgres' tolerances); each run in a copy of the folder (links resolved), the package at this checkout.
The areas (macros/config/areas.sql): each var disables exactly its area's nodes; a host with every area off
builds the rest equal to the root build; a host with a semantic layer of its own builds with the package's
defaults; a host switches the vendor adapters on under the package's name."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import psycopg2
import pytest
import yaml

from kpi_pipeline.pgcluster import ClusterSettings, throwaway_cluster
from test_postgres import _compare_table

PROJECT_DIR = Path(__file__).resolve().parents[2]
HOST_DIR = PROJECT_DIR / "integration_tests"
DBT = str(Path(sys.executable).with_name("dbt"))
# what the host's schemas are called under dbt's default generate_schema_name (target schema "main")
HOST_SCHEMAS = {"main_kpi_raw", "main_staging", "main_intermediate", "main_marts", "main_quarantine",
                "main_reference", "main_ops"}
ROOT_SCHEMAS = {"raw", "staging", "intermediate", "marts", "quarantine", "reference", "ops"}


def _host_copy(dest: Path) -> Path:
    """integration_tests/ copied to dest with its seed links resolved, installing the package from this checkout."""
    shutil.copytree(HOST_DIR, dest, symlinks=False,
                    ignore=shutil.ignore_patterns("target", "dbt_packages", "logs", "*.duckdb*", "package-lock.yml"))
    packages = yaml.safe_load((dest / "packages.yml").read_text())
    assert packages == {"packages": [{"local": "../"}]}, packages
    (dest / "packages.yml").write_text(yaml.safe_dump({"packages": [{"local": str(PROJECT_DIR)}]}))
    return dest


def _dbt(host: Path, *args: str, pg: ClusterSettings | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPI_", "DBT_"))}
    env.update(DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false", KPI_TARGET="pg" if pg else "duckdb",
               KPI_DUCKDB_PATH=str(host / "host.duckdb"), **(pg.env() if pg else {}))
    return subprocess.run([DBT, *args, "--project-dir", str(host), "--profiles-dir", str(host)], cwd=host, env=env,
                          capture_output=True, text=True, timeout=1200, check=False)


def _build(host: Path, *build_args: str, pg: ClusterSettings | None = None) -> subprocess.CompletedProcess:
    for args in (("deps",), ("seed",), ("build", *build_args)):
        result = _dbt(host, *args, pg=pg)
        assert result.returncode == 0, f"dbt {args[0]}:\n{result.stdout[-5000:]}\n{result.stderr[-2000:]}"
    return result


def _schemas(db: Path) -> dict[str, set[str]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute("select table_schema, table_name from information_schema.tables "
                            "where table_catalog = current_database()").fetchall()
    out: dict[str, set[str]] = {}
    for schema, name in rows:
        out.setdefault(schema, set()).add(name)
    return out


@pytest.fixture(scope="module")
def host_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    host = _host_copy(tmp_path_factory.mktemp("host") / "integration_tests")
    return host, _build(host)


def test_the_host_builds_the_package_in_its_own_schemas(host_build) -> None:
    host, result = host_build
    assert "Completed successfully" in result.stdout and "ERROR=0" in result.stdout, result.stdout[-3000:]
    schemas = _schemas(host / "host.duckdb")
    assert set(schemas) == HOST_SCHEMAS, sorted(schemas)
    assert not ROOT_SCHEMAS & set(schemas)  # the package's own names are the root project's only
    assert {"kpi_mrr", "kpi_scorecard", "fct_attribution_credit"} <= schemas["main_marts"]
    assert schemas["main_ops"] == {"refresh_windows"}


def test_the_host_marts_equal_the_root_projects_build(host_build, demo_warehouse: Path) -> None:
    host, _ = host_build
    con = duckdb.connect()
    try:
        con.execute(f"attach '{host / 'host.duckdb'}' as host (read_only)")
        con.execute(f"attach '{demo_warehouse}' as root (read_only)")
        marts = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                           "where table_catalog = 'root' and table_schema = 'marts'").fetchall()]
        assert len(marts) > 30
        problems = []
        for name in marts:
            root, hosted = f'root.marts."{name}"', f'host.main_marts."{name}"'
            counts = [con.execute(f"select count(*) from (select * from {a} except all select * from {b})").fetchone()[0]
                      for a, b in ((root, hosted), (hosted, root))]
            rows = con.execute(f"select count(*) from {root}").fetchone()[0]
            if counts != [0, 0] or not rows and name.startswith("kpi_"):
                problems.append(f"{name}: {counts[0]} rows only in the root build, {counts[1]} only in the host's")
        assert not problems, "\n".join(problems)
    finally:
        con.close()


def test_a_host_with_its_own_model_and_schema_macro_keeps_its_schemas(tmp_path: Path) -> None:
    """The host's generate_schema_name names every schema, the package's included (dbt asks the root project
    first); the host's own model builds beside the package's. Only what the host model and kpi_mrr need is built.
    The host has a semantic layer of its own (a time spine, a metric named revenue, as the package's): with the
    package's defaults (its semantic layer off in a host) it parses and builds; the package's semantic layer
    on, MetricFlow would stop the parse (one time spine per granularity, metric names unique)."""
    host = _host_copy(tmp_path / "host")
    (host / "macros").mkdir()
    (host / "macros" / "generate_schema_name.sql").write_text(
        "{% macro generate_schema_name(custom_schema_name, node) -%}\n"
        "    {{ 'acme_' ~ (custom_schema_name or 'core') | trim }}\n"
        "{%- endmacro %}\n")
    (host / "models").mkdir()
    (host / "models" / "host_customers.sql").write_text(
        "{{ config(schema='analytics', materialized='table') }}\n"
        "select count(*) as months from {{ ref('fct_customer_months') }}\n")
    (host / "models" / "host_time_spine.sql").write_text(
        "{{ config(schema='analytics', materialized='table') }}\n"
        "select cast(day as date) as date_day from range(date '2024-01-01', date '2027-01-01', interval 1 day) as t(day)\n")
    (host / "models" / "host_orders.sql").write_text(
        "{{ config(schema='analytics', materialized='table') }}\n"
        "select 1 as order_id, cast('2024-01-01' as date) as ordered_at, 10.0 as amount\n")
    (host / "models" / "_host.yml").write_text(yaml.safe_dump({
        "version": 2,
        "models": [{"name": "host_time_spine", "time_spine": {"standard_granularity_column": "date_day"},
                    "columns": [{"name": "date_day", "granularity": "day"}]}],
        "semantic_models": [{
            "name": "orders", "model": "ref('host_orders')", "defaults": {"agg_time_dimension": "ordered_at"},
            "entities": [{"name": "order", "type": "primary", "expr": "order_id"}],
            "dimensions": [{"name": "ordered_at", "type": "time", "type_params": {"time_granularity": "day"}}],
            "measures": [{"name": "order_amount", "agg": "sum", "expr": "amount"}],
        }],
        "metrics": [{"name": "revenue", "label": "Revenue", "type": "simple",
                     "type_params": {"measure": "order_amount"}}],
    }, sort_keys=False))
    project = yaml.safe_load((host / "dbt_project.yml").read_text())
    project["vars"]["sales_marketing_kpis"]["raw_schema"] = "acme_kpi_raw"
    del project["vars"]["sales_marketing_kpis"]["semantic_layer_enabled"]  # the package's default in a host
    (host / "dbt_project.yml").write_text(yaml.safe_dump(project, sort_keys=False))
    _build(host, "--select", "+host_customers", "+kpi_mrr", "host_time_spine", "host_orders",
           "--indirect-selection", "cautious")
    listed = _dbt(host, "ls", "--resource-type", "metric", "--resource-type", "semantic_model", "--output", "name",
                  "--quiet")
    assert listed.returncode == 0 and set(listed.stdout.split()) == {"orders", "revenue"}, listed.stdout[-2000:]
    project["vars"]["sales_marketing_kpis"]["semantic_layer_enabled"] = True
    (host / "dbt_project.yml").write_text(yaml.safe_dump(project, sort_keys=False))
    clash = _dbt(host, "parse")
    assert clash.returncode != 0 and "Only one time spine is supported per granularity" in clash.stdout, \
        clash.stdout[-2000:]
    schemas = _schemas(host / "host.duckdb")
    assert "host_customers" in schemas["acme_analytics"]
    assert "kpi_mrr" in schemas["acme_marts"] and "fct_customer_months" in schemas["acme_marts"]
    assert all(s.startswith("acme_") for s in schemas), sorted(schemas)
    with duckdb.connect(str(host / "host.duckdb"), read_only=True) as conn:
        assert conn.execute("select months from acme_analytics.host_customers").fetchone()[0] > 0


def test_a_git_install_at_a_revision_resolves(tmp_path: Path) -> None:
    """packages.yml's other form: `git:` with a `revision:` (here this checkout's repository and its HEAD
    commit, through a file:// URL): `dbt deps` clones it and `dbt ls` finds the package's models and marts."""
    head = subprocess.run(["git", "-C", str(PROJECT_DIR), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    host = _host_copy(tmp_path / "host")
    (host / "packages.yml").write_text(yaml.safe_dump(
        {"packages": [{"git": f"file://{PROJECT_DIR}", "revision": head}]}))
    deps = _dbt(host, "deps")
    assert deps.returncode == 0, deps.stdout[-3000:]
    installed = host / "dbt_packages" / "sales_marketing_kpis"
    assert installed.is_dir() and not installed.is_symlink() and (installed / "dbt_project.yml").is_file()
    listed = _dbt(host, "ls", "--resource-type", "model", "--select", "package:sales_marketing_kpis",
                  "--output", "name", "--quiet")
    assert listed.returncode == 0, listed.stdout[-3000:]
    names = set(listed.stdout.split())
    assert {"kpi_mrr", "kpi_scorecard", "fct_attribution_credit", "int_customer_months"} <= names
    assert len(names) > 90


def test_the_host_seeds_are_the_demo_csvs_with_every_column_text() -> None:
    """integration_tests/seeds: one link per demo CSV, and the seed file gives each an alias (its table's name)
    and every column of its header as text."""
    demo = sorted(p.name for p in (PROJECT_DIR / "seeds" / "demo").glob("*.csv"))
    links = sorted((HOST_DIR / "seeds").glob("*.csv"))
    assert [p.name for p in links] == [f"demo_{name}" for name in demo]
    assert all(p.is_symlink() and p.resolve() == (PROJECT_DIR / "seeds" / "demo" / p.name[5:]).resolve()
               for p in links)
    seeds = {s["name"]: s["config"] for s in yaml.safe_load((HOST_DIR / "seeds" / "_kpi_raw__seeds.yml").read_text())["seeds"]}
    assert sorted(seeds) == [p.stem for p in links]
    for path in links:
        with open(path, newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert seeds[path.stem]["alias"] == path.stem[len("demo_"):]
        assert list(seeds[path.stem]["column_types"]) == header, path.name


def test_a_postgresql_host_builds_the_package_and_its_marts_equal_the_root_build(
    tmp_path: Path, demo_warehouse: Path
) -> None:
    """The same host on PostgreSQL: no role is created and nothing granted (the host did not set var
    bi_reader_role; its dbt user need not create roles), the schemas are the host's, the marts equal the root
    project's DuckDB build within test_postgres' tolerances. Then with var bi_reader_role: the role gets SELECT
    on every mart of the package and USAGE on the marts schema only."""
    host = _host_copy(tmp_path / "host")
    with throwaway_cluster() as pg:
        result = _build(host, pg=pg)
        assert "ERROR=0" in result.stdout, result.stdout[-3000:]
        conn = psycopg2.connect(**pg.connect_kwargs())
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute("select nspname from pg_namespace where nspname not like 'pg\\_%' "
                            "and nspname not in ('information_schema', 'public')")
                schemas = {r[0] for r in cur.fetchall()}
                assert HOST_SCHEMAS <= schemas <= HOST_SCHEMAS | {"main"}, sorted(schemas)
                cur.execute("select count(*) from pg_roles where rolname = 'bi_reader'")
                assert cur.fetchone()[0] == 0
                cur.execute("select table_name from information_schema.tables where table_schema = 'main_marts'")
                hosted = {r[0] for r in cur.fetchall()}
                duck = duckdb.connect(str(demo_warehouse), read_only=True)
                try:
                    marts = [r[0] for r in duck.execute("select table_name from information_schema.tables "
                                                        "where table_schema = 'marts'").fetchall()]
                    assert set(marts) <= hosted, sorted(set(marts) - hosted)
                    problems = [p for name in marts for p in _compare_table(name, duck, cur, "main_marts")]
                finally:
                    duck.close()
                assert not problems, "\n".join(problems[:20])
            # the host sets var bi_reader_role (here on the command line, which reaches the package too): the
            # role is created, and every mart and semantic view of the package is granted, not only the ones
            # this run rebuilt (dbt renders the package's dbt_project.yml, with its grants config, without the
            # host's vars: the on-run-end hook grants them)
            result = _dbt(host, "run", "--select", "kpi_mrr", "--vars", '{"bi_reader_role": "kpi_bi"}', pg=pg)
            assert result.returncode == 0, result.stdout[-3000:]
            with conn.cursor() as cur:
                cur.execute("select table_name, has_table_privilege('kpi_bi', format('%I.%I', table_schema, "
                            "table_name), 'select') from information_schema.tables where table_schema = 'main_marts'")
                granted = dict(cur.fetchall())
                cur.execute("select has_schema_privilege('kpi_bi', 'main_marts', 'usage'), "
                            "has_schema_privilege('kpi_bi', 'main_staging', 'usage')")
                assert cur.fetchone() == (True, False)
            assert {"kpi_mrr", "kpi_funnel", "fct_lead_funnel_events"} <= set(granted) and all(granted.values()), \
                sorted(name for name, ok in granted.items() if not ok)
        finally:
            conn.close()


# What each area holds (macros/config/areas.sql, the models' configs): written out here, not read from the project,
# so a model that moves in or out of an area fails the test below.
AREA_MODELS = {
    "attribution_enabled": {
        "int_lead_activity", "int_attribution_conversions", "int_attribution_touch_weights",
        "int_marketing_roi_monthly", "fct_attribution_credit", "kpi_attributed_acquisition", "kpi_marketing_roi",
    },
    "billing_enabled": {
        "base_billing__customers", "base_billing__subscription_events", "stg_billing__customers",
        "stg_billing__subscription_events", "int_customers_checked", "int_subscription_events_checked",
        "int_customer_months", "int_customers_acquired", "int_customer_mrr_movements",
        "int_customer_dimension_members", "fct_customers", "fct_customer_months", "kpi_customer_retention",
        "kpi_mrr", "kpi_retention_cohorts", "kpi_cac", "fct_customer_mrr_months",
    },
    "finance_enabled": {
        "base_finance__costs", "stg_finance__costs", "int_finance_costs_converted", "kpi_cac", "fct_finance_costs",
    },
    "semantic_layer_enabled": {
        "fct_customer_mrr_months", "fct_finance_costs", "fct_kpi_targets", "fct_lead_funnel_events",
        "metricflow_time_spine",
    },
}
ATTRIBUTION_METRICS = {f"{kind}_{model}" for kind in ("attributed_revenue", "roas", "marketing_roi")
                       for model in ("first_touch", "last_touch", "linear", "time_decay", "position_based", "w_shaped")}
# the semantic models and metrics of each area (the semantic layer's own switch takes all of them)
AREA_SEMANTIC = {
    "attribution_enabled": {"attribution_credit"} | ATTRIBUTION_METRICS,
    "billing_enabled": {
        "customers", "customer_months", "customers_at_start", "customers_at_end", "customers_new_or_reactivated",
        "logo_retention", "logo_churn", "mrr_at_start", "retained_mrr", "retained_mrr_capped",
        "gross_revenue_retention", "net_revenue_retention", "mrr", "new_mrr", "churned_mrr", "new_customers",
        "new_paid_customers", "paid_cac", "blended_cac",
    },
    "finance_enabled": {"finance_costs", "marketing_costs", "sales_costs", "acquisition_cost", "blended_cac"},
}
AREA_SOURCES = {"billing_enabled": {"billing.billing_customers", "billing.billing_subscription_events"},
                "finance_enabled": {"finance.finance_costs"}}
# the scorecard's KPIs of each area (var scorecard_kpis' `areas`)
AREA_KPIS = {"attribution_enabled": {"marketing_roi", "roas"},
             "billing_enabled": {"cac", "paid_cac", "logo_retention", "gross_revenue_retention",
                                 "net_revenue_retention", "mrr"},
             "finance_enabled": {"cac", "paid_cac"}}
ALL_AREAS_OFF = {name: False for name in AREA_MODELS}


LISTED_KINDS = ("model", "source", "semantic_model", "metric")


def _listed(target: Path, dbt_vars: dict | None = None) -> set[str]:
    """The names dbt ls lists of the models, sources, semantic models and metrics, with these vars."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPI_", "DBT_"))}
    env.update(DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    kinds = [arg for kind in LISTED_KINDS for arg in ("--resource-type", kind)]
    result = subprocess.run([DBT, "ls", "--quiet", "--output", "name", *kinds, "--target-path", str(target),
                             "--vars", json.dumps(dbt_vars or {}), "--profiles-dir", str(PROJECT_DIR),
                             "--project-dir", str(PROJECT_DIR)], cwd=PROJECT_DIR, env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    return set(result.stdout.split())


@pytest.fixture(scope="module")
def every_listed(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    return _listed(tmp_path_factory.mktemp("every_area") / "target")


@pytest.mark.parametrize("area", sorted(AREA_MODELS))
def test_switching_an_area_off_disables_exactly_its_models_sources_and_metrics(
    area: str, every_listed: set[str], tmp_path: Path
) -> None:
    """Each area's var alone (the others on): exactly the area's models, raw sources, semantic models and
    metrics are disabled (with every test and unit test that reads them); nothing else. The project still
    parses (a model, test or metric left reading a disabled one is a parse error)."""
    left = _listed(tmp_path / "target", {area: False})
    assert left <= every_listed
    semantic = ({n for n in every_listed if n not in left} - set().union(*AREA_MODELS.values(), *AREA_SOURCES.values())
                if area == "semantic_layer_enabled" else AREA_SEMANTIC[area])
    expected = AREA_MODELS[area] | AREA_SOURCES.get(area, set()) | semantic
    assert every_listed - left == expected, sorted((every_listed - left) ^ expected)
    if area == "semantic_layer_enabled":
        assert {"revenue", "mqls", "leads", "metricflow_time_spine"} <= every_listed - left


@pytest.fixture(scope="module")
def host_build_areas_off(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The host with every area off, and a global var raw_schema of its own (the package's, under its name,
    must win)."""
    host = _host_copy(tmp_path_factory.mktemp("host_areas_off") / "integration_tests")
    project = yaml.safe_load((host / "dbt_project.yml").read_text())
    project["vars"]["sales_marketing_kpis"].update(ALL_AREAS_OFF)
    project["vars"]["raw_schema"] = "the_hosts_own_raw_schema"
    (host / "dbt_project.yml").write_text(yaml.safe_dump(project, sort_keys=False))
    result = _build(host)
    assert "Completed successfully" in result.stdout and "ERROR=0" in result.stdout, result.stdout[-3000:]
    return host


def test_a_host_with_every_area_off_builds_the_rest_equal_to_the_root_build(
    host_build_areas_off: Path, demo_warehouse: Path
) -> None:
    """Attribution, billing, finance and the semantic layer off: none of their relations is built, every
    other mart equals the root project's build (all areas on), the scorecard has the other KPIs' rows
    unchanged, and the quarantine leaves the areas' raw tables out. The calendar (dim_date) starts at the
    first date of the data left, so it is a part of the root's."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{host_build_areas_off / 'host.duckdb'}' as host (read_only)")
        con.execute(f"attach '{demo_warehouse}' as root (read_only)")

        def tables(catalog: str, schema: str) -> set[str]:
            return {r[0] for r in con.execute(
                "select table_name from information_schema.tables where table_catalog = ? and table_schema = ?",
                [catalog, schema]).fetchall()}

        switched_off = set().union(*AREA_MODELS.values())
        root_marts, host_marts = tables("root", "marts"), tables("host", "main_marts")
        assert host_marts == root_marts - switched_off, sorted(host_marts ^ (root_marts - switched_off))
        built = set().union(*(tables("host", s) for s in ("main_staging", "main_intermediate", "main_quarantine")))
        assert built and not built & switched_off, sorted(built & switched_off)

        def only_in(a: str, b: str, where: str = "true") -> int:
            return con.execute(f"select count(*) from (select * from {a} where {where} "
                               f"except all select * from {b} where {where})").fetchone()[0]

        problems = []
        for name in sorted(host_marts - {"dim_date", "kpi_scorecard"}):
            root, hosted = f'root.marts."{name}"', f'host.main_marts."{name}"'
            counts = [only_in(root, hosted), only_in(hosted, root)]
            if counts != [0, 0]:
                problems.append(f"{name}: {counts[0]} rows only in the root build, {counts[1]} only in the host's")
        assert not problems, "\n".join(problems)
        assert only_in("host.main_marts.dim_date", "root.marts.dim_date") == 0
        area_kpis = "', '".join(sorted(set().union(*AREA_KPIS.values())))
        kept = f"kpi_name not in ('{area_kpis}')"
        assert only_in("root.marts.kpi_scorecard", "host.main_marts.kpi_scorecard", kept) == 0
        assert only_in("host.main_marts.kpi_scorecard", "root.marts.kpi_scorecard") == 0
        scorecard = {r[0] for r in con.execute("select distinct kpi_name from host.main_marts.kpi_scorecard").fetchall()}
        assert scorecard and not scorecard & set().union(*AREA_KPIS.values()), sorted(scorecard)
        kept_tables = "raw_table not in ('billing_customers', 'billing_subscription_events', 'finance_costs')"
        for name in ("quarantine_summary", "quarantined_rows"):
            root, hosted = f"root.quarantine.{name}", f"host.main_quarantine.{name}"
            assert only_in(root, hosted, kept_tables) == only_in(hosted, root) == 0, name
            assert con.execute(f"select count(*) from {hosted} where not ({kept_tables})").fetchone()[0] == 0
    finally:
        con.close()


def test_a_host_switches_the_vendor_adapters_on_under_the_packages_name(tmp_path: Path) -> None:
    """crm_source / ads_sources set by the host under the package's name enable the adapters' models and
    sources (dbt renders a package's dbt_project.yml without the host's vars: a switch there never saw them;
    the models' own config(enabled=...) does), and an area switched off the same way is gone."""
    host = _host_copy(tmp_path / "host")
    project = yaml.safe_load((host / "dbt_project.yml").read_text())
    project["vars"]["sales_marketing_kpis"].update(crm_source="salesforce", ads_sources=["google_ads", "contract"],
                                                   attribution_enabled=False)
    (host / "dbt_project.yml").write_text(yaml.safe_dump(project, sort_keys=False))
    assert _dbt(host, "deps").returncode == 0
    listed = _dbt(host, "ls", "--resource-type", "model", "--resource-type", "source", "--select",
                  "package:sales_marketing_kpis", "--output", "name", "--quiet")
    assert listed.returncode == 0, listed.stdout[-3000:]
    names = set(listed.stdout.split())
    assert {"stg_salesforce__lead", "int_salesforce__crm_leads", "salesforce.lead", "stg_google_ads__ad_stats",
            "int_google_ads__ads_spend_daily", "google_ads.ad_stats", "kpi_mrr"} <= names, sorted(names)
    assert not {"stg_hubspot__contact", "stg_facebook_ads__basic_ad"} & names
    assert not AREA_MODELS["attribution_enabled"] & names


def test_switches_set_in_the_root_projects_own_vars_apply(tmp_path: Path) -> None:
    """The root project's `vars:` in dbt_project.yml (docs/adapters.md: the adapters' vars "can also be set"
    there) reach the switches: dbt renders dbt_project.yml itself with --vars only, so a switch there never saw
    them (crm_source: salesforce stopped the parse); the models' own configs do."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns(
        ".git", ".venv", "target", "logs", "warehouse", "dbt_packages", "integration_tests", "*.duckdb*"))
    config = yaml.safe_load((project / "dbt_project.yml").read_text())
    config["vars"].update(crm_source="salesforce", attribution_enabled=False)
    (project / "dbt_project.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KPI_", "DBT_"))}
    env.update(DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    result = subprocess.run([DBT, "ls", "--quiet", "--output", "name", "--resource-type", "model", "--resource-type",
                             "source", "--profiles-dir", str(project), "--project-dir", str(project)], cwd=project,
                            env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    names = set(result.stdout.split())
    assert {"stg_salesforce__lead", "int_salesforce__crm_leads", "int_salesforce__excluded_records",
            "salesforce.lead"} <= names, sorted(names)
    assert not AREA_MODELS["attribution_enabled"] & names
