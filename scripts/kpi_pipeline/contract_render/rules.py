"""What the contract says of a table and a column, as `meta` (machine-readable) and in words."""

from __future__ import annotations

import json

from kpi_pipeline.contract import Column, Table, clean_model, crosses_sources
from kpi_pipeline.contract_render.text import _num


def column_meta(table: Table, column: Column) -> dict:
    """The machine-readable contract of one column (seed `meta` and `raw_contract()`)."""
    meta: dict = {"logical_type": column.type, "required": column.required}
    if column.normalize:
        meta["normalize"] = column.normalize
    if column.name in table.primary_key:
        meta["key"] = True
    if column.enum:
        meta["enum"] = list(column.enum)
    if column.references:
        meta["references"] = column.references
    if column.min_value is not None:
        meta["min_value"] = column.min_value
        meta["min_inclusive"] = column.min_inclusive
    if column.not_before:
        meta["not_before"] = column.not_before
    if column.money_in:
        meta["money_in"] = column.money_in
    if column.fx_date:
        meta["fx_date"] = column.fx_date
    if column.scale is not None:
        meta["scale"] = column.scale
    for name in ("absent_ok", "default", "required_with", "required_without", "not_before_reference", "fallback"):
        if getattr(column, name):
            meta[name] = getattr(column, name)
    if column.required_when:
        meta["required_when"] = {"column": column.required_when[0], "values": list(column.required_when[1])}
    return meta


def table_meta(table: Table) -> dict:
    """The machine-readable contract of one table."""
    meta: dict = {
        "source": table.source,
        "staging_model": table.staging_model,
        "clean_model": clean_model(table),
        "crosses_sources": crosses_sources(table),
        "primary_key": list(table.primary_key),
    }
    if table.event_column:
        meta["event_column"] = table.event_column
        meta["freshness_days"] = table.freshness_days
    if table.no_overlap:
        meta["no_overlap"] = list(table.no_overlap)
    if table.progression:
        p = table.progression
        meta["progression"] = {
            "column": p.column,
            "partition_by": p.partition_by,
            "order_by": p.order_by,
            "tie_breaker": p.tie_breaker,
            "ordered": list(p.ordered),
            "resets": list(p.resets),
        }
    return meta


def _flow(value: object) -> str:
    """A one-line YAML (flow style) rendering; JSON is valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def column_rules(table: Table, column: Column) -> list[str]:
    """The contract rules of one column, as short sentences."""
    rules = [f"Logical type: {column.type}."]
    rules.append("Required." if column.required else "Optional (may be empty).")
    if column.absent_ok:
        rules.append("May be absent from the export (read as empty).")
    if column.default:
        rules.append(f"Empty becomes `{column.default}`.")
    if column.fallback:
        rules.append(f"Empty takes the row's {column.fallback}.")
    if column.required_with:
        rules.append(f"Required when {column.required_with} has a value.")
    if column.required_without:
        rules.append(f"Required when {column.required_without} is empty.")
    if column.required_when:
        rules.append(f"Required when {column.required_when[0]} is {' or '.join(column.required_when[1])}.")
    if column.not_before_reference:
        rules.append(f"Must not be before the referenced row's {column.not_before_reference}.")
    if column.name in table.primary_key:
        if len(table.primary_key) == 1:
            rules.append("Primary key.")
        else:
            rules.append(f"Part of the primary key ({', '.join(table.primary_key)}).")
    if column.enum:
        rules.append(f"Accepted values (after lower-casing): {', '.join(column.enum)}.")
    if column.references:
        rules.append(f"References {column.references}.")
    if column.min_value is not None:
        rules.append(f"Must be {'>=' if column.min_inclusive else '>'} {_num(column.min_value)}.")
    if column.not_before:
        rules.append(f"Must not be before {column.not_before}.")
    if column.money_in:
        rules.append(f"Money in {column.money_in}; at most var max_plausible_amount in absolute value.")
    if column.fx_date:
        rules.append(f"Needs an FX rate to the reporting currency on or before {column.fx_date}.")
    if column.type == "decimal":
        rules.append(f"Kept as numeric({14 + (column.scale or 6)}, {column.scale or 6}): at most 14 digits "
                     f"before the point, {column.scale or 6} after it (more are rounded).")
    if column.type in ("date", "timestamp", "date_or_timestamp"):
        rules.append("Must lie in the plausible window (vars plausible_date_min, plausible_date_max).")
    if table.event_column == column.name:
        rules.append(f"Freshness: newest value at most {table.freshness_days} days before the as-of date.")
    return rules


def table_notes(table: Table) -> str:
    notes = [f"Source system: {table.source}.", f"Primary key: {', '.join(table.primary_key)}."]
    if table.event_column:
        notes.append(
            f"Freshness: max({table.event_column}) at most {table.freshness_days} days before the as-of date."
        )
    notes.append("Text (a CSV export) or native types; typed by its base model.")
    return " ".join(notes)
