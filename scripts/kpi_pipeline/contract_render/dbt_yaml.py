"""The dbt YAML rendered from the contract: sources, seeds, base models, the cross-system checked models."""

from __future__ import annotations

from pathlib import Path

from kpi_pipeline import PROJECT_DIR as ROOT
from kpi_pipeline.contract import FX_TABLE, TABLES, TABLES_BY_NAME, Table, clean_model, crosses_sources
from kpi_pipeline.contract_render.rules import column_meta, column_rules, _flow, table_meta, table_notes
from kpi_pipeline.contract_render.text import HEADER, RAW_TYPE, column_checks_yaml, _q
from kpi_pipeline.demo_files import REFERENCE_SEEDS


SOURCE_DESCRIPTIONS = {
    "reference": "Reference data: the channel taxonomy, the utm map and the KPI targets. A table of yours in the "
                 "source schema wins over the project's seed of the same name (seeds/reference/ for the channels "
                 "and utm map; without a targets table the scorecard has no targets).",
    "ads": "Ad platforms and campaign planning: campaigns, ads and daily spend.",
    "marketing": "Marketing automation: every touchpoint of a lead.",
    "crm": "The CRM: leads, their lifecycle, opportunities and their stages, reps and teams.",
    "billing": "Billing: customers and their subscription MRR changes.",
    "finance": "Finance: sales and marketing costs other than media, and dated FX rates.",
}

# Where the raw tables are: the project's vars first, then the environment, then the defaults
# (the target's database, schema raw). dbt renders these when it parses the project.
SOURCE_DATABASE = "{{ var('raw_database', env_var('KPI_RAW_DATABASE', '') or target.get('database')) }}"
SOURCE_SCHEMA = "{{ var('raw_schema', env_var('KPI_RAW_SCHEMA', 'raw')) }}"


# The raw tables of an area (macros/config/areas.sql, kpi_raw_table_areas): the source table is disabled with the
# area (YAML is rendered with the run's vars, not with the project's macros, so the switch is spelt out here).
TABLE_AREA_VARS = {"billing_customers": "billing_enabled", "billing_subscription_events": "billing_enabled",
                   "finance_costs": "finance_enabled"}


def area_enabled_expression(var: str) -> str:
    return "{{ (var('%s', true) | string | lower) not in ['false', '0'] }}" % var


def sources_path(source: str) -> Path:
    return ROOT / "models" / "staging" / source / f"_{source}__sources.yml"


def loaded_at_expression(column: str) -> str:
    """A timestamp from the first ten characters (the date) of a raw column, text or native. dbt renders the
    source yml, so the text type is spelled per adapter (Spark has no `varchar` without a length)."""
    text = "{{ 'string' if target.type == 'spark' else 'varchar' }}"
    return f"cast(nullif(substr(cast({column} as {text}), 1, 10), '') as timestamp)"


def render_sources_yaml(source: str, tables: tuple[Table, ...] = TABLES) -> str:
    """One dbt source per source system: its raw tables, their columns and freshness."""
    mine = [t for t in tables if t.source == source]
    lines = [
        HEADER,
        "version: 2",
        "",
        "sources:",
        f"  - name: {source}",
        f"    description: {_q(SOURCE_DESCRIPTIONS[source] + ' Raw data contract: docs/raw_data_contract.md.')}",
        f"    database: {_q(SOURCE_DATABASE)}",
        f"    schema: {_q(SOURCE_SCHEMA)}",
        "    tables:",
    ]
    for table in mine:
        base_model = "base_" + table.staging_model[4:]
        lines.append(f"      - name: {table.name}")
        text = (f"{table.description} {table_notes(table)} Read by `{base_model}` only "
                "(text or native types; typed and checked there).")
        lines.append(f"        description: {_q(text)}")
        freshness = table.source_freshness
        lines.append("        config:")
        if table.name in TABLE_AREA_VARS:
            lines.append(f"          enabled: {_q(area_enabled_expression(TABLE_AREA_VARS[table.name]))}")
        if freshness:
            column, days = freshness
            lines.append(f"          loaded_at_field: {_q(loaded_at_expression(column))}")
            lines.append(f"          freshness: {{warn_after: {{count: {days}, period: day}}}}")
        else:
            lines.append("          freshness: null")
        lines.append("          meta:")
        for key, value in table_meta(table).items():
            if key == "primary_key":
                lines.append(f"            primary_key: [{', '.join(table.primary_key)}]")
            elif isinstance(value, (dict, list)):
                lines.append(f"            {key}: {_flow(value)}")
            else:
                lines.append(f"            {key}: {value}")
        if not freshness:
            lines.append(f"            no_freshness: {_q(table.no_freshness_reason or '')}")
        lines.append("        columns:")
        for column in table.columns:
            description = " ".join([column.description, *column_rules(table, column)])
            lines.append(f"          - name: {column.name}")
            lines.append(f"            description: {_q(description)}")
            lines.append("            config:")
            lines.append(f"              meta: {_flow(column_meta(table, column))}")
    lines.append("")
    return "\n".join(lines)


# the seeds' text type: Spark's text type is `string` (its `varchar` needs a length)
SEED_COLUMN_TYPE = "\"{{ 'string' if target.type == 'spark' else '%s' }}\"" % RAW_TYPE


def render_seeds_yaml(kind: str, tables: tuple[Table, ...] = TABLES) -> str:
    """The seeds' properties: every column loaded as text (`column_types`), and what they are for."""
    lines = [HEADER, "version: 2", "", "seeds:"]
    for table in tables:
        if (table.name in REFERENCE_SEEDS) != (kind == "reference"):
            continue
        if kind == "reference":
            what = (f"The project's default `{table.name}` (schema `reference`): "
                    f"`base_{table.staging_model[4:]}` reads it when the source schema has no "
                    f"`{table.name}` table of yours. {table.description}")
        else:
            what = (f"Demo data for the source table `{table.source}.{table.name}`, seeded into the source "
                    "schema only on request (var load_demo_data) and never over a table that holds other data "
                    f"(macros/seeds/demo_seed_guard.sql). {table.description}")
        lines.append(f"  - name: {table.name}")
        lines.append(f"    description: {_q(what)}")
        lines.append("    config:")
        lines.append("      column_types:")
        for column in table.columns:
            lines.append(f"        {column.name}: {SEED_COLUMN_TYPE}")
        lines.append("    columns:")
        for column in table.columns:
            description = " ".join([column.description, *column_rules(table, column)])
            lines.append(f"      - name: {column.name}")
            lines.append(f"        description: {_q(description)}")
            lines.append(f"        data_type: {RAW_TYPE}")
        lines.append("")
    return "\n".join(lines)


DQ_COLUMNS = (
    ("dq_row_id", "`<dq_row_key> #<n>`: n numbers the raw rows that share the key (by all raw columns), so "
                  "every raw row has its own id, exact copies included. Primary key of this model."),
    ("dq_row_key", "The row's primary key as text, e.g. `lead_id=L-0000001`; not unique here (duplicates)."),
    ("dq_rule", "The first single-table contract rule the row breaks (docs/quarantine.md); null when it breaks "
                "none. The cross-table rules (foreign keys, FX rates) are applied by the staging model."),
    ("dq_column", "The column the rule is about."),
    ("dq_message", "What is wrong, in words, with the raw value."),
)


def base_yaml_path(source: str) -> Path:
    return ROOT / "models" / "staging" / source / "base" / f"_{source}__base_models.yml"


def render_base_yaml(source: str, tables: tuple[Table, ...] = TABLES) -> str:
    lines = [HEADER, "version: 2", "", "models:"]
    for table in tables:
        if table.source != source:
            continue
        name = "base_" + table.staging_model[4:]
        what = (
            f"Every raw `{table.source}.{table.name}` row, typed, with the first single-table contract rule it "
            "breaks (null key, missing value, unparseable value, enum, range, plausible amount, date order, after "
            "the as-of date, duplicates, order of an ordered status): "
            f"`quarantine_base('{table.name}')`. The only model reading the source table; one row per raw row. "
            f"`{table.staging_model}` keeps the rows that pass every rule, cross-table rules included; "
            "`quarantined_rows` lists the others."
        )
        if table.event_column:
            what += (" Incremental: a run re-checks the raw rows of the refresh window and every row sharing a "
                     "key (or an ordered-status partition) with them (docs/quarantine.md).")
        key = DQ_COLUMNS[0][0]
        lines += [f"  - name: {name}", f"    description: {_q(what)}", "    data_tests:",
                  *column_checks_yaml(6, name, not_null=[key], unique=[key]), "    columns:"]
        for column, text in DQ_COLUMNS[:1]:
            lines += [f"      - name: {column}", f"        description: {_q(text)}"]
        for column in table.columns:
            lines += [f"      - name: {column.name}",
                      f"        description: {_q('Raw value as text, as loaded (a native value cast to text).')}"]
        for column in table.columns:
            text = (f"`{column.name}` parsed and normalised as the contract says ({column.type}; "
                    "contract_value), null when empty or unparseable; the staging model selects it.")
            lines += [f"      - name: typed__{column.name}", f"        description: {_q(text)}"]
        for column, text in DQ_COLUMNS[1:]:
            lines += [f"      - name: {column}", f"        description: {_q(text)}"]
        lines.append("")
    return "\n".join(lines)


CHECKED_DIR = ROOT / "models" / "intermediate" / "contract"
CHECKED_YAML = CHECKED_DIR / "_contract__models.yml"


def staging_columns(table: Table) -> list[tuple[str, str]]:
    """(name, description) of the columns of the table's staging model, from its YAML."""
    import yaml

    path = ROOT / "models" / "staging" / table.source / f"_{table.source}__models.yml"
    for model in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
        if model["name"] == table.staging_model:
            return [(c["name"], c.get("description", "")) for c in model["columns"]]
    raise SystemExit(f"{path} does not document {table.staging_model}")


def render_checked_sql(table: Table) -> str:
    return (
        f"-- The rows of {table.staging_model} that also pass the contract rules that need another source system\n"
        "-- (foreign keys into it, FX rates): contract_conformed_rows, macros/quarantine/contract_verdicts.sql.\n"
        + (f"{{{{ config(enabled=kpi_areas_enabled('{TABLE_AREA_VARS[table.name].removesuffix('_enabled')}')) }}}}\n"
           if table.name in TABLE_AREA_VARS else "")
        + f"{{{{ contract_conformed_rows('{table.name}') }}}}\n"
    )


def render_checked_yaml(tables: tuple[Table, ...] = TABLES) -> str:
    lines = [HEADER, "version: 2", "", "models:"]
    for table in tables:
        if not crosses_sources(table):
            continue
        crossing = []
        for column in table.columns:
            if column.references:
                parent = TABLES_BY_NAME[column.references.split(".")[0]]
                if parent.source != table.source or crosses_sources(parent):
                    crossing.append(f"`{column.name}` names a `{parent.name}` row that passes every rule")
            if column.fx_date and table.source != TABLES_BY_NAME[FX_TABLE].source:
                crossing.append(f"`{column.name}` converts to the reporting currency on or before "
                                f"`{column.fx_date}` (when the row has an amount)")
        what = (
            f"The `{table.name}` rows that pass every contract rule: the rows of `{table.staging_model}` (the rules "
            f"of the {table.source} system) where {'; '.join(crossing)}. Where source systems meet: staging reads "
            "one system only, so the rules that need another one are applied here; together they keep exactly the "
            "rows that have no verdict in quarantine.quarantined_rows. A view. Primary key "
            f"{', '.join(table.primary_key)}; the quarantine threshold gate of `{table.name}` is tested here."
        )
        lines += [f"  - name: {clean_model(table)}", f"    description: {_q(what)}"]
        if table.event_column and len(table.primary_key) == 1:
            # an event table (an incremental base model): a refresh's data tests read the base model's window
            # (macros/incremental/test_windows.sql), on the staging date column of the event column
            day = table.event_column[:-3] + "_date" if table.event_column.endswith("_at") else table.event_column
            base = f"base_{table.source}__{table.name.split('_', 1)[1]}"
            lines += ["    config:", "      meta:",
                      f"        refresh_window: {{column: {day}, from: [{base}]}}"]
        lines += ["    data_tests:",
                  "      - quarantine_below_threshold:", "          arguments:", f"            raw_table: {table.name}"]
        if len(table.primary_key) > 1:
            lines += ["      - unique_combination_of_columns:", "          arguments:",
                      f"            combination_of_columns: [{', '.join(table.primary_key)}]"]
        else:  # the key's not_null and unique in one node (issue 24)
            lines += column_checks_yaml(6, clean_model(table), not_null=list(table.primary_key),
                                        unique=list(table.primary_key))
        lines.append("    columns:")
        for name, description in staging_columns(table):
            lines += [f"      - name: {name}", f"        description: {_q(description)}"]
            tests = []
            column = next((c for c in table.columns if c.name == name), None)
            if column is not None and column.references:
                parent = TABLES_BY_NAME[column.references.split(".")[0]]
                if parent.source != table.source or crosses_sources(parent):
                    tests += ["          - relationships:", "              arguments:",
                              f"                to: ref('{clean_model(parent)}')",
                              f"                field: {column.references.split('.')[1]}"]
            if tests:
                lines += ["        data_tests:", *tests]
        lines.append("")
    return "\n".join(lines)
