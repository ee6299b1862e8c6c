"""The run configuration: the parsed command line, validated, as one immutable object."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kpi_pipeline.errors import PipelineError

DEFAULT_GX_BATCH_ROWS = 200_000  # rows of a mart the data-quality step reads into one pandas frame (DuckDB)


@dataclass(frozen=True)
class RunConfig:
    project_dir: Path
    target: str
    output_dir: Path
    target_path: Path
    log_path: Path
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    full_refresh: bool = False
    as_of_date: dt.date | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    data_dir: Path | None = None
    skip_quality: bool = False
    skip_report: bool = False
    report_output: Path | None = None  # default <output_dir>/report/index.html
    lock_max_age_hours: float = 6.0
    debug: bool = False
    full_checks: bool = False  # --full-checks: data tests and expectations on whole tables
    gx_batch_rows: int = DEFAULT_GX_BATCH_ROWS  # env KPI_GX_BATCH_ROWS: the most rows GX reads into one frame

    def report_path(self) -> Path:
        return self.report_output or default_report_path(self.output_dir)

    def dbt_vars(self) -> dict[str, Any]:
        """`--vars` for dbt: the user's vars plus `as_of_date` from `--as-of`."""
        merged = dict(self.vars)
        if self.as_of_date is not None:
            merged["as_of_date"] = self.as_of_date.isoformat()
        return merged

    def wants_full_checks(self) -> bool:
        """--full-checks, or var full_checks true in --vars."""
        return self.full_checks or str(self.vars.get("full_checks", "")).lower() == "true"

    def effective_as_of(self) -> dt.date | None:
        """The as-of date given on the command line (`--as-of` or `--vars`), if any."""
        if self.as_of_date is not None:
            return self.as_of_date
        value = self.vars.get("as_of_date")
        if value in (None, ""):
            return None
        try:
            return parse_date(str(value), "as_of_date")
        except PipelineError:  # refused by the preflight (validate_vars), with the run's other problems
            return None


def default_report_path(output_dir: Path) -> Path:
    return output_dir / "report" / "index.html"


def parse_date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PipelineError(f"{what} must be a date YYYY-MM-DD, got {text!r}") from None


def parse_vars(text: str | None) -> dict[str, Any]:
    """Parse `--vars` the way dbt does: a YAML (or JSON) mapping."""
    if not text:
        return {}
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PipelineError(f"--vars is not valid YAML/JSON: {exc}".splitlines()[0]) from None
    if not isinstance(value, dict):
        raise PipelineError(f"--vars must be a mapping like '{{as_of_date: 2026-06-30}}', got {text!r}")
    # dates parsed by YAML go back to ISO strings so that JSON for dbt is stable
    return {str(k): (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in value.items()}


def vars_json(values: dict[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, default=str)


def default_target() -> str:
    return os.environ.get("KPI_TARGET", "duckdb")


def gx_batch_rows(default: int = DEFAULT_GX_BATCH_ROWS) -> int:
    """KPI_GX_BATCH_ROWS: the most rows of a mart the data-quality step reads into one frame."""
    text = os.environ.get("KPI_GX_BATCH_ROWS", "").strip().replace("_", "")
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise PipelineError(f"KPI_GX_BATCH_ROWS must be a whole number of rows >= 1, got {text!r}")
    return value


# --------------------------------------------------------------------------- vars
# Every var the project reads (dbt_project.yml, macros/config/vars.sql), with its rule. A value is pasted
# into SQL as a literal, so a bad one is refused before anything is loaded or built.
ATTRIBUTION_MODELS = ("first_touch", "last_touch", "linear", "time_decay", "position_based", "w_shaped")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def _date_rule(value: Any) -> str | None:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return "a date YYYY-MM-DD"
    return None


def _number_rule(low: float | None = None, high: float | None = None, integer: bool = False,
                 low_inclusive: bool = True):
    def rule(value: Any) -> str | None:
        what = "a whole number" if integer else "a number"
        bounds = []
        if low is not None:
            bounds.append(f"{'>=' if low_inclusive else '>'} {low:g}")
        if high is not None:
            bounds.append(f"<= {high:g}")
        expected = what + (" " + " and ".join(bounds) if bounds else "")
        if isinstance(value, bool):
            return expected
        try:
            number = float(str(value))
        except ValueError:
            return expected
        if integer and number != int(number):
            return expected
        if low is not None and (number < low or (number == low and not low_inclusive)):
            return expected
        if high is not None and number > high:
            return expected
        return None
    return rule


def _currency_rule(value: Any) -> str | None:
    return None if re.fullmatch(r"[A-Za-z]{3}", str(value)) else "a three-letter ISO 4217 currency code"


def _identifier_rule(value: Any) -> str | None:
    return None if _IDENTIFIER.fullmatch(str(value)) else "a plain SQL identifier (letters, digits, _)"


def _bool_rule(value: Any) -> str | None:
    return None if value in (True, False, "true", "false", "True", "False") else "true or false"


def _one_of(*choices: str):
    def rule(value: Any) -> str | None:
        return None if str(value) in choices else "one of " + ", ".join(choices)
    return rule


# The areas' switches (macros/config/areas.sql): a host project's dbt build may leave an area out; the job
# builds, checks and reports every area.
AREA_VARS = ("attribution_enabled", "billing_enabled", "finance_enabled", "semantic_layer_enabled")

VAR_RULES = {
    "as_of_date": _date_rule,
    "reporting_currency": _currency_rule,
    "fx_pivot_currency": _currency_rule,
    "fiscal_year_start_month": _number_rule(1, 12, integer=True),
    "attribution_lookback_days": _number_rule(1, None, integer=True),
    "attribution_half_life_days": _number_rule(0, None, low_inclusive=False),
    "attribution_default_model": _one_of(*ATTRIBUTION_MODELS),
    "incremental_lookback_days": _number_rule(0, None, integer=True),
    "quarantine_threshold": _number_rule(0, 1),
    "max_plausible_amount": _number_rule(0, None, low_inclusive=False),
    "plausible_date_min": _date_rule,
    "plausible_date_max": _date_rule,
    "raw_schema": _identifier_rule,
    "raw_database": _identifier_rule,
    "load_demo_data": _bool_rule,
    "full_checks": _bool_rule,
    **{name: _bool_rule for name in AREA_VARS},
}


def validate_vars(values: dict[str, Any]) -> list[str]:
    """Problems with the dbt vars (one line each, naming the var and the value); warnings go to
    `unknown_vars`. None is a var's 'use the default' everywhere but in the rules above."""
    problems = []
    for name, value in values.items():
        rule = VAR_RULES.get(name)
        if rule is None or value is None:
            continue
        expected = rule(value)
        if expected:
            shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
            problems.append(f"var {name} must be {expected}, got {shown}")
    low, high = values.get("plausible_date_min"), values.get("plausible_date_max")
    if low and high and not problems and str(low) >= str(high):
        problems.append(f"var plausible_date_min ({low}) must be before plausible_date_max ({high})")
    return problems


def areas_switched_off(values: dict[str, Any]) -> list[str]:
    """The area vars (AREA_VARS) that are false in `values`."""
    return [name for name in AREA_VARS if str(values.get(name, True)).lower() in ("false", "0")]


def unknown_vars(values: dict[str, Any], known: set[str]) -> list[str]:
    return [f"var {name} is not a var of this project (dbt ignores it); is it misspelt?"
            for name in sorted(values) if name not in known and name not in VAR_RULES]
