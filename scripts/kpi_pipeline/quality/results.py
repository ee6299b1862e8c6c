"""What a validation found: one outcome per expectation, the step's report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi_pipeline.quality.windows import WindowPlan


EXAMPLES = 5
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES}


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


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


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


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        # a timestamp that is not midnight is not a month start: keep its time visible
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
