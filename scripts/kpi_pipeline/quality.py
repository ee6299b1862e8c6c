"""Data-quality step: validate the marts built by this run with Great Expectations.

Suites come from `expectations.py`. The GX context is ephemeral (nothing is
committed); its one Data Docs site is written to `<output-dir>/data_docs/`.
DuckDB tables are read into pandas and validated through a pandas dataframe
asset; PostgreSQL tables through GX's SQL datasource (`add_postgres`).
"""

from __future__ import annotations

import dataclasses

import datetime as dt
import logging
import os
import shutil
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi_pipeline.artifacts import Mart
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.warehouse import Warehouse, quote_ident, relation

Printer = Callable[[str], None]
DOCS_SITE = "kpi_pipeline"
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 5}


@dataclass(frozen=True)
class Outcome:
    suite: str
    check: str
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None = None
    examples: tuple[Any, ...] = ()
    observed: Any = None
    error: str | None = None

    def describe_failure(self) -> str:
        parts = [f"{self.suite}: {self.check} [{self.expectation}]"]
        if self.error:
            parts.append(f"error: {self.error}")
        if self.unexpected_count:
            parts.append(f"{self.unexpected_count} unexpected value(s)")
        if self.examples:
            parts.append("e.g. " + ", ".join(_short(v) for v in self.examples))
        elif self.observed is not None and not self.unexpected_count:
            parts.append(f"observed {_short(self.observed)}")
        return "; ".join(parts)


@dataclass
class QualityReport:
    outcomes: list[Outcome] = field(default_factory=list)
    validated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    docs_index: Path | None = None
    as_of_month: dt.date | None = None
    warnings: list[str] = field(default_factory=list)  # e.g. a mart empty because its inputs are

    @property
    def passed(self) -> int:
        return sum(o.success for o in self.outcomes)

    @property
    def failed(self) -> int:
        return sum(not o.success for o in self.outcomes)

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success]


@dataclass(frozen=True)
class ReconcileSpec:
    mart: Mart
    name: str
    sum_column: str
    group_by: str | None
    where: str | None
    expected_model: str
    expected_sum: str
    expected_where: str | None
    tolerance: float


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def quiet_gx() -> None:
    """Keep GX's progress bars, analytics and log chatter off the terminal."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for name in ("great_expectations", "great_expectations.core", "tqdm", "posthog"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", module="great_expectations")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def silence_gx_loggers() -> None:
    """GX sets some of its module loggers to INFO explicitly; turn them all down once imported."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


def make_context(docs_dir: Path) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    silence_gx_loggers()  # before get_context: it logs the docs site it creates at INFO
    context = gx.get_context(mode="ephemeral")
    silence_gx_loggers()
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    for site in list(context.list_data_docs_sites()):
        context.delete_data_docs_site(site)
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    context.add_data_docs_site(
        DOCS_SITE,
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
        },
    )
    return context


def column_types(conn: Any, warehouse: Warehouse, mart: Mart) -> dict[str, str]:
    mark = "%s" if warehouse.kind == "postgres" else "?"
    cur = conn.cursor()
    cur.execute(
        "select column_name, data_type from information_schema.columns "
        f"where table_schema = {mark} and table_name = {mark} order by ordinal_position",
        (mart.schema, mart.alias),
    )
    return {name: str(dtype) for name, dtype in cur.fetchall()}


def _scalar(conn: Any, sql: str) -> Any:
    cur = conn.cursor()
    cur.execute(sql)
    row = cur.fetchone()
    return row[0] if row else None


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def reconcile_specs(marts: list[Mart]) -> list[ReconcileSpec]:
    """Reconciliation checks declared in a mart's `meta.reconcile` (a dict or a list of dicts)."""
    by_name = {m.name: m for m in marts}
    specs: list[ReconcileSpec] = []
    for mart in marts:
        declared = mart.meta.get("reconcile")
        if not declared:
            continue
        for index, item in enumerate(declared if isinstance(declared, list) else [declared]):
            try:
                expected_model = str(item["expected_model"])
                specs.append(
                    ReconcileSpec(
                        mart=mart,
                        name=str(item.get("name") or f"reconcile_{index + 1}"),
                        sum_column=str(item["sum"]),
                        group_by=item.get("group_by"),
                        where=item.get("where"),
                        expected_model=expected_model,
                        expected_sum=str(item["expected_sum"]),
                        expected_where=item.get("expected_where"),
                        tolerance=float(item.get("tolerance", 0.01)),
                    )
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise PipelineError(f"{mart.name}: meta.reconcile entry {index + 1} is malformed ({exc})") from None
            if expected_model not in by_name:
                specs.pop()  # the model it reconciles against is not a mart: skip quietly
    return specs


def reconcile_frame(conn: Any, spec: ReconcileSpec, expected_relation: str) -> Any:
    import pandas as pd

    where = f" where {spec.where}" if spec.where else ""
    expected_where = f" where {spec.expected_where}" if spec.expected_where else ""
    group = quote_ident(spec.group_by) if spec.group_by else "'all'"
    sql = (
        f"with actual as (select {group} as group_value, sum({quote_ident(spec.sum_column)}) as actual "
        f"from {relation(spec.mart.schema, spec.mart.alias)}{where} group by 1), "
        f"expected as (select sum({quote_ident(spec.expected_sum)}) as expected from {expected_relation}{expected_where}) "
        "select cast(group_value as varchar) as group_value, "
        "cast(coalesce(actual, 0) as double precision) as actual, "
        "cast(coalesce(expected, 0) as double precision) as expected, "
        "cast(coalesce(actual, 0) - coalesce(expected, 0) as double precision) as difference "
        "from actual cross join expected order by 1"
    )
    cur = conn.cursor()
    cur.execute(sql)
    rows = cur.fetchall()
    return pd.DataFrame(rows, columns=["group_value", "actual", "expected", "difference"])


def _reconcile_expected_total(conn: Any, spec: ReconcileSpec, expected_relation: str) -> float:
    """The total a reconciliation compares the mart with (0 when there is nothing)."""
    expected_where = f" where {spec.expected_where}" if spec.expected_where else ""
    total = _scalar(conn, f"select sum({quote_ident(spec.expected_sum)}) from {expected_relation}{expected_where}")
    return float(total or 0)


class Validator:
    """Runs one checkpoint per validated table in one ephemeral GX context."""

    def __init__(self, warehouse: Warehouse, docs_dir: Path) -> None:
        import great_expectations as gx

        silence_gx_loggers()
        self.gx = gx
        self.warehouse = warehouse
        self.context = make_context(docs_dir)
        self.pandas = self.context.data_sources.add_pandas("frames")
        self.sql = (
            self.context.data_sources.add_postgres("warehouse", connection_string=warehouse.sqlalchemy_url())
            if warehouse.kind == "postgres"
            else None
        )

    def _run(self, key: str, suite: Any, batch_definition: Any, batch_parameters: dict[str, Any] | None) -> list[Outcome]:
        from great_expectations.checkpoint import Checkpoint

        suite = self.context.suites.add(suite)
        definition = self.context.validation_definitions.add(
            self.gx.ValidationDefinition(name=key, data=batch_definition, suite=suite)
        )
        checkpoint = self.context.checkpoints.add(
            Checkpoint(name=f"checkpoint_{key}", validation_definitions=[definition], result_format=RESULT_FORMAT)
        )
        result = checkpoint.run(batch_parameters=batch_parameters)
        return [_outcome(suite.name, r) for run in result.run_results.values() for r in run.results]

    def validate_frame(self, key: str, suite: Any, frame: Any) -> list[Outcome]:
        asset = self.pandas.add_dataframe_asset(key)
        return self._run(key, suite, asset.add_batch_definition_whole_dataframe(key), {"dataframe": frame})

    def validate_table(self, key: str, suite: Any, schema: str, table: str) -> list[Outcome]:
        assert self.sql is not None
        asset = self.sql.add_table_asset(key, table_name=table, schema_name=schema)
        return self._run(key, suite, asset.add_batch_definition_whole_table(key), None)

    def build_docs(self) -> Path | None:
        sites = self.context.build_data_docs(site_names=[DOCS_SITE])
        url = sites.get(DOCS_SITE) if isinstance(sites, dict) else None
        if url and url.startswith("file://"):
            return Path(url[len("file://"):])
        return None


def _outcome(suite_name: str, result: Any) -> Outcome:
    config = result.expectation_config
    kwargs = config.kwargs or {}
    info = result.result or {}
    exception = result.exception_info or {}
    error = None
    if exception.get("raised_exception"):
        error = str(exception.get("exception_message") or "raised an exception").splitlines()[0]
    examples = tuple(info.get("partial_unexpected_list") or ())
    if config.type == "expect_column_distinct_values_to_contain_set" and not result.success:
        observed = set(_as_date(v) for v in (info.get("observed_value") or []) if v is not None)
        wanted = [_as_date(v) for v in kwargs.get("value_set") or []]
        missing = [v for v in wanted if v not in observed]
        examples = tuple(f"missing {v}" for v in missing[:5])
    return Outcome(
        suite=suite_name,
        check=str((config.meta or {}).get("check") or config.type),
        expectation=config.type,
        column=kwargs.get("column") or (",".join(kwargs.get("column_list") or []) or None),
        success=bool(result.success),
        unexpected_count=info.get("unexpected_count"),
        examples=examples,
        observed=info.get("observed_value") if not isinstance(info.get("observed_value"), list) else None,
        error=error,
    )


def _frame(conn: Any, mart: Mart) -> Any:
    """The whole mart as a pandas frame (DuckDB)."""
    return conn.execute(f"select * from {relation(mart.schema, mart.alias)}").df()


def _months_frame(conn: Any, mart: Mart) -> Any:
    """The mart's distinct period_month values as ISO date strings (`None` for nulls)."""
    import pandas as pd

    cur = conn.cursor()
    cur.execute(f"select distinct period_month from {relation(mart.schema, mart.alias)}")
    values = sorted((_iso(row[0]) for row in cur.fetchall()), key=lambda v: (v is None, v or ""))
    return pd.DataFrame({"period_month": pd.Series(values, dtype=object)})


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        # a timestamp that is not midnight is not a month start: keep its time visible
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


EMPTY_CHECK = "table is not empty"


def _empty_inputs_are_a_warning(conn: Any, mart: Mart, outcomes: list[Outcome], report: QualityReport) -> list[Outcome]:
    """An empty mart whose inputs are empty (a data set without billing data, or without ad data) is a
    warning in the summary, not a failure: the mart is right to be empty. An empty mart of non-empty
    inputs still fails."""
    failed = [o for o in outcomes if o.check == EMPTY_CHECK and not o.success]
    if not failed:
        return outcomes
    empty = []
    for schema, alias in mart.parents:
        try:
            if not _scalar(conn, f"select count(*) from {relation(schema, alias)}"):
                empty.append(f"{schema}.{alias}")
        except Exception:  # a parent not built (a partial run): not evidence of empty input
            continue
    if not empty:
        return outcomes
    report.warnings.append(f"{mart.schema}.{mart.alias} is empty, as its input {', '.join(empty)} is")
    return [dataclasses.replace(o, success=True) if o in failed else o for o in outcomes]


def run_quality(
    warehouse: Warehouse,
    marts: list[Mart],
    built: set[str],
    as_of: dt.date | None,
    docs_dir: Path,
    write: Printer,
) -> QualityReport:
    """Validate every mart built by this run (and its reconciliations); write Data Docs."""
    from kpi_pipeline.expectations import ColumnInfo, checks_months, mart_suite, months_suite, reconciliation_suite

    quiet_gx()
    report = QualityReport()
    targets = [m for m in marts if m.unique_id in built]
    report.skipped = [m.name for m in marts if m.unique_id not in built]
    if not targets:
        write("no marts were built by this run: nothing to validate")
        return report
    validator = Validator(warehouse, docs_dir)
    with warehouse.connect() as conn:
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
        for index, mart in enumerate(targets, start=1):
            started = time.monotonic()
            columns = {
                name: ColumnInfo(name, dtype, mart.column_meta.get(name, {}))
                for name, dtype in types[mart.unique_id].items()
            }
            suite = mart_suite(mart, columns)
            key = f"{mart.family}__{mart.name}"
            if warehouse.kind == "postgres":
                outcomes = validator.validate_table(key, suite, mart.schema, mart.alias)
            else:
                outcomes = validator.validate_frame(key, suite, _frame(conn, mart))
            first_month = months.get(mart.unique_id, (None, None))[0]
            if checks_months(mart, columns) and first_month and report.as_of_month:
                outcomes += validator.validate_frame(
                    f"{key}__months",
                    months_suite(mart, first_month, report.as_of_month),
                    _months_frame(conn, mart),
                )
            outcomes = _empty_inputs_are_a_warning(conn, mart, outcomes, report)
            report.outcomes += outcomes
            report.validated.append(mart.name)
            failed = sum(not o.success for o in outcomes)
            label = "OK" if not failed else f"FAIL {failed}"
            write(
                f"[{index}/{len(targets)}] {label:<6} expectations {mart.schema}.{mart.alias} "
                f"({len(outcomes) - failed}/{len(outcomes)} passed, {time.monotonic() - started:.2f}s)"
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
