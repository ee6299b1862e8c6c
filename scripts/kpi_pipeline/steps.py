"""The run's steps after the preflight: load, build, quarantine, data quality, report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kpi_pipeline import artifacts, load, quarantine, raw_schema, summary, unit_tests
from kpi_pipeline.contract import TABLES
from kpi_pipeline.dbt_step import dbt_args, run_dbt
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.failures import collect_dbt_failures, merge_gate_failures
from kpi_pipeline.quality.windows import invocation_id
from kpi_pipeline.run_state import RunState, check_dbt, err, out
from kpi_pipeline.warehouse import row_count


def demo_owner(conn: Any, kind: str, schema: str) -> raw_schema.SchemaOwner:
    """raw_schema.demo_check, with its refusal about a table that is not the demo's put right: a table that
    holds rows is named first, and an empty one is called empty (an empty table holds no data: e.g. the
    contract's ad tables of a run with crm_source salesforce), never "holds data that is not the demo's"."""
    owner = raw_schema.demo_check(conn, kind, schema)
    if owner.demo_allowed:
        return owner
    comments = raw_schema.table_comments(conn, kind, schema)
    unmarked = [t.name for t in TABLES
                if t.name in comments and not (comments[t.name] or "").startswith(raw_schema.DEMO_MARK)]
    if not unmarked:  # a demo table whose rows changed: demo_check says so
        return owner

    def what(name: str) -> str:
        return f'"{comments[name]}"' if comments[name] else "no demo mark: created by another tool"

    holding = [name for name in unmarked if row_count(conn, schema, name)]
    if holding:
        return raw_schema.SchemaOwner(False, f"{schema}.{holding[0]} holds data that is not the demo's "
                                             f"({what(holding[0])})")
    return raw_schema.SchemaOwner(False, f"{schema}.{unmarked[0]} is an empty table that is not the demo's "
                                         f"({what(unmarked[0])})")


def load_step(state: RunState) -> None:
    """Fill the source schema: the demo seeds (only into a schema that holds nothing but the demo), or the
    files of --data-dir (bulk load, marked as the user's)."""
    config, warehouse = state.config, state.warehouse
    assert warehouse is not None
    dbt_vars = config.dbt_vars()
    schema = raw_schema.raw_schema(dbt_vars)
    other_database = raw_schema.raw_database(dbt_vars)
    where = f"schema {schema}" + (f" of database {other_database}" if other_database else "")
    with state.step("load") as record:
        if config.data_dir is None:
            with warehouse.connect() as conn:
                owner = demo_owner(conn, warehouse.kind, schema)
            if not owner.demo_allowed:
                note = (f"the demo data was not loaded: {owner.reason}; building from the tables in schema "
                        f"{schema} as they are (the demo never replaces or mixes with your data)")
                out(f"NOTE   {note}")
                state.notes.append(note)
                record["mode"] = f"source tables in schema {schema} as they are (not the demo's)"
                state.data_source = f"your tables in {where} as they are (not the demo's; nothing loaded)"
                return
            extra = ["--select", "path:seeds/demo"] + (["--full-refresh"] if config.full_refresh else [])
            # its own target path: dbt keeps one saved parse per target path and parses in full when the vars
            # differ, so the seed (var load_demo_data) and the build each keep theirs for the next run
            result = run_dbt(dbt_args(config, "seed", extra, extra_vars={"load_demo_data": True},
                                      target_path=config.target_path / "demo_seed"), out)
            check_dbt(result, "seed")
            record["mode"] = f"dbt seed (demo data into schema {schema})"
            state.data_source = f"demo seeds (dbt seed into {where})"
            if not result.success:
                state.failed = True
                record["status"] = "failed"
                for uid, message in result.messages.items():
                    state.failures.append({"kind": "seed", "node": uid, "text": f"seed {uid}: {message}"})
            return
        if raw_schema.raw_database(dbt_vars) is not None:
            raise PipelineError(
                "--data-dir loads into the target's own database; unset raw_database / KPI_RAW_DATABASE "
                "(they point the sources at another database)"
            )
        files = load.discover(config.data_dir)
        loaded = load.load_all(warehouse, files, out, schema=schema)
        state.loaded = {t.name: t.rows for t in loaded}
        state.notes.extend(warning for t in loaded for warning in t.warnings)
        record["mode"] = f"bulk load from {config.data_dir} into schema {schema}"
        state.data_source = f"files in {config.data_dir} (bulk load into schema {schema})"


def build_step(state: RunState) -> None:
    config = state.config
    with state.step("build") as record:
        # the build seeds the project's reference data (seeds/reference/); the demo seeds are off in it
        extra = [*(["--exclude", *config.exclude] if config.exclude else [])]
        if config.select:
            # a partial build runs only the tests whose parents are all selected: a
            # relationship test into an unselected (maybe never built) model would error
            extra += ["--select", *config.select, "--indirect-selection", "cautious"]
        if config.full_refresh:
            extra.append("--full-refresh")
            state.full_refresh_because = "--full-refresh"
        # --full-checks: the data tests of incremental models check the whole table, not the window
        build_vars = {"full_checks": True} if config.full_checks else None
        fingerprint = unit_tests.code_fingerprint(config.project_dir, config.target, state.warehouse.kind
                                                  if state.warehouse else "", config.dbt_vars())
        skip_units = skip_unit_tests(state, fingerprint)
        if skip_units:
            extra += unit_tests.exclude_args()
            note = unit_tests.SKIPPED_NOTE.format(at=skip_units)
            out(f"NOTE   {note}")
            state.notes.append(note)
            state.unit_tests_skipped = skip_units
        result = run_dbt(dbt_args(config, "build", extra, extra_vars=build_vars), out)
        check_dbt(result, "build")
        changed = [m for m in result.messages.values() if "HISTORY_CHANGED" in m]
        if changed and not config.full_refresh:
            # raw rows before the refresh window were edited or deleted: the incremental models would
            # stay stale, so the whole build runs again as a full refresh
            first = changed[0].split("HISTORY_CHANGED: ", 1)[-1].splitlines()[0]
            note = f"history changed, rebuilding in full (--full-refresh): {first[:300]}"
            out(f"\nNOTE   {note}\n")
            state.notes.append(note)
            record["full_refresh_because"] = first[:300]
            state.rebuilt_in_full = True
            state.full_refresh_because = f"history changed: {first[:300]}"
            result = run_dbt(dbt_args(config, "build", [*extra, "--full-refresh"], extra_vars=build_vars), out)
            check_dbt(result, "build")
        full = [m for m in result.messages.values() if "No space left on device" in m or "disk is full" in m.lower()]
        if full:
            raise PipelineError(
                f"No space left on device during the build: {full[0].splitlines()[0][:200]} (warehouse "
                f"{state.warehouse.description if state.warehouse else '?'}; dbt log in {config.log_path})"
            )
        manifest = artifacts.read_json(config.target_path / "manifest.json")
        run_results = artifacts.read_json(config.target_path / "run_results.json")
        state.results = artifacts.node_results(run_results, manifest)
        state.invocation_id = invocation_id(run_results)
        # only a whole build ran every unit test: a --select / --exclude run passing its own proves nothing else
        units = [r for r in state.results if r.resource_type == "unit_test"]
        if units and not config.select and not config.exclude and all(r.status == "pass" for r in units):
            unit_tests.record_passed(config.target_path, fingerprint, state.run_id,
                                     dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), len(units))
        state.quality["_manifest"] = manifest
        if not result.success:
            state.failed = True
            record["status"] = "failed"
        collect_dbt_failures(state, manifest)


def skip_unit_tests(state: RunState, fingerprint: str) -> str | None:
    """When the last unit tests passed (UTC time), if this run may leave them out: a refresh (not
    --full-refresh, not --full-checks) of the code they passed on (kpi_pipeline.unit_tests)."""
    config = state.config
    if config.full_refresh or config.wants_full_checks():
        return None
    prior = unit_tests.last_passed(config.target_path)
    if prior is None or prior["fingerprint"] != fingerprint:
        return None
    return str(prior.get("passed_at") or "?")


def built_models(state: RunState) -> set[str]:
    return {r.unique_id for r in state.results if r.resource_type == "model" and r.status == "success"}


QUARANTINE_SUMMARY_MODEL = "quarantine_summary"


def quarantine_step(state: RunState) -> None:
    """Count the quarantined rows per raw table and rule; fail the run (exit 1) for every
    table above var quarantine_threshold. Only when this run built the quarantine.
    Reported as part of the build step (its timing is in the build's)."""
    assert state.warehouse is not None
    built = {r.name for r in state.results if r.resource_type == "model" and r.status == "success"}
    if QUARANTINE_SUMMARY_MODEL not in built:
        return
    report = quarantine.read_report(state.warehouse)
    if report is None:
        return
    state.quarantine = report.as_dict()
    out("\nquarantine (docs/quarantine.md):")
    for table in report.tables.values():
        if table.quarantined_rows:
            rules = ", ".join(f"{rule} {count:,}" for rule, count in table.rules.items())
            out(f"  {table.raw_table}: {table.quarantined_rows:,} of {table.raw_rows:,} rows quarantined ({rules})")
    if not report.total:
        out("  no row quarantined")
    # the table's gate test failed too, and held back everything downstream of its model: one failure per
    # table, with the rules and examples
    state.failures = merge_gate_failures(state.failures, report.above_threshold)
    if report.above_threshold:
        state.failed = True
        for record in state.steps:
            if record["name"] == "build":
                record["status"] = "failed"


def quality_step(state: RunState) -> None:
    from kpi_pipeline.quality import latest_activity_date, run_quality

    config, warehouse = state.config, state.warehouse
    assert warehouse is not None
    manifest = state.quality.pop("_manifest", None)
    if config.skip_quality:
        state.quality = {"skipped_step": True}
        return
    if manifest is None:
        return
    with state.step("data quality") as record:
        marts = artifacts.discover_marts(manifest)
        with warehouse.connect() as conn:
            data_through = latest_activity_date(conn, manifest)
        report = run_quality(
            warehouse, marts, built_models(state), config.effective_as_of(),
            config.output_dir / "data_docs", out,
            invocation_id=state.invocation_id, whole_reason=whole_checks_reason(state),
            batch_rows=config.gx_batch_rows, data_through=data_through,
        )
        failures = report.failures()
        if report.empty_months:
            note = (f"the as-of date {config.effective_as_of()} is after the latest activity in the data "
                    f"({report.data_through}): {', '.join(report.empty_months)} had no activity, so the marts "
                    "show those months empty (zero counts, or no rows in marts of events)")
            out(f"NOTE   {note}")
            state.notes.append(note)
        for warning in report.warnings:
            out(f"WARN   {warning}")
            state.notes.append(warning)
        state.quality = {
            "passed": report.passed,
            "failed": report.failed,
            "validated": report.validated,
            "as_of_month": report.as_of_month.isoformat() if report.as_of_month else None,
            "data_through": report.data_through.isoformat() if report.data_through else None,
            "empty_months": report.empty_months,
            "data_docs": str(report.docs_index) if report.docs_index else None,
            "grain": {m.name: {"columns": list(m.grain), "from": m.grain_source} for m in marts},
            "no_grain": sorted(m.name for m in marts if not m.grain and m.name in report.validated),
            # which rows of each mart were checked, and how (docs/operations.md, "What a refresh re-checks")
            "full_checks": config.wants_full_checks(),
            "whole_because": report.plan.whole_reason if report.plan else None,
            "invocation_id": state.invocation_id,
            "batch_rows": config.gx_batch_rows,
            "checked_whole": sorted(name for name, c in report.checked.items() if c["scope"] == "whole"),
            "checked_from": {name: {"column": c["column"], "from": c["from"]}
                             for name, c in sorted(report.checked.items()) if c["scope"] == "window"},
            "checked": report.checked,
        }
        if report.checked:
            record["checked"] = summary.describe_checked(state.quality)
            out(f"marts checked: {record['checked']}")
        for outcome in failures:
            state.failures.append(
                {"kind": "expectation", "suite": outcome.suite, "check": outcome.check,
                 "expectation": outcome.expectation, "column": outcome.column,
                 "unexpected_count": outcome.unexpected_count,
                 "examples": [str(v) for v in outcome.examples], "text": "expectation " + outcome.describe_failure()}
            )
        if failures:
            state.failed = True
            record["status"] = "failed"


def whole_checks_reason(state: RunState) -> str | None:
    """Why every mart is checked whole in this run (None: incremental marts by their refresh window)."""
    config = state.config
    if config.wants_full_checks():
        return "--full-checks"
    if config.full_refresh:
        return "--full-refresh"
    if state.rebuilt_in_full:
        return "the build reran as a full refresh (history changed)"
    return None


def report_step(state: RunState) -> None:
    """Write the HTML KPI report from the marts; only after a run with nothing failed, so
    a refresh that failed its checks leaves the previous report (with its own as-of date) in place."""
    from kpi_pipeline.report.command import NothingToReport, describe, empty_note, missing_warning, \
        reporting_currency, write_report

    config, warehouse = state.config, state.warehouse
    assert warehouse is not None
    if config.skip_report:
        state.report = {"skipped": "--skip-report"}
        return
    if state.failed:
        state.report = {"skipped": "the run failed"}
        state.notes.append("report not refreshed: the run failed (a previous report is left as it was)")
        return
    with state.step("report") as record:
        currency = reporting_currency(config.project_dir, config.dbt_vars())
        try:
            result = write_report(warehouse, config.report_path(), currency, read_only=False)
        except NothingToReport as exc:  # e.g. a --select that built no mart into an empty warehouse
            record["status"] = "skipped"
            state.report = {"skipped": str(exc)}
            state.notes.append(f"report not written: {exc}")
            err(f"kpi-pipeline: warning: report not written: {exc}")
            return
        state.report = result.as_dict()
        record["path"] = str(result.path)
        out(f"report: {describe(result)}")
        warning = missing_warning(result)
        if warning:
            state.notes.append(warning)
            err(f"kpi-pipeline: warning: {warning}")
        note = empty_note(result)
        if note:
            state.notes.append(note)
            out(f"NOTE   {note}")
