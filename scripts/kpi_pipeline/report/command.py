"""Write the report: connect, read the marts, render, write the file atomically.

Used by `kpi-pipeline report` and by the report step at the end of
`kpi-pipeline run`. Missing marts become empty-state blocks (listed in the
result); a warehouse without dim_date or without any of the report's marts is
an error (PipelineError, exit 2).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kpi_pipeline.errors import EXIT_OK, PipelineError
from kpi_pipeline.report.context import build_context, empty_context
from kpi_pipeline.report.figures import channel_colours
from kpi_pipeline.report.model import Chart, Section
from kpi_pipeline.report.page import Page, render
from kpi_pipeline.report.source import MartSource, MartUnavailable, NoRows
from kpi_pipeline.safe_text import terminal_safe
from kpi_pipeline.warehouse import Warehouse, resolve

TITLE = "Sales & marketing KPIs"
DEFAULT_CURRENCY = "USD"


class NothingToReport(PipelineError):
    """The warehouse has no calendar (dim_date) or none of the report's marts: nothing to draw."""


@dataclass(frozen=True)
class ReportResult:
    path: Path
    bytes: int
    seconds: float
    sections: tuple[str, ...]
    charts: int
    missing_marts: tuple[str, ...] = field(default_factory=tuple)  # not built: an empty state "not available"
    empty_marts: tuple[str, ...] = field(default_factory=tuple)  # built, no rows to draw: a "no data" note

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path), "bytes": self.bytes, "seconds": self.seconds,
            "sections": list(self.sections), "charts": self.charts, "missing_marts": list(self.missing_marts),
            "empty_marts": list(self.empty_marts),
        }


def reporting_currency(project_dir: Path, dbt_vars: dict[str, Any]) -> str:
    """The reporting currency label: the run's vars, else dbt_project.yml's default."""
    if dbt_vars.get("reporting_currency"):
        return str(dbt_vars["reporting_currency"])
    try:
        project = yaml.safe_load((project_dir / "dbt_project.yml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        return DEFAULT_CURRENCY
    return str((project.get("vars") or {}).get("reporting_currency") or DEFAULT_CURRENCY)


def render_report(conn: Any, currency: str, builders: Sequence[Any] | None = None) -> tuple[str, list[Section]]:
    """The page's HTML from one open warehouse connection."""
    import plotly
    from plotly.offline import get_plotlyjs

    from kpi_pipeline.report.sections import BUILDERS, empty_sections

    source = MartSource(conn)
    try:
        ctx = build_context(source, currency)
        sections = [build(source, ctx) for build in (builders or BUILDERS)]
    except MartUnavailable as exc:
        raise NothingToReport(f"cannot write the report: {exc}") from None
    except NoRows as exc:  # an empty calendar: a build of a data set with no activity at all
        ctx = empty_context(currency)
        sections = empty_sections(str(exc), exc.mart)
    if all(s.blocks and len(s.missing) == len(s.blocks) for s in sections):
        missing = sorted({e.mart for s in sections for e in s.missing})
        raise NothingToReport(
            f"cannot write the report: none of its marts is in the warehouse (missing: {', '.join(missing)}); "
            "build them first with `kpi-pipeline run`"
        )
    page = Page(
        title=TITLE,
        ctx=ctx,
        sections=sections,
        marts_read=sorted(source.read_marts),
        channel_colours=channel_colours(ctx.channel_ids),
        plotly_js=get_plotlyjs(),
        plotly_version=_plotly_js_version(plotly.__version__),
    )
    return render(page), sections


def _plotly_js_version(python_version: str) -> str:
    try:
        from plotly.offline import get_plotlyjs_version

        return str(get_plotlyjs_version())
    except ImportError:  # older plotly: name the Python package's version instead
        return f"(plotly.py {python_version})"


def write_atomically(path: Path, text: str) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        raise PipelineError(f"cannot write the report to {path}: {exc.strerror or exc}") from None
    return len(data)


def write_report(
    warehouse: Warehouse, output: Path, currency: str, read_only: bool = True,
    builders: Sequence[Any] | None = None,
) -> ReportResult:
    started = time.monotonic()
    with warehouse.connect(read_only=read_only) as conn:
        text, sections = render_report(conn, currency, builders)
    size = write_atomically(output, text)
    return ReportResult(
        path=output,
        bytes=size,
        seconds=round(time.monotonic() - started, 2),
        sections=tuple(s.section_id for s in sections),
        charts=sum(1 for s in sections for b in s.blocks if isinstance(b, Chart)),
        missing_marts=tuple(sorted({e.mart for s in sections for e in s.missing})),
        empty_marts=tuple(sorted({e.mart for s in sections for e in s.no_data if e.mart})),
    )


def describe(result: ReportResult) -> str:
    return (
        f"{result.path} ({result.bytes / 1_000_000:.1f} MB, {result.charts} charts in {len(result.sections)} "
        f"sections, {result.seconds:.1f}s)"
    )


def missing_warning(result: ReportResult) -> str | None:
    if not result.missing_marts:
        return None
    return (
        f"the report shows an empty state where marts are not built: {', '.join(result.missing_marts)} "
        "(build them with `kpi-pipeline run`)"
    )


def empty_note(result: ReportResult) -> str | None:
    """A note (not a warning: the data set may lack a system) naming the marts drawn as "no data"."""
    if not result.empty_marts:
        return None
    return f"the report shows \"no data\" where marts were built without rows: {', '.join(result.empty_marts)}"


def report_main(project_dir: Path, target: str, output: Path, currency: str | None) -> int:
    """`kpi-pipeline report`: 0 when written (missing marts are a warning), PipelineError (exit 2) otherwise."""
    warehouse = resolve(project_dir, target)
    result = write_report(warehouse, output, currency or reporting_currency(project_dir, {}), read_only=True)
    print(terminal_safe(f"kpi-pipeline report: wrote {describe(result)} from {warehouse.description}"), flush=True)
    warning = missing_warning(result)
    if warning:
        print(terminal_safe(f"kpi-pipeline report: warning: {warning}"), file=sys.stderr, flush=True)
    note = empty_note(result)
    if note:
        print(terminal_safe(f"kpi-pipeline report: note: {note}"), flush=True)
    return EXIT_OK
