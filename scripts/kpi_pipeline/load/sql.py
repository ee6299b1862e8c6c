"""SQL text shared by the loads: literals, the positional select, error wording."""

from __future__ import annotations


from kpi_pipeline.contract import Table
from kpi_pipeline.load.files import RawFile
from kpi_pipeline.warehouse import quote_ident


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _positional_select(table: Table, positions: dict[str, int | None], text_type: str, name_of) -> str:
    """Every contract column by its place in the file (absent: empty), cast to text."""
    parts = []
    for column in table.columns:
        index = positions.get(column.name)
        source = "null" if index is None else name_of(index)
        parts.append(f"cast({source} as {text_type}) as {quote_ident(column.name)}")
    return ", ".join(parts)


def _disk_hint(exc: BaseException, raw: RawFile) -> str:
    text = str(exc)
    if "No space left on device" in text or "disk is full" in text.lower():
        return " (the warehouse's disk is full: free space or point KPI_DUCKDB_PATH / the database elsewhere)"
    return ""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
