"""dbt's failed nodes as the run's failures (with failing rows); the quarantine gates folded into theirs."""

from __future__ import annotations

import re
from typing import Any

from kpi_pipeline import artifacts
from kpi_pipeline.contract import TABLES_BY_NAME
from kpi_pipeline.run_state import RunState
from kpi_pipeline.safe_text import terminal_safe


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\r", "")


def _examples(state: RunState, sql: str | None, limit: int = 3) -> list[str]:
    """A few failing rows of a failed test, from its compiled SQL."""
    if not sql or state.warehouse is None:
        return []
    try:
        with state.warehouse.connect() as conn:
            # dbt's compiled SQL is the warehouse's own dialect: on Spark, not to be translated
            cur = conn.cursor(native=True) if state.warehouse.kind == "spark" else conn.cursor()
            cur.execute(f"select * from ({sql}) as failing_rows limit {int(limit)}")
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, row)) for row in cur.fetchall()]
    except Exception:  # examples are a courtesy; never fail the run on them
        return []
    if rows and set(rows[0]) == set(COLUMN_CHECKS_COLUMNS):  # one row per failing rule of a column_checks test
        return [terminal_safe(f"{r['column_name']} {r['rule']}: {r['failing_rows']:,} row(s)") for r in rows]
    return [terminal_safe(", ".join(f"{n}={v}" for n, v in row.items())) for row in rows]


COLUMN_CHECKS = "column_checks"
COLUMN_CHECKS_COLUMNS = ("column_name", "rule", "failing_rows")


def _test_text(r: artifacts.NodeResult, test_node: dict[str, Any], model: str, examples: list[str]) -> str:
    """`dbt test <name> on <model>: fail, ...`: for a column_checks test (tests/generic/column_checks.sql)
    each failing rule with its column and number of rows, for another test its failing rows."""
    text = f"dbt test {r.name} on {model}: {r.status}"
    if (test_node.get("test_metadata") or {}).get("name") == COLUMN_CHECKS and r.failures:
        text += f", {r.failures} failing check(s)"
        return text + (": " + "; ".join(examples) if examples else "")
    if r.failures:
        text += f", {r.failures} failing row(s)"
    return text + (" e.g. " + " | ".join(examples) if examples else "")


def collect_dbt_failures(state: RunState, manifest: dict[str, Any]) -> None:
    nodes = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}
    for r in state.results:
        if r.status not in ("fail", "error", "runtime error"):
            continue
        model = nodes.get(r.attached_to or "", {}).get("name") or r.attached_to or "-"
        message = (r.message or "").strip().splitlines()
        if r.resource_type == "test" and r.status == "fail":
            test_node = nodes.get(r.unique_id, {})
            is_checks = (test_node.get("test_metadata") or {}).get("name") == COLUMN_CHECKS
            examples = _examples(state, r.compiled_code, limit=20 if is_checks else 3)
            text = _test_text(r, test_node, model, examples)
        elif r.resource_type in ("test", "unit_test"):
            examples = []
            text = f"dbt {r.resource_type.replace('_', ' ')} {r.name} on {model}: {r.status}"
            if r.failures:
                text += f", {r.failures} failing row(s)"
            if r.resource_type == "unit_test" and r.message:
                diff = [line for line in strip_ansi(r.message).splitlines() if line.strip()][:6]
                text += ": " + " / ".join(" ".join(line.split()) for line in diff)[:600]
            elif message and r.status != "fail":
                text += f": {message[0][:200]}"
        else:
            examples = []
            text = f"dbt {r.resource_type} {r.name}: {r.status}: {message[0][:200] if message else ''}"
        failure = {"kind": f"dbt_{r.resource_type}", "node": r.unique_id, "model": model, "status": r.status,
                   "failures": r.failures, "examples": examples, "text": text}
        gate_table = gate_raw_table(nodes.get(r.unique_id, {}))
        if gate_table:
            failure["gate_raw_table"] = gate_table
        state.failures.append(failure)


GATE_TEST = "quarantine_below_threshold"


def gate_raw_table(test_node: dict[str, Any]) -> str | None:
    """The raw table a quarantine gate test (quarantine_below_threshold) counts, None for any other node.
    The gate is attached to the table's staging model or to its int_<entity>_checked model."""
    metadata = test_node.get("test_metadata") or {}
    if metadata.get("name") != GATE_TEST:
        return None
    kwargs = metadata.get("kwargs") or {}
    table = kwargs.get("raw_table") or (kwargs.get("arguments") or {}).get("raw_table")
    return str(table) if table else None


def merge_gate_failures(failures: list[dict[str, Any]], above: list[Any]) -> list[dict[str, Any]]:
    """The failures with one entry per raw table above the quarantine threshold: the table's gate test
    failed too (and held back everything downstream of the model it is attached to); it is folded into the
    quarantine failure, which names the raw table, its counts, rules and examples, and the gate's model."""
    tables = {table.raw_table for table in above}
    gates: dict[str, str] = {}
    kept = []
    for failure in failures:
        table = failure.get("gate_raw_table")
        if failure.get("kind") == "dbt_test" and table in tables:
            gates.setdefault(table, str(failure.get("model") or ""))
            continue
        kept.append(failure)
    for table in above:
        model = gates.get(table.raw_table) or (
            TABLES_BY_NAME[table.raw_table].staging_model if table.raw_table in TABLES_BY_NAME else "")
        downstream = f"; everything downstream of {model} (its quarantine gate) kept its last good state" \
            if model else "; everything downstream of it kept its last good state"
        kept.append(
            {"kind": "quarantine", "raw_table": table.raw_table, "gate_model": model or None,
             "rejected_rows": table.rejected_rows, "raw_rows": table.raw_rows, "rules": table.rules,
             "examples": table.examples, "text": table.describe_failure() + downstream}
        )
    return kept
