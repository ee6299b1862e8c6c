"""Load the vendor fixtures (tests/fixtures/<vendor>/<schema>/<table>.csv) into a warehouse as a loader would.

Every CSV becomes the table <schema>.<table>: the vendors' tables in their own schema (salesforce,
salesforce_history, hubspot, google_ads, facebook_ads, linkedin_ads) with native types (DuckDB's CSV type
detection over the whole file: booleans, timestamps, dates, bigints, doubles; text otherwise, and every column
of an all-empty column is text), the way Fivetran writes them. Tables in the contract's layout that a fixture
adds (tests/fixtures/<vendor>/raw/: a billing system's export keyed by the CRM's ids, FX rates) go to the
contract's source schema `raw` as text, like `kpi-pipeline run --data-dir` loads them.

PostgreSQL gets the same tables with the same types (DuckDB's detected type mapped to PostgreSQL's), filled
through psycopg2.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CONTRACT_SCHEMA = "raw"

PG_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "bigint",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "TIME": "time",
}


@dataclass(frozen=True)
class FixtureTable:
    schema: str
    name: str
    path: Path

    @property
    def is_contract(self) -> bool:
        return self.schema == CONTRACT_SCHEMA


def fixture_tables(*vendors: str) -> list[FixtureTable]:
    """Every fixture table of the vendors (folder names under tests/fixtures/), in a stable order."""
    tables = []
    for vendor in vendors:
        root = FIXTURES / vendor
        if not root.is_dir():
            raise FileNotFoundError(root)
        for path in sorted(root.glob("*/*.csv")):
            tables.append(FixtureTable(path.parent.name, path.stem, path))
    return tables


def _read_sql(table: FixtureTable) -> str:
    path = str(table.path).replace("'", "''")
    if table.is_contract:
        return f"select * from read_csv('{path}', header = true, all_varchar = true)"
    return f"select * from read_csv('{path}', header = true, auto_detect = true, sample_size = -1)"


def load_duckdb(db_path: Path, tables: Iterable[FixtureTable]) -> None:
    con = duckdb.connect(str(db_path))
    try:
        for table in tables:
            con.execute(f'create schema if not exists "{table.schema}"')
            con.execute(f'create or replace table "{table.schema}"."{table.name}" as {_read_sql(table)}')
    finally:
        con.close()


def detected_columns(table: FixtureTable) -> list[tuple[str, str]]:
    """(name, DuckDB type) of the fixture table as DuckDB reads it."""
    con = duckdb.connect()
    try:
        rows = con.execute(f"describe {_read_sql(table)}").fetchall()
    finally:
        con.close()
    return [(row[0], row[1]) for row in rows]


def _rows(table: FixtureTable) -> list[list[Any]]:
    with table.path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [[value if value != "" else None for value in row] for row in reader]


def load_postgres(conn: Any, tables: Iterable[FixtureTable]) -> None:
    """Create and fill the tables through a psycopg2 connection (autocommit or committed by the caller)."""
    from psycopg2.extras import execute_values

    with conn.cursor() as cur:
        for table in tables:
            columns = detected_columns(table)
            cur.execute(f'create schema if not exists "{table.schema}"')
            cur.execute(f'drop table if exists "{table.schema}"."{table.name}"')
            definitions = ", ".join(f'"{name}" {PG_TYPES[kind]}' for name, kind in columns)
            cur.execute(f'create table "{table.schema}"."{table.name}" ({definitions})')
            rows = _rows(table)
            if rows:
                names = ", ".join(f'"{name}"' for name, _ in columns)
                execute_values(cur, f'insert into "{table.schema}"."{table.name}" ({names}) values %s', rows)
