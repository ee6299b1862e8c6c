"""The `kpi-pipeline run` steps: load -> build -> quarantine -> data quality -> summary.

Every run that reaches the warehouse appends one row to `ops.pipeline_runs`
and writes `<output-dir>/run_summary.json`, whatever its outcome.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi_pipeline import artifacts, history, load, quarantine, raw_schema, summary
from kpi_pipeline.contract import TABLES, TABLES_BY_NAME
from kpi_pipeline.dbt_step import DbtStepResult, dbt_args, run_dbt
from kpi_pipeline.errors import EXIT_ERROR, EXIT_FAILURE, EXIT_OK, PipelineError
from kpi_pipeline.lock import PgAdvisoryLock, PipelineLock, lock_path
from kpi_pipeline.quality.windows import invocation_id
from kpi_pipeline.safe_text import terminal_safe
from kpi_pipeline.settings import RunConfig, unknown_vars, validate_vars
from kpi_pipeline.warehouse import Warehouse, resolve, row_count, table_exists

Printer = Callable[[str], None]


def out(text: str) -> None:
    """Every line of a run goes through out/err: data-derived text (quarantine messages, failing rows)
    reaches the terminal with its control characters shown as <U+XXXX> (safe_text)."""
    print(terminal_safe(text), flush=True)


def err(text: str) -> None:
    print(terminal_safe(text), file=sys.stderr, flush=True)


@dataclass
class RunState:
    """What one run has learnt so far; turned into the summary at the end."""

    config: RunConfig
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    warehouse: Warehouse | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    loaded: dict[str, int] = field(default_factory=dict)
    results: list[artifacts.NodeResult] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    quality: dict[str, Any] = field(default_factory=dict)
    quarantine: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    invocation_id: str | None = None  # the dbt build's (run_results.json), for its refresh windows
    rebuilt_in_full: bool = False  # the build reran as a full refresh (history changed)
    full_refresh_because: str | None = None  # why the build ran as a full refresh (None: it did not)
    data_source: str | None = None  # where the raw data came from (the load step says)
    notes: list[str] = field(default_factory=list)
    failed: bool = False
    error: str | None = None

    @contextmanager
    def step(self, name: str) -> Iterator[dict[str, Any]]:
        record: dict[str, Any] = {"name": name, "status": "running", "seconds": 0.0}
        self.steps.append(record)
        out(f"\n== {name} ==")
        started = time.monotonic()
        try:
            yield record
            if record["status"] == "running":
                record["status"] = "ok"
        except BaseException:
            record["status"] = "error"
            raise
        finally:
            record["seconds"] = round(time.monotonic() - started, 2)

    @property
    def exit_code(self) -> int:
        if self.error:
            return EXIT_ERROR
        return EXIT_FAILURE if self.failed else EXIT_OK

    @property
    def status(self) -> str:
        return {EXIT_OK: "success", EXIT_FAILURE: "failed"}.get(self.exit_code, "error")


def prepare_env(config: RunConfig, warehouse: Warehouse) -> None:
    """Point dbt at the same project, profiles and database as the orchestrator."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ["KPI_PROJECT_DIR"] = str(config.project_dir)
    os.environ["DBT_PROFILES_DIR"] = str(config.project_dir)
    if warehouse.duckdb_path is not None:
        given = os.environ.get("KPI_DUCKDB_PATH", "")
        # dbt gets the path as the user wrote it when it names the same file from this directory (dbt and the
        # orchestrator share the working directory): dbt keys its saved parse (partial parsing) on the
        # profile's settings, this path included, so `kpi-pipeline run` and a `dbt build` with the same
        # settings and target path re-use one parse. Otherwise (unset, "~"), the resolved path.
        if not given or given.startswith("~") or Path(given).resolve() != warehouse.duckdb_path:
            os.environ["KPI_DUCKDB_PATH"] = str(warehouse.duckdb_path)


def check_dbt(result: DbtStepResult, what: str) -> None:
    if isinstance(result.exception, (KeyboardInterrupt, SystemExit)):
        raise result.exception  # Ctrl-C / SIGTERM during dbt: stop the run
    if result.exception is not None:
        text = str(result.exception).strip().splitlines()
        raise PipelineError(f"dbt {what} could not run: {' '.join(text[:3]) if text else type(result.exception).__name__}")


def _write_summary(data: dict, output_dir: Path) -> Path | None:
    """run_summary.json, or None (with a warning) when the output directory cannot be written: the
    run's own error (a read-only --output-dir) must not be hidden behind a second one."""
    try:
        return summary.write_json(data, output_dir)
    except OSError as exc:
        err(f"kpi-pipeline: warning: run_summary.json not written to {output_dir}: {exc.strerror or exc}")
        return None


# the vendor adapters' source schemas (docs/adapters.md), by the vendor a var selects
VENDOR_SCHEMAS = {"salesforce": ("salesforce", "salesforce_history"), "hubspot": ("hubspot",),
                  "google_ads": ("google_ads",), "facebook_ads": ("facebook_ads",), "linkedin_ads": ("linkedin_ads",)}


def selected_vendors(dbt_vars: dict[str, Any], project_vars: dict[str, Any]) -> list[str]:
    """The vendors whose adapters the run's vars (else dbt_project.yml's) turn on."""
    crm = str(dbt_vars.get("crm_source") or project_vars.get("crm_source") or "contract")
    ads = dbt_vars.get("ads_sources", project_vars.get("ads_sources", ["contract"]))
    names = ads if isinstance(ads, (list, tuple)) else re.findall(r"[A-Za-z_]+", str(ads))
    return [vendor for vendor in VENDOR_SCHEMAS if vendor == crm or vendor in {str(n) for n in names}]


def vendor_catalog_clash(duckdb_path: Path | None, dbt_vars: dict[str, Any], project_vars: dict[str, Any]) -> str | None:
    """Why the run cannot read a vendor's tables, when the DuckDB file is named like the vendor's schema:
    DuckDB names the file's catalog after it (salesforce.duckdb -> catalog salesforce), so the source
    `salesforce.account` is an "Ambiguous reference to catalog or schema" in every model reading it."""
    if duckdb_path is None:
        return None
    catalog = duckdb_path.stem
    for vendor in selected_vendors(dbt_vars, project_vars):
        for source in VENDOR_SCHEMAS[vendor]:
            schema = str(dbt_vars.get(f"{source}_schema") or project_vars.get(f"{source}_schema")
                         or os.environ.get(f"KPI_{source.upper()}_SCHEMA") or source)
            if schema.lower() == catalog.lower():
                return (
                    f"the DuckDB file {duckdb_path} is named like the {vendor} schema {schema}: DuckDB calls the "
                    f"file's catalog {catalog}, so every {vendor} table ({schema}.<table>) would be an ambiguous "
                    f"reference to catalog or schema and every {vendor} model would fail; rename the file "
                    f"(KPI_DUCKDB_PATH) or read the {vendor} tables from another schema "
                    f"(var {source}_schema / KPI_{source.upper()}_SCHEMA), see docs/adapters.md"
                )
    return None


def preflight(state: RunState) -> None:
    """What can be checked before anything is loaded or built (exit 2, with a run-history row): the
    vars (each is pasted into SQL as a literal), that the output directory can be written, and the
    data directory's files."""
    config = state.config
    problems = validate_vars(config.dbt_vars())
    if problems:
        raise PipelineError("bad --vars / --as-of, nothing was loaded: " + "; ".join(problems))
    project_vars = (artifacts.read_yaml(config.project_dir / "dbt_project.yml") or {}).get("vars") or {}
    known = set(project_vars)
    assert state.warehouse is not None
    if state.warehouse.kind == "duckdb":
        clash = vendor_catalog_clash(state.warehouse.duckdb_path, config.dbt_vars(), project_vars)
        if clash:
            raise PipelineError(clash + "; nothing was loaded or built")
    for note in unknown_vars(config.vars, known):
        out(f"WARN   {note}")
        state.notes.append(note)
    for folder in (config.output_dir, config.target_path, config.log_path):
        probe = folder / f".kpi-pipeline-write-check-{os.getpid()}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise PipelineError(f"cannot write to {folder}: {exc.strerror or exc} (check --output-dir, "
                                "--target-path, --log-path and the disk)") from None
    if config.data_dir is not None:
        for note in load.unknown_files(config.data_dir):
            out(f"WARN   {note}")
            state.notes.append(note)


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
        state.quality["_manifest"] = manifest
        if not result.success:
            state.failed = True
            record["status"] = "failed"
        collect_dbt_failures(state, manifest)


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\r", "")


def _examples(state: RunState, sql: str | None, limit: int = 3) -> list[str]:
    """A few failing rows of a failed test, from its compiled SQL."""
    if not sql or state.warehouse is None:
        return []
    try:
        with state.warehouse.connect() as conn:
            cur = conn.cursor()
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


def run(config: RunConfig) -> int:
    """Run the pipeline; returns the exit code. Raises PipelineError before the warehouse is reached."""
    state = RunState(config)
    warehouse = resolve(config.project_dir, config.target)
    state.warehouse = warehouse
    prepare_env(config, warehouse)
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
