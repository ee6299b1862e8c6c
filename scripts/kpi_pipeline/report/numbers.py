"""Numbers as the report shows them: ratios from their parts, NULL kept as NULL, one format per unit.

A ratio over several months (or channels) is sum(numerator) / sum(denominator),
never an average of the monthly ratios; a zero or missing denominator gives
None, which charts show as a gap and tables as "n/a" (never 0).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

NA = "n/a"

Number = int | float | Decimal


def total(values: Iterable[Any]) -> Decimal | None:
    """Exact sum of the non-NULL values (Decimal); None when every value is NULL."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum((v if isinstance(v, Decimal) else Decimal(repr(v)) for v in present), Decimal(0))


def ratio(numerator: Any, denominator: Any) -> float | None:
    """numerator / denominator, None for a zero or NULL denominator (or a NULL numerator)."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    if isinstance(numerator, float) or isinstance(denominator, float):
        return float(numerator) / float(denominator)
    return float(Decimal(numerator) / Decimal(denominator))


def plain(value: Any) -> float | int | None:
    """A mart value for a chart: Decimal -> float, int stays int, None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    return float(value)


def money(value: Any) -> str:
    return NA if value is None else f"{float(value):,.2f}"


def count(value: Any) -> str:
    """Whole numbers without decimals; fractional (attributed) counts with two."""
    if value is None:
        return NA
    number = float(value)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"


def percent(value: Any, places: int = 1) -> str:
    return NA if value is None else f"{float(value) * 100:,.{places}f} %"


def multiple(value: Any) -> str:
    return NA if value is None else f"{float(value):,.2f}×"


def days(value: Any) -> str:
    return NA if value is None else f"{float(value):,.1f}"


def signed_percent(value: Any) -> str:
    return NA if value is None else f"{float(value) * 100:+,.1f} %"


FORMATS = {
    "money": money,
    "count": count,
    "percent": percent,
    "multiple": multiple,
    "days": days,
    "signed_percent": signed_percent,
    "text": lambda value: NA if value is None else str(value),
}


def formatted(value: Any, unit: str) -> str:
    return FORMATS[unit](value)


# d3-format specifiers for Plotly hover labels and axes, per unit
D3_FORMATS = {
    "money": ",.2f",
    "count": ",.0f",
    "percent": ".1%",
    "multiple": ".2f",
    "days": ".1f",
}
