"""Great Expectations suites for the marts, kept as code.

A suite is built per mart from rules, so a new mart gets checked without
anyone editing this file (conventions: docs/architecture.md, "Great
Expectations conventions"):

- keys: the grain columns (model `meta.grain`, else its unique-combination /
  unique test, else a primary-key constraint) are not null and unique together;
- the table is not empty (unless the model's `meta.may_be_empty` is true);
- rates (`*_rate`, `win_rate*`, `*_retention`) lie in [0, 1], except growth
  rates and MRR/revenue retention that is not `gross` (net retention is
  uncapped), which may leave that range;
- money-like columns (spend, revenue, amount, bookings, cost, mrr) are >= 0,
  except changes, differences, effects, growth and ROI-like columns, which may
  be negative;
- `period_month` holds every month from the first one to the as-of month, no
  gaps and nothing later; when the as-of date is after the data's latest
  activity (a run after the last export), the months after that activity
  may be absent (a mart of events has no row for an empty month);
- a column's `meta.range: [min, max]` (either may be null) replaces the name
  rules for that column, `meta.range: off` disables them.

Each expectation carries `meta.check`, the one-line description printed when it fails.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe

from kpi_pipeline.artifacts import Mart

NUMERIC_TYPES = re.compile(
    r"^(tiny|small|big|huge|u)?int(eger)?\d*|^(decimal|numeric|double|float|real)|^hugeint|^ubigint",
    re.IGNORECASE,
)
RATE = re.compile(r"(_rate$|^win_rate|_retention$|^retention_rate|^conversion_rate)")
RATE_EXEMPT = re.compile(r"(growth|net_revenue_retention|^nrr|_nrr|change|delta|diff|vs_)")
MONEY = re.compile(r"(spend|revenue|amount|bookings|cost|mrr)")
MONEY_EXEMPT = re.compile(r"(change|growth|diff|delta|roi|variance|vs_|net_new|_gap|effect|movement)")
# net revenue/MRR retention is uncapped; only gross (or logo) revenue retention is a [0, 1] rate
NET_RETENTION = re.compile(r"(mrr|revenue)_retention")


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    data_type: str
    meta: Mapping[str, Any]

    @property
    def is_numeric(self) -> bool:
        return bool(NUMERIC_TYPES.match(self.data_type.strip()))


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    months: list[dt.date] = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _check(text: str) -> dict[str, str]:
    return {"check": text}


EMPTY_CHECK = "table is not empty"


def grain_columns(mart: Mart, columns: Mapping[str, ColumnInfo]) -> list[str]:
    """The mart's grain when every grain column exists, else [] (no key checks)."""
    grain = [c for c in mart.grain if c in columns]
    return grain if grain and len(grain) == len(mart.grain) else []


def unique_check(grain: list[str]) -> str:
    return f"key {grain[0]} is unique" if len(grain) == 1 else f"grain ({', '.join(grain)}) is unique"


def not_null_expectations(grain: list[str]) -> list[gxe.Expectation]:
    return [
        gxe.ExpectColumnValuesToNotBeNull(column=c, meta=_check(f"grain column {c} is not null"))
        for c in grain
    ]


def key_expectations(mart: Mart, columns: Mapping[str, ColumnInfo]) -> list[gxe.Expectation]:
    grain = grain_columns(mart, columns)
    if not grain:
        return []
    out = not_null_expectations(grain)
    if len(grain) == 1:
        out.append(gxe.ExpectColumnValuesToBeUnique(column=grain[0], meta=_check(unique_check(grain))))
    else:
        out.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=grain, meta=_check(unique_check(grain))))
    return out


def range_for(column: ColumnInfo) -> tuple[float | None, float | None, str] | None:
    """(min, max, reason) for a column, from its meta.range or its name; None: no rule."""
    override = column.meta.get("range")
    if override is not None:
        if override in (False, "off", "none"):
            return None
        low, high = (list(override) + [None, None])[:2]
        return low, high, "meta.range"
    if not column.is_numeric:
        return None
    name = column.name.lower()
    if RATE.search(name) and not RATE_EXEMPT.search(name):
        if NET_RETENTION.search(name) and "gross" not in name:
            return None
        return 0, 1, "rate in [0, 1]"
    if MONEY.search(name) and not MONEY_EXEMPT.search(name):
        return 0, None, "money is not negative"
    return None


def range_expectations(columns: Mapping[str, ColumnInfo]) -> list[gxe.Expectation]:
    out: list[gxe.Expectation] = []
    for column in columns.values():
        rule = range_for(column)
        if rule is None:
            continue
        low, high, reason = rule
        bounds = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        out.append(
            gxe.ExpectColumnValuesToBeBetween(
                column=column.name,
                min_value=low,
                max_value=high,
                meta=_check(f"{column.name} within {bounds} ({reason})"),
            )
        )
    return out


def months_suite(
    mart: Mart, first_month: dt.date, as_of_month: dt.date, data_through: dt.date | None = None,
) -> gx.ExpectationSuite:
    """Checks a frame of the mart's distinct `period_month` values, as ISO date strings
    (strings compare the same way on every engine): every month from the first one on, nothing after
    the as-of month. `data_through`, the latest activity date in the data: when it is before the as-of
    month (a run after the last export), the months after it are empty, and may be absent (a mart with
    rows only where something happened has none there); they may still be present (zero rows of a
    month spine). Every month up to the data's last is still required."""
    months = [m.isoformat() for m in month_range(first_month, as_of_month)]
    last_required = as_of_month
    if data_through is not None and data_through.replace(day=1) < as_of_month:
        last_required = max(data_through.replace(day=1), first_month.replace(day=1))
    required = [m for m in months if m <= last_required.isoformat()]
    span = f"{required[0][:7]}..{required[-1][:7]}" if required else "(empty)"
    up_to = ("up to the as-of month" if last_required == as_of_month else
             f"up to the data's last month; {months[len(required)][:7]}..{as_of_month:%Y-%m} after the latest "
             f"activity {data_through} may be empty")
    return gx.ExpectationSuite(
        name=f"{mart.family}.{mart.name}.months",
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(
                column="period_month",
                value_set=months,
                meta=_check(f"period_month is a month start no later than the as-of month {as_of_month:%Y-%m}"),
            ),
            gxe.ExpectColumnDistinctValuesToContainSet(
                column="period_month",
                value_set=required,
                meta=_check(f"period_month has every month {span} (no gaps {up_to})"),
            ),
        ],
    )


def checks_months(mart: Mart, columns: Mapping[str, ColumnInfo]) -> bool:
    return "period_month" in columns and mart.meta.get("contiguous_months") is not False


def checks_row_count(mart: Mart) -> bool:
    # `meta: {may_be_empty: true}`: a mart of optional input (e.g. the KPI targets) may have no rows
    return mart.meta.get("may_be_empty") is not True


def mart_suite(mart: Mart, columns: Mapping[str, ColumnInfo]) -> gx.ExpectationSuite:
    """The suite of one mart validated as one frame or table: row count, keys and value ranges
    (months: `months_suite`)."""
    expectations: list[gxe.Expectation] = [
        *([gxe.ExpectTableRowCountToBeBetween(min_value=1, meta=_check(EMPTY_CHECK))] if checks_row_count(mart) else []),
        *key_expectations(mart, columns),
        *range_expectations(columns),
    ]
    return gx.ExpectationSuite(name=f"{mart.family}.{mart.name}", expectations=expectations)


def row_suite(mart: Mart, columns: Mapping[str, ColumnInfo]) -> gx.ExpectationSuite:
    """The row-wise part of `mart_suite` (grain not null, value ranges): what can be validated on any
    subset of the rows, batch by batch or on a refresh window. The rest is `table_checks_suite`."""
    return gx.ExpectationSuite(
        name=f"{mart.family}.{mart.name}",
        expectations=[*not_null_expectations(grain_columns(mart, columns)), *range_expectations(columns)],
    )


def row_suite_columns(mart: Mart, columns: Mapping[str, ColumnInfo]) -> list[str]:
    """The columns `row_suite` reads, in table order."""
    wanted = set(grain_columns(mart, columns)) | {c.name for c in columns.values() if range_for(c) is not None}
    return [name for name in columns if name in wanted]


def table_checks_suite(mart: Mart, grain: list[str], row_count: bool) -> gx.ExpectationSuite | None:
    """The whole-table part of `mart_suite`, computed in SQL (`quality.table_checks_frame`) and validated
    on the one-row frame of its results: `row_count` (rows in the table) at least 1, and
    `duplicate_rows` (rows whose grain occurs more than once) 0. None: nothing to check."""
    expectations: list[gxe.Expectation] = []
    if row_count:
        expectations.append(gxe.ExpectColumnMinToBeBetween(
            column="row_count", min_value=1, meta={**_check(EMPTY_CHECK), "computed_in": "SQL"},
            notes=f"row_count: count(*) of the whole table {mart.schema}.{mart.alias}, computed in SQL",
        ))
    if grain:
        expectations.append(gxe.ExpectColumnMaxToBeBetween(
            column="duplicate_rows", min_value=0, max_value=0,
            meta={**_check(unique_check(grain)), "computed_in": "SQL", "grain": list(grain)},
            notes=(f"duplicate_rows: rows of {mart.schema}.{mart.alias} whose ({', '.join(grain)}) occurs more "
                   "than once (group by ... having count(*) > 1), computed in SQL over the whole table; on a "
                   "refresh window, of the grain values of the window's rows"),
        ))
    if not expectations:
        return None
    return gx.ExpectationSuite(name=f"{mart.family}.{mart.name}.table", expectations=expectations)


def reconciliation_suite(name: str, tolerance: float) -> gx.ExpectationSuite:
    """Checks a reconciliation frame (one row per group: actual, expected, difference)."""
    return gx.ExpectationSuite(
        name=name,
        expectations=[
            gxe.ExpectTableRowCountToBeBetween(min_value=1, meta=_check("there is something to reconcile")),
            gxe.ExpectColumnValuesToBeBetween(
                column="difference",
                min_value=-tolerance,
                max_value=tolerance,
                meta=_check(f"attributed total equals the conversion total (|difference| <= {tolerance})"),
            ),
        ],
    )
