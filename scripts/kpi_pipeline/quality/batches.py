"""Merge the results of one suite validated batch by batch into the result of the whole.

A large mart is read in batches (bounded memory) and each batch is validated
with the same suite of row-wise expectations. Row-wise (column map)
expectations merge exactly: element, unexpected and missing counts add up,
percentages are recomputed from the sums, the first examples are kept (their
row positions offset by the rows before their batch), and the merged outcome
fails when any batch failed (with `mostly`: when the summed share misses it).
Expectations that need the whole table at once (uniqueness, row counts,
distinct values) do not merge: such a suite is refused, and those checks run
in SQL instead (`table_checks.py`).
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from kpi_pipeline.errors import PipelineError

# column map expectations whose verdict is a function of each row alone
ROW_WISE = frozenset({
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex",
    "expect_column_values_to_be_of_type",
    "expect_column_values_to_be_in_type_list",
})


def mergeable(expectation_type: str) -> bool:
    return expectation_type in ROW_WISE


def _percent(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


class MergedResult:
    """Accumulates the per-batch results of one suite (GX ExpectationSuiteValidationResult objects)."""

    def __init__(self, examples: int) -> None:
        self.examples = examples
        self.batches = 0
        self.rows = 0
        self._first: Any = None  # the first batch's suite result: the template of the merged one
        self._parts: list[dict[str, Any]] = []  # per expectation, in suite order

    def add(self, result: Any, rows: int) -> None:
        if self._first is None:
            self._first = result
            for item in result.results:
                kind = item.expectation_config.type
                if not mergeable(kind):
                    raise PipelineError(f"expectation {kind} cannot be validated in batches (it needs the whole table)")
                self._parts.append({
                    "success": True, "element_count": 0, "unexpected_count": 0, "missing_count": 0,
                    "has_missing": False, "examples": [], "index": [], "exception_info": None,
                })
        if len(result.results) != len(self._parts):
            raise PipelineError("a batch returned another number of results than the first batch")
        for part, item in zip(self._parts, result.results):
            info = item.result or {}
            part["success"] = part["success"] and bool(item.success)
            part["element_count"] += int(info.get("element_count") or 0)
            part["unexpected_count"] += int(info.get("unexpected_count") or 0)
            if "missing_count" in info:
                part["has_missing"] = True
                part["missing_count"] += int(info.get("missing_count") or 0)
            room = self.examples - len(part["examples"])
            if room > 0:
                part["examples"] += list(info.get("partial_unexpected_list") or [])[:room]
                part["index"] += [self.rows + int(i) if isinstance(i, int) else i
                                  for i in list(info.get("partial_unexpected_index_list") or [])[:room]]
            exception = item.exception_info or {}
            if exception.get("raised_exception") and part["exception_info"] is None:
                part["exception_info"] = exception
        self.batches += 1
        self.rows += rows

    def result(self, meta: dict[str, Any]) -> Any:
        """The merged ExpectationSuiteValidationResult (None when no batch was added)."""
        from great_expectations.core.expectation_validation_result import (
            ExpectationSuiteValidationResult,
            ExpectationValidationResult,
        )

        if self._first is None:
            return None
        results = []
        for part, item in zip(self._parts, self._first.results):
            elements, unexpected, missing = part["element_count"], part["unexpected_count"], part["missing_count"]
            nonmissing = elements - missing
            info: dict[str, Any] = {"element_count": elements, "unexpected_count": unexpected}
            if part["has_missing"]:
                info.update(
                    unexpected_percent=_percent(unexpected, nonmissing),
                    missing_count=missing,
                    missing_percent=_percent(missing, elements),
                    unexpected_percent_total=_percent(unexpected, elements),
                    unexpected_percent_nonmissing=_percent(unexpected, nonmissing),
                )
            else:
                info["unexpected_percent"] = _percent(unexpected, elements)
            info["partial_unexpected_list"] = part["examples"]
            counts = Counter(_hashable(v) for v in part["examples"])
            info["partial_unexpected_counts"] = [{"value": v, "count": n} for v, n in counts.most_common()]
            info["partial_unexpected_index_list"] = part["index"]
            mostly = (item.expectation_config.kwargs or {}).get("mostly")
            if part["exception_info"] is not None:
                success = False
            elif mostly is not None:
                base = nonmissing if part["has_missing"] else elements
                success = not base or (base - unexpected) / base >= float(mostly)
            else:
                success = part["success"]
            results.append(ExpectationValidationResult(
                success=success,
                expectation_config=copy.deepcopy(item.expectation_config),
                result=info,
                meta=copy.deepcopy(item.meta),
                exception_info=part["exception_info"] or item.exception_info,
            ))
        passed = sum(bool(r.success) for r in results)
        statistics = {
            "evaluated_expectations": len(results),
            "successful_expectations": passed,
            "unsuccessful_expectations": len(results) - passed,
            "success_percent": _percent(passed, len(results)) if results else None,
        }
        return ExpectationSuiteValidationResult(
            success=passed == len(results),
            results=results,
            suite_name=self._first.suite_name,
            suite_parameters=copy.deepcopy(self._first.suite_parameters),
            statistics=statistics,
            meta={**copy.deepcopy(self._first.meta), **meta},
            batch_id=self._first.batch_id,
        )


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value
