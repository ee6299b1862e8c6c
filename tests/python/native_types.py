"""Contract tables as another tool's loader types them, for the native-types builds.

A loader chooses its own types: a contract `date` column may arrive as DATE, as a naive TIMESTAMP at
midnight, or as a TIMESTAMP WITH TIME ZONE at UTC midnight (an instant); a `timestamp` column as a
TIMESTAMP WITH TIME ZONE or as a naive TIMESTAMP in UTC. The tables cycle through those choices (table by
table, so every choice occurs on several tables and for every kind of date column), and the builds that
read them run in a session time zone other than UTC: the marts must still equal the UTC build of the same
data, since nothing the project computes may depend on the session's time zone.

`select_expression(engine, table_index, column)` is the SQL that turns the CSV text of a column into its
native type; the loading session must be in UTC (the helpers below set it), since a timestamp text without
an offset is UTC by the contract.
"""

from __future__ import annotations

from typing import Any

# the session zones of the builds on native sources: west of UTC (the contract's tables on DuckDB and
# PostgreSQL: a date stored as UTC midnight is the day before there) and the furthest east, +14 (the vendor
# adapters' builds on DuckDB and PostgreSQL: a timestamp from 10:00 UTC on is the next day there)
WEST_ZONE = "America/Los_Angeles"
EAST_ZONE = "Pacific/Kiritimati"

DATE_CHOICES = ("timestamptz", "date", "timestamp")
TIMESTAMP_CHOICES = ("timestamptz", "timestamp")


def date_choice(table_index: int) -> str:
    return DATE_CHOICES[table_index % len(DATE_CHOICES)]


def timestamp_choice(table_index: int) -> str:
    return TIMESTAMP_CHOICES[table_index % len(TIMESTAMP_CHOICES)]


def _duckdb_other(column: Any) -> str:
    if column.type == "integer":
        # a loader that writes whole numbers as doubles (pandas does)
        return "double" if column.name == "impressions" else "bigint"
    if column.type == "decimal":
        return "double" if column.scale else "decimal(18, 4)"
    if column.type == "boolean":
        return "boolean"
    return "varchar"


def _pg_other(column: Any) -> str:
    if column.type == "integer":
        return "bigint"
    if column.type == "decimal":
        return "double precision" if column.scale else "numeric(18, 4)"
    if column.type == "boolean":
        return "boolean"
    return "text"


def select_expression(engine: str, table_index: int, column: Any) -> str:
    """SQL turning the text column `column.name` (a CSV value) into the native type chosen for it."""
    value = f"nullif(trim({column.name}), '')"
    if column.type == "date":
        day = f"cast({value} as date)"
        choice = date_choice(table_index)
        if choice == "date":
            return day
        if choice == "timestamp":
            return f"cast({day} as timestamp)"
        # an instant: UTC midnight of that day
        if engine == "duckdb":
            return f"timezone('UTC', cast({day} as timestamp))"
        return f"(cast({day} as timestamp) at time zone 'UTC')"
    if column.type == "timestamp":
        instant = f"cast({value} as timestamptz)"
        if timestamp_choice(table_index) == "timestamptz":
            return instant
        return f"({instant} at time zone 'UTC')" if engine == "postgres" else f"timezone('UTC', {instant})"
    return f"cast({value} as {_duckdb_other(column) if engine == 'duckdb' else _pg_other(column)})"


def expected_types(engine: str) -> set[str]:
    """Column types the native tables must show in information_schema (each choice made somewhere)."""
    if engine == "duckdb":
        return {"DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DOUBLE", "DECIMAL(18,4)", "BIGINT", "BOOLEAN"}
    return {"date", "timestamp without time zone", "timestamp with time zone", "double precision", "numeric",
            "bigint", "boolean"}
