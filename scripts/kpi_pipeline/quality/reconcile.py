"""Reconciliations declared in a mart's meta.reconcile: the specs and their frames."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kpi_pipeline.artifacts import Mart
from kpi_pipeline.errors import PipelineError
from kpi_pipeline.quality.reads import _scalar
from kpi_pipeline.warehouse import quote_ident, relation


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
