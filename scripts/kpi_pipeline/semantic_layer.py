"""The project's semantic layer (MetricFlow) in-process, for tests and scripts.

    from kpi_pipeline.semantic_layer import SemanticLayer
    with SemanticLayer.for_duckdb(Path("target/semantic_manifest.json"), Path("warehouse/kpis.duckdb")) as layer:
        rows = layer.query(["cost_per_lead"], ["metric_time__month", "channel"])

`mf query` does the same through a dbt adapter, which opens the DuckDB file
read-write (DuckDB allows one writer per file). Here MetricFlow's engine
plans and renders the SQL (its DuckDB / PostgreSQL renderer, as `mf` would)
and a small client runs it: on DuckDB through a *read-only* connection, so
queries can run beside other readers of the same warehouse and can never
change it; on PostgreSQL through psycopg2.

The semantic manifest is the `semantic_manifest.json` that `dbt parse` /
`dbt build` write into the target path (see models/semantic/).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metricflow.data_table.mf_table import MetricFlowDataTable
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
from metricflow.protocols.sql_client import SqlEngine
from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
from metricflow.sql.render.postgres import PostgresSQLSqlPlanRenderer
from metricflow.sql.render.sql_plan_renderer import SqlPlanRenderer
from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup
from metricflow_semantics.sql.sql_bind_parameters import SqlBindParameterSet

Row = dict[str, Any]


def load_semantic_manifest(path: Path) -> Any:
    """The semantic manifest dbt wrote (`<target-path>/semantic_manifest.json`)."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no semantic manifest; run `dbt parse` (or `dbt build`) first")
    return parse_manifest_from_dbt_generated_manifest(manifest_json_string=path.read_text())


def _cell(value: Any) -> Any:
    """A warehouse value as MetricFlow's data table takes it (dates become midnight datetimes)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


class _DbApiClient:
    """MetricFlow's SqlClient protocol over a DB-API-like connection (no bind parameters)."""

    engine: SqlEngine
    renderer: SqlPlanRenderer

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    @property
    def sql_engine_type(self) -> SqlEngine:
        return self.engine

    @property
    def sql_plan_renderer(self) -> SqlPlanRenderer:
        return self.renderer

    def _run(self, stmt: str, bind: SqlBindParameterSet) -> tuple[list[str], list[tuple[Any, ...]]]:
        if bind.param_dict:
            raise ValueError("bind parameters are not supported by this client")
        cursor = self._connection.cursor()
        try:
            cursor.execute(stmt)
            if cursor.description is None:
                return [], []
            return [d[0] for d in cursor.description], list(cursor.fetchall())
        finally:
            cursor.close()

    def query(self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = SqlBindParameterSet()) -> MetricFlowDataTable:
        columns, rows = self._run(stmt, sql_bind_parameter_set)
        return MetricFlowDataTable.create_from_rows(
            column_names=columns, rows=[tuple(_cell(v) for v in row) for row in rows]
        )

    def execute(self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = SqlBindParameterSet()) -> None:
        self._run(stmt, sql_bind_parameter_set)

    def dry_run(self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = SqlBindParameterSet()) -> None:
        self._run(f"explain {stmt}", sql_bind_parameter_set)

    def close(self) -> None:
        self._connection.close()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        raise ValueError("bind parameters are not supported by this client")


class DuckDBReadOnlyClient(_DbApiClient):
    """Runs MetricFlow's SQL on a DuckDB file opened read-only."""

    engine = SqlEngine.DUCKDB
    renderer = DuckDbSqlPlanRenderer()

    def __init__(self, database: Path) -> None:
        import duckdb

        super().__init__(duckdb.connect(str(database), read_only=True))


class PostgresClient(_DbApiClient):
    """Runs MetricFlow's SQL on PostgreSQL (psycopg2 keyword arguments, autocommit)."""

    engine = SqlEngine.POSTGRES
    renderer = PostgresSQLSqlPlanRenderer()

    def __init__(self, **connect_kwargs: Any) -> None:
        import psycopg2

        connection = psycopg2.connect(**connect_kwargs)
        connection.autocommit = True
        super().__init__(connection)


@dataclass
class QueryResult:
    sql: str
    columns: list[str]
    rows: list[Row]


class SemanticLayer:
    """A MetricFlow engine over the project's semantic manifest and one warehouse."""

    def __init__(self, manifest: Any, client: _DbApiClient) -> None:
        self.manifest = manifest
        self.client = client
        self.engine = MetricFlowEngine(semantic_manifest_lookup=SemanticManifestLookup(manifest), sql_client=client)

    @classmethod
    @contextmanager
    def for_duckdb(cls, manifest_path: Path, database: Path) -> Iterator[SemanticLayer]:
        layer = cls(load_semantic_manifest(manifest_path), DuckDBReadOnlyClient(database))
        try:
            yield layer
        finally:
            layer.client.close()

    @classmethod
    @contextmanager
    def for_postgres(cls, manifest_path: Path, **connect_kwargs: Any) -> Iterator[SemanticLayer]:
        layer = cls(load_semantic_manifest(manifest_path), PostgresClient(**connect_kwargs))
        try:
            yield layer
        finally:
            layer.client.close()

    def metric_names(self) -> list[str]:
        return sorted(metric.name for metric in self.manifest.metrics)

    def query(
        self,
        metrics: Sequence[str],
        group_by: Sequence[str] = (),
        where: Sequence[str] = (),
        order_by: Sequence[str] = (),
    ) -> QueryResult:
        """Rows of `metrics` by `group_by` (MetricFlow names, e.g. metric_time__month, channel)."""
        request = MetricFlowQueryRequest.create(
            metric_names=list(metrics),
            group_by_names=list(group_by),
            where_constraints=list(where) or None,
            order_by_names=list(order_by) or None,
        )
        result = self.engine.query(request)
        table = result.result_df
        assert table is not None
        columns = list(table.column_names)
        rows = [dict(zip(columns, (_number(v) for v in row))) for row in table.rows]
        return QueryResult(sql=result.sql, columns=columns, rows=rows)


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, decimal.Decimal) else value
