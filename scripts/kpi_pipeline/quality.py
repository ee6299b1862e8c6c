"""Data-quality step: validate the marts built by this run with Great Expectations.

Suites come from `expectations.py`. The GX context is ephemeral (nothing is
committed); its one Data Docs site is written to `<output-dir>/data_docs/`.

What is read, in bounded memory at any size:

- DuckDB (GX has no DuckDB SQL support here, so DuckDB goes through pandas): a
  mart of at most `batch_rows` rows checked whole is one frame and gets its
  whole suite. Otherwise the row-wise expectations (grain not null, value
  ranges) are validated on the columns they read, one frame of at most
  `batch_rows` rows at a time (`fetch_df_chunk`), and their outcomes merged
  (`gx_batches.py`); the checks that need the whole table (row count, grain
  unique) are computed in SQL and GX validates the one-row frame of their
  results, so they have the same `meta.check` and a page in Data Docs.
- PostgreSQL: GX's SQL datasource (`add_postgres`) computes every metric in
  the database; a refresh window is a query asset, with the same SQL checks.
- A refresh: an incremental mart with a window recorded in `ops.refresh_windows`
  for this dbt invocation is checked only on its rows from the window's first
  day (`refresh_windows.py`; grain uniqueness: the window's keys against the
  whole table). The period_month spine and the reconciliations are aggregates
  over the whole table, always.
"""

from __future__ import annotations

import dataclasses

import datetime as dt
import logging
import os
import re
import shutil
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi_pipeline.artifacts import Mart
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.refresh_windows import Scope, WindowPlan, read_plan
from kpi_pipeline.settings import DEFAULT_GX_BATCH_ROWS
from kpi_pipeline.warehouse import Warehouse, quote_ident, relation

Printer = Callable[[str], None]
DOCS_SITE = "kpi_pipeline"
EXAMPLES = 5
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES}
DEFAULT_BATCH_ROWS = DEFAULT_GX_BATCH_ROWS  # rows per frame read from DuckDB (env KPI_GX_BATCH_ROWS)
DUCKDB_VECTOR_ROWS = 2048  # fetch_df_chunk reads whole vectors: a batch is rounded up to a multiple


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
    computed_in: str | None = None  # "SQL": a whole-table check computed in the warehouse

    def describe_failure(self) -> str:
        how = f", computed in {self.computed_in}" if self.computed_in else ""
        parts = [f"{self.suite}: {self.check} [{self.expectation}{how}]"]
        if self.error:
            parts.append(f"error: {self.error}")
        if self.unexpected_count and self.expectation == "expect_column_distinct_values_to_contain_set":
            parts.append(f"{self.unexpected_count} expected value(s) missing")
        elif self.unexpected_count:
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
    checked: dict[str, dict[str, Any]] = field(default_factory=dict)  # per mart: which rows, how
    plan: WindowPlan | None = None
    data_through: dt.date | None = None  # the latest activity date in the data
    empty_months: list[str] = field(default_factory=list)  # months after it up to the as-of month (YYYY-MM)

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
    """Runs the validations of one data-quality step in one ephemeral GX context."""

    def __init__(self, warehouse: Warehouse, docs_dir: Path) -> None:
        import great_expectations as gx

        silence_gx_loggers()
        self.gx = gx
        self.warehouse = warehouse
        self.context = make_context(docs_dir)
        self.sql = (
            self.context.data_sources.add_postgres("warehouse", connection_string=warehouse.sqlalchemy_url())
            if warehouse.kind == "postgres"
            else None
        )

    @contextmanager
    def _frames(self, key: str) -> Iterator[Any]:
        """A pandas datasource for one table's frames, deleted afterwards: GX's execution engine keeps
        the last frame of every asset it validated (and metrics over it) for as long as its datasource
        lives, so one shared datasource would hold every mart's frame until the end of the step."""
        source = self.context.data_sources.add_pandas(f"frames__{key}")
        try:
            yield source
        finally:
            self.context.data_sources.delete(source.name)

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
        with self._frames(key) as source:
            asset = source.add_dataframe_asset(key)
            return self._run(key, suite, asset.add_batch_definition_whole_dataframe(key), {"dataframe": frame})

    def validate_batches(self, key: str, suite: Any, frames: Iterator[Any], meta: dict[str, Any]) -> tuple[list[Outcome], int, int]:
        """Validate `suite` (row-wise expectations only) on every frame of `frames` and merge the results
        into one (`gx_batches.MergedResult`), stored for Data Docs like a checkpoint's. Returns the
        outcomes, the number of batches and of rows."""
        from great_expectations.constants import DATAFRAME_REPLACEMENT_STR
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        from kpi_pipeline.gx_batches import MergedResult

        suite = self.context.suites.add(suite)
        merged = MergedResult(examples=EXAMPLES)
        batch_id = key
        with self._frames(key) as source:
            definition = source.add_dataframe_asset(key).add_batch_definition_whole_dataframe(key)
            for frame in frames:
                batch = definition.get_batch(batch_parameters={"dataframe": frame})
                batch_id = batch.id
                merged.add(batch.validate(suite, result_format=RESULT_FORMAT), len(frame))
                del batch, frame
        result = merged.result({"kpi_pipeline": meta | {"batches": merged.batches, "rows": merged.rows}})
        if result is None:
            return [], 0, 0
        run_id = RunIdentifier(run_time=dt.datetime.now(dt.timezone.utc))
        # shown in Data Docs under "Batch Parameters": what the merged result covers
        described = {"dataframe": DATAFRAME_REPLACEMENT_STR, "rows": f"{merged.rows:,}",
                     "batches": f"{merged.batches} of at most {meta.get('batch_rows', 0):,} rows, results merged"}
        markers = result.meta.get("batch_markers")
        if isinstance(markers, dict):  # the first batch's fingerprint is not the merged data's
            result.meta["batch_markers"] = {k: v for k, v in markers.items() if k != "pandas_data_fingerprint"}
        result.meta.update(run_id=run_id, validation_time=run_id.run_time,
                           batch_parameters={**described, **{k: str(v) for k, v in meta.items() if k != "batch_rows"}})
        suite_id = ExpectationSuiteIdentifier(name=suite.name)
        self.context.validation_results_store.store_validation_results(
            suite_validation_result=result,
            suite_validation_result_identifier=ValidationResultIdentifier(
                batch_identifier=batch_id, expectation_suite_identifier=suite_id, run_id=run_id,
            ),
            expectation_suite_identifier=suite_id,
        )
        return [_outcome(suite.name, r) for r in result.results], merged.batches, merged.rows

    def validate_table(self, key: str, suite: Any, schema: str, table: str) -> list[Outcome]:
        assert self.sql is not None
        asset = self.sql.add_table_asset(key, table_name=table, schema_name=schema)
        return self._run(key, suite, asset.add_batch_definition_whole_table(key), None)

    def validate_query(self, key: str, suite: Any, query: str) -> list[Outcome]:
        """PostgreSQL: validate the rows of a query (a refresh window) in the database."""
        assert self.sql is not None
        asset = self.sql.add_query_asset(key, query=query)
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
    unexpected_count = info.get("unexpected_count")
    if config.type == "expect_column_distinct_values_to_contain_set" and not result.success:
        missing = _missing_values(info, kwargs.get("value_set") or [])
        examples = tuple(f"missing {v}" for v in missing[:EXAMPLES])
        unexpected_count = info.get("missing_count", len(missing))
    return Outcome(
        suite=suite_name,
        check=str((config.meta or {}).get("check") or config.type),
        expectation=config.type,
        column=kwargs.get("column") or (",".join(kwargs.get("column_list") or []) or None),
        success=bool(result.success),
        unexpected_count=unexpected_count,
        examples=examples,
        observed=info.get("observed_value") if not isinstance(info.get("observed_value"), list) else None,
        error=error,
    )


def _missing_values(info: dict[str, Any], value_set: list[Any]) -> list[str]:
    """The values of `value_set` a failed expect_column_distinct_values_to_contain_set did not find, sorted.
    Great Expectations 1.x returns them in `partial_missing_list` (with `missing_count`; `observed_value`
    is always None); older versions returned the column's distinct values in `observed_value`."""
    if "partial_missing_list" in info:
        missing = list(info.get("partial_missing_list") or [])
    else:
        observed = {_iso(v) for v in (info.get("observed_value") or []) if v is not None}
        missing = [v for v in value_set if _iso(v) not in observed]
    return sorted(str(_iso(v)) for v in missing)


def _rollback_quietly(conn: Any) -> None:
    """End the failed transaction of a PostgreSQL connection after a failed read; DuckDB has none open
    ("cannot rollback - no transaction is active"), which must not turn a missing table into an error."""
    try:
        if hasattr(conn, "rollback"):
            conn.rollback()
    except Exception:  # noqa: BLE001 - no transaction to end
        pass


def latest_activity_date(conn: Any, manifest: dict[str, Any]) -> dt.date | None:
    """The latest date of activity in the data (`int_activity_dates.latest_activity_date`: the default
    as-of date), or None when this build has no such table."""
    for node in (manifest.get("nodes") or {}).values():
        if node.get("resource_type") == "model" and node.get("name") == "int_activity_dates":
            try:
                rel = relation(str(node["schema"]), str(node.get("alias") or node["name"]))
                return _as_date(_scalar(conn, f"select max(latest_activity_date) from {rel}"))
            except Exception:  # not built (a partial run) or unreadable: the as-of month decides alone
                _rollback_quietly(conn)
                return None
    return None


def _select(mart: Mart, scope: Scope, columns: list[str] | None = None) -> str:
    """The rows of `mart` in `scope` (all columns, or `columns`)."""
    what = ", ".join(quote_ident(c) for c in columns) if columns else "*"
    where = scope.where()
    return f"select {what} from {relation(mart.schema, mart.alias)}" + (f" where {where}" if where else "")


def _frame(conn: Any, sql: str) -> Any:
    """The rows of a query as one pandas frame (DuckDB; only for at most `batch_rows` rows)."""
    return conn.execute(sql).df()


def _batches(conn: Any, sql: str, batch_rows: int) -> Iterator[Any]:
    """The rows of a query as pandas frames of `batch_rows` rows (the last one: the rest). DuckDB streams
    the result in chunks of whole vectors (a view's chunks may be shorter), which are cut to size here, so
    at most about two batches' worth of rows are in memory at a time."""
    import pandas as pd

    cur = conn.cursor()
    try:
        cur.execute(sql)
        vectors = max(1, -(-batch_rows // DUCKDB_VECTOR_ROWS))
        pending: list[Any] = []
        held = 0
        while True:
            chunk = cur.fetch_df_chunk(vectors)
            done = not len(chunk)
            if not done:
                pending.append(chunk)
                held += len(chunk)
            del chunk
            while held >= batch_rows or (done and held):
                buffer = pending[0] if len(pending) == 1 else pd.concat(pending, ignore_index=True)
                take = min(batch_rows, held)
                yield buffer.iloc[:take].reset_index(drop=True)
                rest = buffer.iloc[take:].reset_index(drop=True)
                pending, held = ([rest] if len(rest) else []), len(rest)
                del buffer, rest
            if done:
                return
    finally:
        cur.close()


def _key_match(grain: list[str], left: str, right: str) -> str:
    return " and ".join(f"{quote_ident(left)}.{quote_ident(c)} = {quote_ident(right)}.{quote_ident(c)}" for c in grain)


def _duplicates_sql(mart: Mart, grain: list[str], scope: Scope) -> str:
    """Rows per grain value occurring more than once (`occurrences`), over the whole table; on a refresh
    window only the grain values of the window's rows (each counted in the whole table). Rows whose grain
    is entirely null are left out, as GX's uniqueness expectations do (the not-null checks report them)."""
    columns = [f'"t".{quote_ident(c)}' for c in grain]
    keys = ", ".join(columns)
    where = ["not (" + " and ".join(f"{c} is null" for c in columns) + ")"]
    if not scope.whole:
        where.append(
            f"exists (select 1 from {relation(mart.schema, mart.alias)} as {quote_ident('w')} "
            f"where {scope.where('w')} and {_key_match(grain, 'w', 't')})"
        )
    return (
        f'select {keys}, count(*) as occurrences from {relation(mart.schema, mart.alias)} as "t" '
        f"where {' and '.join(where)} group by {keys} having count(*) > 1"
    )


def table_checks_frame(conn: Any, mart: Mart, grain: list[str], scope: Scope, row_count: bool) -> Any:
    """The whole-table checks of a mart computed in SQL, as a one-row frame: `row_count` (rows in the
    table) and `duplicate_rows` (rows whose grain value occurs more than once; on a refresh window: of the
    window's grain values)."""
    import pandas as pd

    values: dict[str, list[int]] = {}
    if row_count:
        values["row_count"] = [int(_scalar(conn, f"select count(*) from {relation(mart.schema, mart.alias)}") or 0)]
    if grain:
        total = _scalar(conn, f"select sum(occurrences) from ({_duplicates_sql(mart, grain, scope)}) as duplicates")
        values["duplicate_rows"] = [int(total or 0)]
    return pd.DataFrame(values)


def duplicate_examples(conn: Any, mart: Mart, grain: list[str], scope: Scope, limit: int = EXAMPLES) -> tuple[Any, ...]:
    """The first duplicated grain values (most frequent first): the value, or {column: value} for a grain
    of several columns, as GX's uniqueness expectations list them."""
    order = ", ".join(["occurrences desc", *(quote_ident(c) for c in grain)])
    cur = conn.cursor()
    cur.execute(f"select * from ({_duplicates_sql(mart, grain, scope)}) as duplicates order by {order} limit {int(limit)}")
    rows = [tuple(_iso(v) if isinstance(v, dt.date) else v for v in row) for row in cur.fetchall()]
    if len(grain) == 1:
        return tuple(row[0] for row in rows)
    return tuple(dict(zip(grain, row[: len(grain)])) for row in rows)


def _table_check_outcomes(
    conn: Any, mart: Mart, grain: list[str], scope: Scope, outcomes: list[Outcome], frame: Any,
) -> list[Outcome]:
    """Outcomes of the SQL checks in the terms of the checks they replace: the grain's columns, the
    duplicated rows as unexpected values with example keys, the row count as observed."""
    from kpi_pipeline.expectations import EMPTY_CHECK, unique_check

    out = []
    for outcome in outcomes:
        outcome = dataclasses.replace(outcome, suite=outcome.suite.removesuffix(".table"))  # the mart's suite
        if outcome.column == "duplicate_rows" and grain and outcome.check == unique_check(grain):
            duplicates = int(frame["duplicate_rows"].iloc[0])
            outcome = dataclasses.replace(
                outcome, column=",".join(grain), unexpected_count=duplicates, observed=duplicates,
                examples=duplicate_examples(conn, mart, grain, scope) if duplicates else (), computed_in="SQL",
            )
        elif outcome.column == "row_count" and outcome.check == EMPTY_CHECK:
            outcome = dataclasses.replace(
                outcome, column=None, unexpected_count=None, examples=(),
                observed=int(frame["row_count"].iloc[0]), computed_in="SQL",
            )
        out.append(outcome)
    return out


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


def _empty_inputs_are_a_warning(conn: Any, mart: Mart, outcomes: list[Outcome], report: QualityReport) -> list[Outcome]:
    """An empty mart whose inputs are empty (a data set without billing data, or without ad data) is a
    warning in the summary, not a failure: the mart is right to be empty. An empty mart of non-empty
    inputs still fails."""
    from kpi_pipeline.expectations import EMPTY_CHECK

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
    report.warnings.append(empty_mart_warning(conn, mart, empty))
    return [dataclasses.replace(o, success=True) if o in failed else o for o in outcomes]


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def empty_raw_inputs(conn: Any, mart: Mart) -> list[tuple[str, str]]:
    """The raw tables that leave `mart` empty: walking up its lineage through the models that are empty
    themselves, the empty raw tables at the ends. A model with rows stops the walk, so a raw table that only
    feeds such a model (the ads behind the as-of date of a mart of reps) is not named."""

    def is_empty(schema: str, name: str) -> bool | None:
        try:
            return not _scalar(conn, f"select count(*) from {relation(schema, name)}")
        except Exception:  # not built (a partial run) or not there (an adapter that is off): no evidence
            _rollback_quietly(conn)
            return None

    if not mart.lineage:  # no lineage recorded: every empty raw table upstream
        return [(schema, table) for schema, table in mart.sources if is_empty(schema, table) is True]
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    stack = [f"{mart.schema}.{mart.alias}"]
    while stack:
        for kind, schema, name in mart.lineage.get(stack.pop(), ()):
            key = f"{kind}:{schema}.{name}"
            if key in seen:
                continue
            seen.add(key)
            if is_empty(schema, name) is False:  # has rows; a table not built is walked through
                continue
            if kind == "source":
                if is_empty(schema, name):  # a source not there (an adapter that is off) is not the user's
                    found.append((schema, name))
            else:
                stack.append(f"{schema}.{name}")
    return sorted(set(found))


def empty_mart_warning(conn: Any, mart: Mart, empty_parents: list[str]) -> str:
    """Why a mart is empty, in the user's terms: the raw tables upstream of it that have no rows (the files
    of --data-dir the user did not give, or gave empty), not the models between them and the mart."""
    from kpi_pipeline.contract import TABLES_BY_NAME

    empty_raw = empty_raw_inputs(conn, mart)
    where = f"{mart.schema}.{mart.alias} is empty"
    if not empty_raw:  # empty inputs, yet every raw table upstream has rows (filtered out on the way)
        return f"{where}: its inputs {', '.join(empty_parents)} have no rows"
    tables = [f"{schema}.{table}" for schema, table in empty_raw]
    files = [table for _schema, table in empty_raw if table in TABLES_BY_NAME]  # a contract table: a file
    text = f"{where}: {_and(tables)} {'has' if len(tables) == 1 else 'have'} no rows"
    if files:
        text += f" (the file{'' if len(files) == 1 else 's'} {_and(files)} (.csv|.parquet) " \
                f"{'is' if len(files) == 1 else 'are'} absent or empty)"
    return text


DEFAULT_DUCKDB_MEMORY = "1GB"  # DuckDB's memory limit during the step (env KPI_GX_DUCKDB_MEMORY)
MEMORY_SETTING = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


@contextmanager
def duckdb_memory_limit(conn: Any, kind: str) -> Iterator[None]:
    """DuckDB: cap the database's memory (its buffer cache of the blocks scanned and the SQL checks'
    aggregates, which spill to disk beyond it) during the step, then restore the setting. DuckDB's default
    (80% of RAM) lets the cache of a scanned multi-million-row fact grow with the table."""
    if kind != "duckdb":
        yield
        return
    limit = os.environ.get("KPI_GX_DUCKDB_MEMORY", "").strip() or DEFAULT_DUCKDB_MEMORY
    if not MEMORY_SETTING.match(limit):
        raise PipelineError(f"KPI_GX_DUCKDB_MEMORY must be a size such as 1GB or 512MB, got {limit!r}")
    setting = "select current_setting('memory_limit')"
    previous = _scalar(conn, setting)
    conn.execute("reset memory_limit")
    default = previous == _scalar(conn, setting)  # restored by reset, exactly (the setting reads rounded)
    conn.execute(f"set memory_limit = '{limit}'")
    try:
        yield
    finally:
        conn.execute("reset memory_limit" if default or not previous else f"set memory_limit = '{previous}'")


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
    from kpi_pipeline.expectations import (
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

    `invocation_id`: the dbt build's, to find its refresh windows (`refresh_windows.py`);
    `whole_reason` (e.g. "--full-checks"): check every mart whole; `batch_rows`: the most rows
    read into one pandas frame (DuckDB); `data_through`: the latest activity date in the data
    (`latest_activity_date`), so that months after it up to the as-of month may be empty (a run after
    the last export)."""
    from kpi_pipeline.expectations import ColumnInfo, checks_months, month_range, months_suite, reconciliation_suite

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
