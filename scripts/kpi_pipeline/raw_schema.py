"""The source schema: where the raw tables of the contract are, and whose they are.

The dbt sources (models/staging/<source>/_<source>__sources.yml) read schema
var `raw_schema` (else env KPI_RAW_SCHEMA, else `raw`) in database var
`raw_database` (else env KPI_RAW_DATABASE, else the target's). The loader
writes there and the demo seeds fill it; this module resolves the same names
and reads the marks that say whose a table is:
  - `kpi-demo-data rows=<n>`: written by the demo seeds (macros/seeds/demo_seed_guard.sql);
  - `kpi-pipeline load: <file>, <n> rows`: written by the `--data-dir` loader;
  - anything else, or no comment: a table of another tool (the user's).
The demo is loaded only into a schema that holds nothing but the demo's
tables, so it never replaces or mixes with a user's data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from kpi_pipeline import spark
from kpi_pipeline.contract import TABLES
from kpi_pipeline.warehouse import relation

DEMO_MARK = "kpi-demo-data rows="
LOAD_MARK = "kpi-pipeline load: "


def raw_schema(dbt_vars: dict[str, Any]) -> str:
    """The source schema, as the sources resolve it."""
    value = dbt_vars.get("raw_schema") or os.environ.get("KPI_RAW_SCHEMA") or "raw"
    return str(value)


def raw_database(dbt_vars: dict[str, Any]) -> str | None:
    """The source database when it is not the target's (None: the target's)."""
    value = dbt_vars.get("raw_database") or os.environ.get("KPI_RAW_DATABASE")
    return str(value) if value else None


def load_mark(file_name: str, rows: int) -> str:
    return f"{LOAD_MARK}{file_name}, {rows} rows"


def set_comment(conn: Any, schema: str, table: str, text: str) -> None:
    """COMMENT ON TABLE (DuckDB, PostgreSQL and Spark: its `describe table extended` shows it as the row
    `Comment`), on an open connection or cursor."""
    literal = "'" + text.replace("'", "''") + "'"
    conn.execute(f"comment on table {relation(schema, table)} is {literal}")


def table_comments(conn: Any, kind: str, schema: str) -> dict[str, str | None]:
    """{table or view name: comment} in the schema."""
    if kind == "spark":  # no information_schema: the catalog's tables, each one's `describe table extended`
        return {name: spark.table_comment(conn, schema, name) for name in spark.tables(conn, schema)}
    if kind == "duckdb":
        rows = conn.execute(
            "select table_name, comment from duckdb_tables() where schema_name = ? and database_name = current_database() "
            "union all select view_name, comment from duckdb_views() where schema_name = ? "
            "and database_name = current_database()",
            [schema, schema],
        ).fetchall()
    else:
        cur = conn.cursor()
        cur.execute(
            "select c.relname, obj_description(c.oid, 'pg_class') from pg_catalog.pg_class c "
            "join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm', 'f')",
            (schema,),
        )
        rows = cur.fetchall()
    return {name: comment for name, comment in rows}


def _count(conn: Any, kind: str, schema: str, table: str) -> int:
    sql = f"select count(*) from {relation(schema, table)}"
    if kind == "duckdb":
        return int(conn.execute(sql).fetchone()[0])
    cur = conn.cursor()
    cur.execute(sql)
    return int(cur.fetchone()[0])


@dataclass(frozen=True)
class SchemaOwner:
    """Whether the demo may fill the schema, and if not, the first table that is not the demo's."""

    demo_allowed: bool
    reason: str | None = None


def demo_check(conn: Any, kind: str, schema: str) -> SchemaOwner:
    """The demo may write the schema when every contract table in it carries the demo's mark and still
    has the rows the demo wrote (the same rule as macros/seeds/demo_seed_guard.sql)."""
    comments = table_comments(conn, kind, schema)
    for table in TABLES:
        if table.name not in comments:
            continue
        comment = comments[table.name] or ""
        where = f"{schema}.{table.name}"
        if not comment.startswith(DEMO_MARK):
            what = f'"{comment}"' if comment else "no demo mark: created by another tool"
            return SchemaOwner(False, f"{where} holds data that is not the demo's ({what})")
        expected = comment[len(DEMO_MARK):]
        rows = _count(conn, kind, schema, table.name)
        if not expected.isdigit() or rows != int(expected):
            return SchemaOwner(False, f"{where} has {rows} rows, not the {expected} the demo wrote")
    return SchemaOwner(True)
