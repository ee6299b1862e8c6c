"""The data-quality step: validate every mart built by this run (and its reconciliations); write Data Docs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpi_pipeline.artifacts import Mart
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.quality.empty import _empty_inputs_are_a_warning
from kpi_pipeline.quality.reads import _batches, column_types, duckdb_memory_limit, _frame, _scalar, _select
from kpi_pipeline.quality.reconcile import _reconcile_expected_total, reconcile_frame, reconcile_specs
from kpi_pipeline.quality.results import Outcome, QualityReport
from kpi_pipeline.quality.table_checks import _months_frame, _table_check_outcomes, table_checks_frame
from kpi_pipeline.quality.validator import Validator, quiet_gx
from kpi_pipeline.quality.windows import Scope, _as_date, read_plan
from kpi_pipeline.settings import DEFAULT_GX_BATCH_ROWS
from kpi_pipeline.warehouse import Warehouse, relation


Printer = Callable[[str], None]


DEFAULT_BATCH_ROWS = DEFAULT_GX_BATCH_ROWS  # rows per frame read from DuckDB (env KPI_GX_BATCH_ROWS)


@dataclass
class _Checked:
    outcomes: list[Outcome]
    record: dict[str, Any]


def _validate_mart(
    validator: Validator, conn: Any, mart: Mart, columns: dict[str, Any], scope: Scope, batch_rows: int,
) -> _Checked:
    """The mart's own suite on the rows in `scope`: whole in one frame (or table) when it is small and
    checked whole; otherwise its row-wise part on the scope's rows (frames of `batch_rows`) and its
    whole-table part in SQL."""
    from kpi_pipeline.quality.suites import (
        checks_row_count,
        grain_columns,
        mart_suite,
        row_suite,
        row_suite_columns,
        table_checks_suite,
    )

    key = f"{mart.family}__{mart.name}"
    postgres = validator.warehouse.kind == "postgres"
    rows = int(_scalar(conn, f"select count(*) from ({_select(mart, scope)}) as scoped") or 0)
    record: dict[str, Any] = {**scope.as_dict(), "rows": rows}
    if scope.whole and (postgres or rows <= batch_rows):
        if postgres:
            record["method"] = "SQL datasource"
            outcomes = validator.validate_table(key, mart_suite(mart, columns), mart.schema, mart.alias)
        else:
            record["method"] = "one frame"
            outcomes = validator.validate_frame(key, mart_suite(mart, columns), _frame(conn, _select(mart, scope)))
        return _Checked(outcomes, record)
    outcomes: list[Outcome] = []
    suite = row_suite(mart, columns)
    if suite.expectations:
        if postgres:
            record["method"] = "SQL datasource (query)"
            outcomes += validator.validate_query(key, suite, _select(mart, scope))
        elif rows <= batch_rows:
            record["method"] = "one frame"
            outcomes += validator.validate_frame(key, suite, _frame(conn, _select(mart, scope, row_suite_columns(mart, columns))))
        else:
            record["method"] = "batches"
            found, batches, _rows = validator.validate_batches(
                key, suite, _batches(conn, _select(mart, scope, row_suite_columns(mart, columns)), batch_rows),
                {"scope": scope.describe(), "batch_rows": batch_rows},
            )
            outcomes += found
            record["batches"] = batches
    grain = grain_columns(mart, columns)
    table_suite = table_checks_suite(mart, grain, checks_row_count(mart))
    if table_suite is not None:
        frame = table_checks_frame(conn, mart, grain, scope, checks_row_count(mart))
        found = validator.validate_frame(f"{key}__table", table_suite, frame)
        outcomes += _table_check_outcomes(conn, mart, grain, scope, found, frame)
        record["in_sql"] = [e.meta["check"] for e in table_suite.expectations]
    return _Checked(outcomes, record)


def _describe_checked(record: dict[str, Any]) -> str:
    """`whole table, 15,600,000 rows in 78 batches, row count and key in SQL` for the step line."""
    scope = "whole table" if record["scope"] == "whole" else f"rows with {record['column']} >= {record['from']}"
    text = f"{scope}, {record['rows']:,} rows"
    if record.get("batches"):
        text += f" in {record['batches']} batches"
    if record.get("in_sql"):
        text += ", table checks in SQL"
    return text


def run_quality(
    warehouse: Warehouse,
    marts: list[Mart],
    built: set[str],
    as_of: dt.date | None,
    docs_dir: Path,
    write: Printer,
    *,
    invocation_id: str | None = None,
    whole_reason: str | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    data_through: dt.date | None = None,
) -> QualityReport:
    """Validate every mart built by this run (and its reconciliations); write Data Docs.

    `invocation_id`: the dbt build's, to find its refresh windows (`windows.py`);
    `whole_reason` (e.g. "--full-checks"): check every mart whole; `batch_rows`: the most rows
    read into one pandas frame (DuckDB); `data_through`: the latest activity date in the data
    (`latest_activity_date`), so that months after it up to the as-of month may be empty (a run after
    the last export)."""
    from kpi_pipeline.quality.suites import (
        ColumnInfo, checks_months, month_range, months_suite, reconciliation_suite,
    )

    if batch_rows < 1:
        raise PipelineError(f"the batch size must be at least 1 row, got {batch_rows}")
    quiet_gx()
    report = QualityReport()
    targets = [m for m in marts if m.unique_id in built]
    report.skipped = [m.name for m in marts if m.unique_id not in built]
    if not targets:
        write("no marts were built by this run: nothing to validate")
        return report
    validator = Validator(warehouse, docs_dir)
    with warehouse.connect() as conn, duckdb_memory_limit(conn, warehouse.kind):
        report.plan = read_plan(conn, warehouse.kind, invocation_id, whole_reason)
        types = {m.unique_id: column_types(conn, warehouse, m) for m in targets}
        targets = [m for m in targets if types[m.unique_id]]
        months: dict[str, tuple[dt.date | None, dt.date | None]] = {}
        for mart in targets:
            if "period_month" in types[mart.unique_id]:
                rel = relation(mart.schema, mart.alias)
                months[mart.unique_id] = (
                    _as_date(_scalar(conn, f"select min(period_month) from {rel}")),
                    _as_date(_scalar(conn, f"select max(period_month) from {rel}")),
                )
        latest = [last for _first, last in months.values() if last is not None]
        # the as-of month: --as-of / vars.as_of_date, else the latest month any mart reports
        report.as_of_month = as_of.replace(day=1) if as_of else (max(latest) if latest else None)
        report.data_through = data_through
        if report.as_of_month and data_through and data_through.replace(day=1) < report.as_of_month:
            # a run after the last export: the months after the data's last activity have nothing in them;
            # a mart of events (no row without one) has no row there, a mart on the month spine zero rows
            report.empty_months = [m.isoformat()[:7] for m in month_range(data_through.replace(day=1), report.as_of_month)[1:]]
        for index, mart in enumerate(targets, start=1):
            started = time.monotonic()
            columns = {
                name: ColumnInfo(name, dtype, mart.column_meta.get(name, {}))
                for name, dtype in types[mart.unique_id].items()
            }
            scope = report.plan.scope(mart.name, columns)
            checked = _validate_mart(validator, conn, mart, columns, scope, batch_rows)
            outcomes = checked.outcomes
            key = f"{mart.family}__{mart.name}"
            first_month = months.get(mart.unique_id, (None, None))[0]
            if checks_months(mart, columns) and first_month and report.as_of_month:
                # the spine is an aggregate of the whole table (its distinct months), on a refresh too
                outcomes += validator.validate_frame(
                    f"{key}__months",
                    months_suite(mart, first_month, report.as_of_month, data_through=data_through),
                    _months_frame(conn, mart),
                )
            outcomes = _empty_inputs_are_a_warning(conn, mart, outcomes, report)
            report.outcomes += outcomes
            report.validated.append(mart.name)
            report.checked[mart.name] = checked.record
            failed = sum(not o.success for o in outcomes)
            label = "OK" if not failed else f"FAIL {failed}"
            write(
                f"[{index}/{len(targets)}] {label:<6} expectations {mart.schema}.{mart.alias} "
                f"({len(outcomes) - failed}/{len(outcomes)} passed; {_describe_checked(checked.record)}; "
                f"{time.monotonic() - started:.2f}s)"
            )
        by_name = {m.name: m for m in targets}
        for spec in reconcile_specs(targets):
            expected = by_name.get(spec.expected_model)
            if expected is None:
                continue
            frame = reconcile_frame(conn, spec, relation(expected.schema, expected.alias))
            suite = reconciliation_suite(f"reconcile.{spec.mart.name}.{spec.name}", spec.tolerance)
            outcomes = validator.validate_frame(f"reconcile__{spec.mart.name}__{spec.name}", suite, frame)
            if frame.empty and not _reconcile_expected_total(conn, spec, relation(expected.schema, expected.alias)):
                # nothing on either side (a data set without CRM deals): the mart is right to be empty, and
                # its own empty-mart check already says whether that is a warning or a failure; an empty
                # mart with something to reconcile against still fails
                report.warnings.append(f"reconcile {spec.mart.name}: {spec.name}: nothing to reconcile, "
                                       f"{spec.mart.schema}.{spec.mart.alias} is empty")
                outcomes = [dataclasses.replace(o, success=True) if o.check == "there is something to reconcile"
                            else o for o in outcomes]
            for o in outcomes:
                if not o.success and o.column == "difference":
                    bad = frame[frame["difference"].abs() > spec.tolerance].head(5)
                    o = Outcome(**{**o.__dict__, "examples": tuple(
                        f"{r.group_value}: {r.actual:.2f} vs {r.expected:.2f}" for r in bad.itertuples()
                    )})
                report.outcomes.append(o)
            failed = sum(not o.success for o in outcomes)
            write(f"       {'OK' if not failed else 'FAIL ' + str(failed):<6} reconcile {spec.mart.name}: {spec.name}")
    report.docs_index = validator.build_docs()
    return report
