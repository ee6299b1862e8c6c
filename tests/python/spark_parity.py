"""The same tables on Spark and DuckDB, compared row by row (issue 26).

Two builds of the same raw data are equal when every table compared has the same columns (Spark's keyed
incremental tables carry one more, spark_key_bucket: macros/incremental/keyed_incremental.sql) and the same
multiset of rows: text, dates, booleans and timestamps equal, numbers equal within 1e-9 relative (DuckDB
and Spark round a decimal division's last digit differently; a double's last bits too).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

SPARK_ONLY_COLUMNS = {"spark_key_bucket"}
RELATIVE_TOLERANCE = 1e-9
# numbers are compared after rounding to this many significant digits (so rows sort and count alike);
# two values that round apart by a last-digit difference are then matched within RELATIVE_TOLERANCE
SIGNIFICANT_DIGITS = 12


def _number(value: float) -> float:
    if value == 0 or math.isnan(value) or math.isinf(value):
        return value
    return float(f"{value:.{SIGNIFICANT_DIGITS - 1}e}")


def normalized(value: Any) -> Any:
    """A value as both engines' Python values compare: numbers as floats (rounded), times as ISO text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        number = float(value)
        return None if math.isnan(number) else _number(number)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return normalized(value.to_pydatetime())
    return value


def duckdb_tables(db: Path, schema: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "and table_type = 'BASE TABLE' order by 1", [schema]).fetchall()]
    finally:
        con.close()


def duckdb_rows(db: Path, schema: str, table: str) -> tuple[list[str], list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(f'select * from {schema}."{table}"')
        columns = [d[0] for d in cursor.description]
        return columns, [tuple(normalized(v) for v in row) for row in cursor.fetchall()]
    finally:
        con.close()


def spark_rows(spark: Any, schema: str, table: str, columns: list[str] | None = None) -> tuple[list[str], list[tuple]]:
    frame = spark.table(f"{schema}.{table}")
    names = [c for c in frame.columns if c not in SPARK_ONLY_COLUMNS]
    if columns is not None:
        names = [c for c in columns if c in frame.columns] + [c for c in names if c not in columns]
    rows = frame.select(*[f"`{c}`" for c in names]).collect()
    return names, [tuple(normalized(v) for v in row) for row in rows]


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)
    return a == b


def row_differences(left: list[tuple], right: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """(rows only in left, rows only in right), multisets; rows that differ only by numbers within the
    tolerance are matched."""
    only_left = Counter(left)
    only_left.subtract(Counter(right))
    extra_left = sorted((row for row, n in only_left.items() for _ in range(n) if n > 0), key=repr)
    extra_right = sorted((row for row, n in only_left.items() for _ in range(-n) if n < 0), key=repr)
    unmatched_right = list(extra_right)
    unmatched_left = []
    for row in extra_left:
        match = next((other for other in unmatched_right
                      if len(other) == len(row) and all(_close(a, b) for a, b in zip(row, other))), None)
        if match is None:
            unmatched_left.append(row)
        else:
            unmatched_right.remove(match)
    return unmatched_left, unmatched_right


def compare_table(spark: Any, db: Path, schema: str, table: str) -> str | None:
    """None when the table is the same on both engines, else what differs (a line)."""
    columns, expected = duckdb_rows(db, schema, table)
    spark_columns, actual = spark_rows(spark, schema, table, columns)
    if spark_columns != columns:
        return f"{schema}.{table}: columns differ: duckdb {columns}, spark {spark_columns}"
    only_duckdb, only_spark = row_differences(expected, actual)
    if only_duckdb or only_spark:
        sample = (only_duckdb[:2], only_spark[:2])
        return (f"{schema}.{table}: {len(only_duckdb)} row(s) only on DuckDB, {len(only_spark)} only on Spark "
                f"(of {len(expected)}); e.g. DuckDB {sample[0]} Spark {sample[1]}")
    return None


# ---------------------------------------------------------------- the last day of raw data, held back
def event_day_prefix(table_name: str) -> str | None:
    """The raw event column of a contract table (its text starts with the row's date), or None."""
    from kpi_pipeline.contract import TABLES_BY_NAME

    table = TABLES_BY_NAME.get(table_name)
    return None if table is None or table.event_column is None else table.event_column


def split_last_day(data: Path, day: str, held_back: Path) -> dict[str, int]:
    """Move the rows of `day` (the event column's text starts with it) of every CSV in `data` that has an
    event column into a file of the same name in `held_back`: the raw data as it stood the day before, and
    the day a scheduled load appends. Returns {table: rows held back}."""
    import csv

    held_back.mkdir(parents=True, exist_ok=True)
    moved = {}
    for path in sorted(data.glob("*.csv")):
        column = event_day_prefix(path.stem)
        if column is None:
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            rows = list(reader)
        position = header.index(column)
        keep = [row for row in rows if not row[position].strip().startswith(day)]
        late = [row for row in rows if row[position].strip().startswith(day)]
        for target, target_rows in ((path, keep), (held_back / path.name, late)):
            with target.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows(target_rows)
        moved[path.stem] = len(late)
    return moved
