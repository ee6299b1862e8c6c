"""An empty mart of empty inputs is a warning: which raw tables leave it empty."""

from __future__ import annotations

import dataclasses
from typing import Any

from kpi_pipeline.artifacts import Mart
from kpi_pipeline.quality.reads import _rollback_quietly, _scalar
from kpi_pipeline.quality.results import Outcome, QualityReport
from kpi_pipeline.warehouse import relation


def _empty_inputs_are_a_warning(conn: Any, mart: Mart, outcomes: list[Outcome], report: QualityReport) -> list[Outcome]:
    """An empty mart whose inputs are empty (a data set without billing data, or without ad data) is a
    warning in the summary, not a failure: the mart is right to be empty. An empty mart of non-empty
    inputs still fails."""
    from kpi_pipeline.quality.suites import EMPTY_CHECK

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
