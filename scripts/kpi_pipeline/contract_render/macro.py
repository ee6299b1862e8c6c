"""The contract as the Jinja macro raw_contract() (macros/quarantine/raw_contract.sql)."""

from __future__ import annotations

import json

from kpi_pipeline.contract import TABLES, Table
from kpi_pipeline.contract_render.rules import column_meta, table_meta
from kpi_pipeline.contract_render.text import HEADER


def render_contract_macro(tables: tuple[Table, ...] = TABLES) -> str:
    """`raw_contract()`: a list of tables, each a dict with name, the table meta and its columns."""
    contract = [
        {
            "name": table.name,
            **table_meta(table),
            "columns": [{"name": column.name, **column_meta(table, column)} for column in table.columns],
        }
        for table in tables
    ]
    def jinja(value: object) -> str:  # JSON literals -> Jinja literals
        text = json.dumps(value, ensure_ascii=False)
        return text.replace(": true", ": True").replace(": false", ": False").replace(": null", ": None")

    entries = []
    for table in contract:
        head = {k: v for k, v in table.items() if k != "columns"}
        columns = ",\n".join(f"        {jinja(c)}" for c in table["columns"])
        entries.append(f"    {jinja(head)[:-1]}, \"columns\": [\n{columns}\n    ]}}")
    body = "[\n" + ",\n".join(entries) + "\n]"
    return "\n".join([
        "{#- " + HEADER.lstrip("# "),
        "    raw_contract(): the raw data contract (scripts/kpi_pipeline/contract.py) as",
        "    Jinja data, one dict per raw table with its columns, keys and rules. Read by",
        "    the quarantine macros (macros/quarantine/) at parse time. -#}",
        "{% macro raw_contract() -%}",
        "{{ return(" + body + ") }}",
        "{%- endmacro %}",
        "",
        "{#- raw_contract_table(name): the contract entry of one raw table. -#}",
        "{% macro raw_contract_table(name) -%}",
        "{%- for table in raw_contract() if table.name == name -%}",
        "{{ return(table) }}",
        "{%- endfor -%}",
        "{{ exceptions.raise_compiler_error('raw table ' ~ name ~ ' is not in the raw data contract') }}",
        "{%- endmacro %}",
        "",
    ])
