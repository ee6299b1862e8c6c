"""The run summary: one JSON document (`run_summary.json`) and its terminal table.

The table quotes data-derived text (failures with examples of raw values, notes,
errors): it is rendered with control characters shown as <U+XXXX>
(safe_text.terminal_safe), so a value cannot rewrite the terminal. The JSON
document escapes them itself (json.dumps writes \u001b)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kpi_pipeline.artifacts import NodeResult
from kpi_pipeline.safe_text import terminal_safe

PASS_STATES = {"success", "pass"}


NO_OP_STATES = {"no-op"}  # dbt's status of a node it has nothing to run for (an exposure, an ephemeral model)


def dbt_counts(results: list[NodeResult]) -> dict[str, dict[str, int]]:
    """Passed/warned/failed/errored/skipped per resource kind (models, tests, unit tests, ...); a NO-OP (the
    exposure kpi_report in every build) is counted as no_op, never as an error."""
    kinds = {"model": "models", "test": "tests", "unit_test": "unit_tests", "seed": "seeds", "snapshot": "snapshots",
             "exposure": "exposures"}
    out: dict[str, dict[str, int]] = {}
    for result in results:
        kind = kinds.get(result.resource_type, result.resource_type)
        bucket = out.setdefault(kind, {"passed": 0, "warned": 0, "failed": 0, "errored": 0, "skipped": 0})
        status = result.status
        if status in NO_OP_STATES:
            bucket["no_op"] = bucket.get("no_op", 0) + 1
        elif status in PASS_STATES:
            bucket["passed"] += 1
        elif status == "warn":
            bucket["warned"] += 1
        elif status == "fail":
            bucket["failed"] += 1
        elif status == "skipped":
            bucket["skipped"] += 1
        else:
            bucket["errored"] += 1
    return out


def describe_checked(quality: dict[str, Any]) -> str:
    """Which marts the data-quality step checked whole and which from a date, in one line."""
    whole = quality.get("checked_whole") or []
    windows = quality.get("checked_from") or {}
    parts = []
    if whole:
        why = quality.get("whole_because")
        parts.append(f"{len(whole)} whole" + (f" ({why})" if why else ""))
    if windows:
        parts.append("from a date: " + ", ".join(
            f"{name} ({w['column']} >= {w['from']})" for name, w in windows.items()))
    return "; ".join(parts) or "-"


def data_source(summary: dict[str, Any]) -> str:
    """Where the run's raw data came from, as the load step found it."""
    if summary.get("data_source"):
        return str(summary["data_source"])
    if summary.get("data_dir"):
        return f"files in {summary['data_dir']}"
    return "- (the run stopped before the load step)"


def write_json(summary: dict[str, Any], output_dir: Path) -> Path:
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / "run_summary.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary, indent=2, sort_keys=False, default=str) + "\n")
    tmp.replace(path)
    return path


def _row(label: str, value: Any, width: int = 34) -> str:
    return f"  {label:<{width}} {value}"


def _counts_text(bucket: dict[str, int] | None, keys: tuple[str, ...]) -> str:
    if not bucket:
        return "-"
    return ", ".join(f"{bucket.get(k, 0)} {k}" for k in keys if bucket.get(k, 0) or k == keys[0])


def render(summary: dict[str, Any]) -> str:
    """The summary table printed at the end of every run."""
    lines = ["", "=" * 72, f"kpi-pipeline {summary['status'].upper()} (exit {summary['exit_code']})  run {summary['run_id']}"]
    lines.append(_row("target", f"{summary['target']} ({summary.get('warehouse') or '-'})"))
    lines.append(_row("as-of date", summary.get("as_of_date") or "latest in data"))
    lines.append(_row("data", data_source(summary)))
    if summary.get("full_refresh"):
        lines.append(_row("full refresh", summary.get("full_refresh_because") or "yes"))
    lines.append("-" * 72)
    lines.append("  step timings")
    for step in summary.get("steps", []):
        lines.append(_row(f"  {step['name']}", f"{step['seconds']:.1f}s  {step['status']}"))
    lines.append("-" * 72)
    dbt = summary.get("dbt", {})
    lines.append(_row("models built", _counts_text(dbt.get("models"), ("passed", "errored", "skipped"))))
    lines.append(_row("data tests", _counts_text(dbt.get("tests"), ("passed", "warned", "failed", "errored", "skipped"))))
    if summary.get("unit_tests_not_run_since") and not dbt.get("unit_tests"):
        lines.append(_row("unit tests", f"not run: code unchanged since they passed ({summary['unit_tests_not_run_since']})"))
    else:
        lines.append(_row("unit tests", _counts_text(dbt.get("unit_tests"), ("passed", "failed", "errored", "skipped"))))
    quality = summary.get("expectations") or {}
    if quality.get("skipped_step"):
        lines.append(_row("expectations", "skipped (--skip-quality)"))
    elif quality:
        lines.append(
            _row(
                "expectations",
                f"{quality.get('passed', 0)} passed, {quality.get('failed', 0)} failed "
                f"on {len(quality.get('validated', []))} marts",
            )
        )
        if quality.get("checked"):
            lines.append(_row("marts checked", describe_checked(quality)))
        if quality.get("data_docs"):
            lines.append(_row("data docs", quality["data_docs"]))
    report = summary.get("report") or {}
    if report.get("path"):
        lines.append(_row("report", f"{report['path']} ({report.get('bytes', 0) / 1_000_000:.1f} MB)"))
    elif report.get("skipped"):
        lines.append(_row("report", f"not written ({report['skipped']})"))
    quarantined = (summary.get("quarantine") or {}).get("tables") or {}
    if quarantined:
        lines.append("-" * 72)
        total = summary.get("quarantined_rows", 0)
        threshold = (summary.get("quarantine") or {}).get("threshold")
        lines.append(
            f"  quarantined rows: {total:,} (threshold {threshold:.2%} of a table)"
            if isinstance(threshold, (int, float)) else f"  quarantined rows: {total:,}"
        )
        for name, table in quarantined.items():
            if not table.get("quarantined_rows"):
                continue
            flag = "  ABOVE THRESHOLD" if table.get("above_threshold") else ""
            lines.append(_row(f"  {name}", f"{table['quarantined_rows']:>10,} of {table['raw_rows']:,}{flag}"))
            for rule, count in (table.get("rules") or {}).items():
                lines.append(_row(f"    {rule}", f"{count:>10,}"))
    rows = summary.get("row_counts") or {}
    if rows:
        lines.append("-" * 72)
        lines.append("  rows per mart")
        for name, count in rows.items():
            lines.append(_row(f"  {name}", f"{count:>10,}" if isinstance(count, int) else count))
    failures = summary.get("failures") or []
    if failures:
        lines.append("-" * 72)
        lines.append(f"  failures ({len(failures)})")
        for failure in failures[:25]:
            lines.append(f"  - {failure['text']}")
        if len(failures) > 25:
            lines.append(f"  ... and {len(failures) - 25} more (see run_summary.json)")
    if summary.get("error"):
        lines.append("-" * 72)
        lines.append(f"  error: {summary['error']}")
    lines.append("-" * 72)
    lines.append(_row("summary", summary.get("summary_path") or "-"))
    lines.append("=" * 72)
    return terminal_safe("\n".join(lines))
