"""The run configuration: the parsed command line, validated, as one immutable object."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kpi_pipeline.errors import PipelineError


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

    def report_path(self) -> Path:
        return self.report_output or default_report_path(self.output_dir)

    def dbt_vars(self) -> dict[str, Any]:
        """`--vars` for dbt: the user's vars plus `as_of_date` from `--as-of`."""
        merged = dict(self.vars)
        if self.as_of_date is not None:
            merged["as_of_date"] = self.as_of_date.isoformat()
        return merged

    def effective_as_of(self) -> dt.date | None:
        """The as-of date given on the command line (`--as-of` or `--vars`), if any."""
        if self.as_of_date is not None:
            return self.as_of_date
        value = self.vars.get("as_of_date")
        if value in (None, ""):
            return None
        return parse_date(str(value), "as_of_date")


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
