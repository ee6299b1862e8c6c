"""What a run leaves behind: the marts' row counts, run_summary.json and its row in ops.pipeline_runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kpi_pipeline import artifacts, history, summary
from kpi_pipeline.run_state import RunState, err
from kpi_pipeline.safe_text import terminal_safe
from kpi_pipeline.warehouse import row_count, table_exists


def _write_summary(data: dict, output_dir: Path) -> Path | None:
    """run_summary.json, or None (with a warning) when the output directory cannot be written: the
    run's own error (a read-only --output-dir) must not be hidden behind a second one."""
    try:
        return summary.write_json(data, output_dir)
    except OSError as exc:
        err(f"kpi-pipeline: warning: run_summary.json not written to {output_dir}: {exc.strerror or exc}")
        return None


def count_rows(state: RunState) -> None:
    manifest_path = state.config.target_path / "manifest.json"
    if state.warehouse is None or not manifest_path.exists():
        return
    marts = artifacts.discover_marts(artifacts.read_json(manifest_path))
    with state.warehouse.connect() as conn:
        for mart in sorted(marts, key=lambda m: (not m.name.startswith("kpi_"), m.family, m.name)):
            if table_exists(conn, mart.schema, mart.alias):
                state.row_counts[f"{mart.schema}.{mart.alias}"] = row_count(conn, mart.schema, mart.alias)


def build_summary(state: RunState, finished_at: dt.datetime) -> dict[str, Any]:
    config = state.config
    as_of = config.effective_as_of()
    return {
        "run_id": state.run_id,
        "status": state.status,
        "exit_code": state.exit_code,
        "started_at": state.started_at.isoformat(timespec="seconds"),
        "finished_at": finished_at.isoformat(timespec="seconds"),
        "target": config.target,
        "warehouse": state.warehouse.description if state.warehouse else None,
        "as_of_date": as_of.isoformat() if as_of else None,
        "vars": config.dbt_vars(),
        "data_dir": str(config.data_dir) if config.data_dir else None,
        # where the raw data came from: the demo seeds, files of --data-dir, or tables already in the
        # source schema (None: the run stopped before the load step)
        "data_source": state.data_source,
        "select": list(config.select),
        "exclude": list(config.exclude),
        # true too when the build reran as a full refresh by itself (history changed); why, in the next key
        "full_refresh": config.full_refresh or state.rebuilt_in_full,
        "full_refresh_because": state.full_refresh_because,
        # unit tests left out of this refresh: the code they test is unchanged since they passed then (UTC)
        "unit_tests_not_run_since": state.unit_tests_skipped,
        "full_checks": config.wants_full_checks(),
        "steps": state.steps,
        "loaded_rows": state.loaded,
        "dbt": summary.dbt_counts(state.results),
        "row_counts": state.row_counts,
        "expectations": state.quality,
        "failures": state.failures,
        "notes": state.notes,
        "error": state.error,
        "quarantined_rows": int(state.quarantine.get("total_quarantined_rows", 0)),
        "quarantine": state.quarantine,
        "report": state.report,
        "run_results": str(config.target_path / "run_results.json"),
    }


def record_history(state: RunState, data: dict[str, Any], finished_at: dt.datetime) -> None:
    assert state.warehouse is not None
    counts = data["dbt"]
    models, tests = counts.get("models", {}), counts.get("tests", {})
    quality = state.quality
    history.append_run(
        state.warehouse,
        history.RunRecord(
            run_id=state.run_id,
            started_at=state.started_at,
            finished_at=finished_at,
            status=state.status,
            exit_code=state.exit_code,
            target=state.config.target,
            as_of_date=state.config.effective_as_of(),
            models_passed=models.get("passed", 0),
            models_failed=models.get("errored", 0) + models.get("failed", 0),
            tests_passed=tests.get("passed", 0),
            tests_warned=tests.get("warned", 0),
            tests_failed=tests.get("failed", 0) + tests.get("errored", 0),
            expectations_passed=int(quality.get("passed", 0) or 0),
            expectations_failed=int(quality.get("failed", 0) or 0),
            quarantined_rows=int(state.quarantine.get("total_quarantined_rows", 0)),
            data_dir=str(state.config.data_dir) if state.config.data_dir else None,
            message=terminal_safe(state.error or "; ".join(f["text"] for f in state.failures[:5])) or None,
        ),
    )
