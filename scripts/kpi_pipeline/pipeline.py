"""The `kpi-pipeline run` steps: load -> build -> quarantine -> data quality -> summary.

Every run that reaches the warehouse appends one row to `ops.pipeline_runs`
and writes `<output-dir>/run_summary.json`, whatever its outcome.

The modules, each importing only those below it:
  pipeline.py     run: the lock, the steps in order, the summary whatever happens
  run_record.py   what a run leaves: row counts, run_summary.json, its row in ops.pipeline_runs
  steps.py        load, build, quarantine, data quality, report
  failures.py     dbt's failed nodes as failures (with failing rows), quarantine gates folded in
  preflight.py    dbt's environment; the checks before anything is loaded (vars, folders, files)
  run_state.py    RunState (what the run has learnt), the run's output lines"""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack

from kpi_pipeline import load, summary
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.lock import PgAdvisoryLock, PipelineLock, lock_path
from kpi_pipeline.preflight import preflight, prepare_env
from kpi_pipeline.run_record import build_summary, count_rows, record_history, _write_summary
from kpi_pipeline.run_state import RunState, err, out
from kpi_pipeline.settings import RunConfig
from kpi_pipeline.steps import build_step, load_step, quality_step, quarantine_step, report_step
from kpi_pipeline.warehouse import resolve


def run(config: RunConfig) -> int:
    """Run the pipeline; returns the exit code. Raises PipelineError before the warehouse is reached."""
    state = RunState(config)
    warehouse = resolve(config.project_dir, config.target)
    state.warehouse = warehouse
    engine = prepare_env(config, warehouse)
    if config.data_dir is not None:
        load.discover(config.data_dir)  # fail fast (exit 2) before taking the lock
    lock = PipelineLock(
        lock_path(config.project_dir, warehouse.lock_key, warehouse.duckdb_path),
        dt.timedelta(hours=config.lock_max_age_hours),
        report=lambda message: (err(f"kpi-pipeline: {message}"), state.notes.append(message)),
    )
    with ExitStack() as locks:
        locks.enter_context(lock)  # this checkout (and the DuckDB file)
        if warehouse.kind == "postgres":
            # the file lock only sees runs of this checkout: one job at a time per PostgreSQL database,
            # whatever the checkout or host, is an advisory lock in the database itself (its connection
            # also checks that the warehouse is reachable: PipelineError, exit 2, no history)
            locks.enter_context(PgAdvisoryLock(warehouse, state.run_id))
        out(f"kpi-pipeline run {state.run_id}: target {config.target} ({warehouse.description})")
        if engine:
            out("  from this machine (env overrides): " + ", ".join(f"{k}={v}" for k, v in engine.items()))
        with warehouse.connect():  # unreachable warehouse: PipelineError, exit 2, no history
            pass
        try:
            preflight(state)
            load_step(state)
            if not state.failed:
                build_step(state)
                quarantine_step(state)
                quality_step(state)
                report_step(state)
        except PipelineError as exc:
            state.error = str(exc)
        except KeyboardInterrupt:
            state.error = "interrupted"
            raise
        except SystemExit:
            state.error = "terminated (SIGTERM)"
            raise
        except Exception as exc:  # a bug: recorded as an error (exit 2) in the summary and the run history
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            state.error = f"internal error: {type(exc).__name__}: {first}"
            raise
        finally:
            finished_at = dt.datetime.now(dt.timezone.utc)
            with state.step("summary"):
                try:
                    count_rows(state)
                except PipelineError as exc:
                    state.notes.append(f"row counts unavailable: {exc}")
                data = build_summary(state, finished_at)
                summary_written = _write_summary(data, config.output_dir)
                if summary_written:
                    data["summary_path"] = str(summary_written)
                try:
                    record_history(state, data, finished_at)
                except PipelineError as exc:
                    state.notes.append(f"run history not written: {exc}")
                    err(f"kpi-pipeline: warning: run history not written: {exc}")
                data["steps"] = state.steps
                if summary_written:
                    _write_summary(data, config.output_dir)
            out(summary.render(data))
            for failure in state.failures:
                err(f"kpi-pipeline: FAILED {failure['text']}")
            if state.error:
                err(f"kpi-pipeline: error: {state.error}")
    return state.exit_code
