"""The inventory of the checks a dbt manifest runs: one sorted line per check (issue 24).

    python scripts/check_inventory.py target/manifest.json              # print the inventory
    python scripts/check_inventory.py --diff before.json after.json     # lost (-) and new (+) checks
    python scripts/check_inventory.py --check tests/python/check_inventory.txt target/manifest.json

A line is `model | column(s) | rule(args) | severity | where`. A `column_checks` test (tests/generic/
column_checks.sql) is expanded into its per-column rules, written as the column tests they replace, so an
inventory from before the tests were folded compares line by line with one from after. Relationships,
unique_combination_of_columns, fresh_as_of and the other generic tests are listed with their arguments,
singular tests and unit tests by name. Disabled tests are left out. `--diff` and `--check` exit 1 when a
check of the first inventory is missing from the second.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

COLUMN_RULES = ("not_null", "unique", "accepted_range", "accepted_values")
# arguments left out of a rule when they hold the generic test's default
DEFAULTS = {"accepted_range": {"inclusive": True}, "accepted_values": {"quote": True}}


def _value(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def rule(name: str, args: dict[str, Any]) -> str:
    defaults = DEFAULTS.get(name, {})
    kept = {k: v for k, v in args.items() if k not in defaults or v != defaults[k]}
    return f"{name}({', '.join(f'{k}={_value(v)}' for k, v in sorted(kept.items()))})"


def column_checks_rules(kwargs: dict[str, Any]) -> list[tuple[str, str]]:
    """(column, rule) of every rule of a column_checks test's arguments."""
    out = []
    for key in ("not_null", "unique"):
        columns = kwargs.get(key) or []
        for column in [columns] if isinstance(columns, str) else columns:
            out.append((column, rule(key, {})))
    for column, bounds in (kwargs.get("accepted_range") or {}).items():
        out.append((column, rule("accepted_range", dict(bounds))))
    for column, spec in (kwargs.get("accepted_values") or {}).items():
        out.append((column, rule("accepted_values", dict(spec) if isinstance(spec, dict) else {"values": spec})))
    return out


def _enabled(node: dict[str, Any], nodes: dict[str, Any]) -> bool:
    if not (node.get("config") or {}).get("enabled", True):
        return False
    attached = node.get("attached_node")
    return not attached or attached in nodes and (nodes[attached].get("config") or {}).get("enabled", True)


def inventory(manifest: dict[str, Any]) -> list[str]:
    """One line per check of the manifest, sorted."""
    nodes = manifest.get("nodes", {})
    lines = []
    for node in nodes.values():
        if node.get("resource_type") != "test" or not _enabled(node, nodes):
            continue
        config = node.get("config") or {}
        severity = str(config.get("severity") or "error").lower()
        for key, default in (("warn_if", "!= 0"), ("error_if", "!= 0")):
            if str(config.get(key, default)) != default:
                severity += f" {key} {config[key]}"
        where = config.get("where") or "-"
        attached = node.get("attached_node")
        model = nodes[attached]["name"] if attached in nodes else ", ".join(
            sorted(nodes[d]["name"] for d in (node.get("depends_on") or {}).get("nodes", []) if d in nodes)) or "-"
        metadata = node.get("test_metadata")
        if not metadata:
            checks = [("-", f"singular({node['name']})")]
        else:
            name = metadata["name"]
            kwargs = {k: v for k, v in (metadata.get("kwargs") or {}).items() if k != "model"}
            column = kwargs.pop("column_name", None) or node.get("column_name")
            if name == "column_checks":
                checks = column_checks_rules(kwargs)
            elif name == "unique_combination_of_columns":
                checks = [(", ".join(kwargs.pop("combination_of_columns")), rule(name, kwargs))]
            else:
                checks = [(column or "-", rule(name, kwargs))]
        lines += [f"{model} | {column} | {check} | {severity} | {where}" for column, check in checks]
    for test in manifest.get("unit_tests", {}).values():
        if (test.get("config") or {}).get("enabled", True):
            lines.append(f"{test.get('model') or '-'} | - | unit_test({test['name']}) | - | -")
    return sorted(lines)


def load(path: str | Path) -> list[str]:
    """The inventory of a manifest.json, or the lines of a committed inventory (.txt)."""
    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith(".json"):
        return inventory(json.loads(text))
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def diff(before: list[str], after: list[str]) -> tuple[list[str], list[str]]:
    """(lost, new): the checks of `before` missing from `after`, and the other way round."""
    a, b = set(before), set(after)
    return sorted(a - b), sorted(b - a)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="manifest.json (or an inventory .txt with --diff/--check)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="compare two: every lost (-) and new (+) check")
    mode.add_argument("--check", action="store_true", help="exit 1 if a check of the first is missing")
    args = parser.parse_args(argv)
    if not (args.diff or args.check):
        for path in args.paths:
            print("\n".join(load(path)))
        return 0
    if len(args.paths) != 2:
        parser.error("--diff and --check take two paths: before, after")
    before, after = load(args.paths[0]), load(args.paths[1])
    lost, new = diff(before, after)
    if args.diff:
        for line in lost:
            print(f"- {line}")
        for line in new:
            print(f"+ {line}")
    print(f"{len(before)} checks before, {len(after)} after: {len(lost)} lost, {len(new)} new", file=sys.stderr)
    if lost and args.check:
        print("\n".join(f"missing: {line}" for line in lost))
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
