"""Fingerprints of the intermediate and mart tables of a DuckDB warehouse.

    python scripts/fingerprint_tables.py WAREHOUSE.duckdb --write tests/python/fingerprints/demo_tables.json
    python scripts/fingerprint_tables.py WAREHOUSE.duckdb --check tests/python/fingerprints/demo_tables.json

A fingerprint is the table's row count and a SHA-256 of its rows, independent
of row and column order: every value is written as text (numbers with 12
significant digits, so a sum of doubles taken in another order is the same
number; dates and timestamps in ISO form; null as a marker), each row as its
columns sorted by name, the rows sorted. The committed file is the demo
build's: `tests/python/test_fingerprints.py` checks that the demo marts did
not change by accident. Update it only on purpose (a change that is meant to
change numbers), with the reason in the commit message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

SCHEMAS = ("intermediate", "marts")


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, decimal.Decimal)):
        number = float(value)
        if number == 0:
            return "0"
        return f"{number:.12g}"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def table_fingerprint(con: Any, schema: str, table: str) -> dict[str, Any]:
    cur = con.execute(f'select * from "{schema}"."{table}"')
    names = [d[0] for d in cur.description]
    order = sorted(range(len(names)), key=lambda i: names[i])
    rows = sorted("\x1f".join(_text(row[i]) for i in order) for row in cur.fetchall())
    digest = hashlib.sha256()
    digest.update(("\x1f".join(names[i] for i in order) + "\n").encode())
    for row in rows:
        digest.update((row + "\n").encode())
    return {"rows": len(rows), "columns": len(names), "sha256": digest.hexdigest()}


def fingerprints(db_path: Path, schemas: tuple[str, ...] = SCHEMAS) -> dict[str, dict[str, Any]]:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (" + ", ".join("?" for _ in schemas) + ") and table_type = 'BASE TABLE' "
            "order by 1, 2",
            list(schemas),
        ).fetchall()
        return {f"{schema}.{name}": table_fingerprint(con, schema, name) for schema, name in tables}
    finally:
        con.close()


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Differences, one line each (empty: identical)."""
    problems = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            problems.append(f"{name}: missing from the warehouse")
        elif name not in expected:
            problems.append(f"{name}: not in the committed fingerprints (a new table?)")
        elif expected[name] != actual[name]:
            problems.append(f"{name}: expected {expected[name]}, got {actual[name]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the fingerprints to this JSON file")
    group.add_argument("--check", type=Path, help="compare with this JSON file; exit 1 on any difference")
    args = parser.parse_args(argv)
    actual = fingerprints(args.warehouse)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(json.dumps(actual, indent=2, sort_keys=True) + "\n")
        print(f"wrote {len(actual)} fingerprints to {args.write}")
        return 0
    problems = compare(json.loads(args.check.read_text()), actual)
    for line in problems:
        print(line)
    print(f"{len(actual)} tables, {len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
