"""One module per report section; each `build(source, ctx)` returns a Section.

A block whose mart is missing (or has no rows for it) becomes an empty-state
block naming the mart; the rest of the section and the page are still drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from kpi_pipeline.report.context import Context
from kpi_pipeline.report.model import Section
from kpi_pipeline.report.sections import costs, funnel, retention, revenue, roi, scorecard, win_rate
from kpi_pipeline.report.source import MartSource

SectionBuilder = Callable[[MartSource, Context], Section]

# in page order
BUILDERS: tuple[SectionBuilder, ...] = (
    scorecard.build,
    funnel.build,
    costs.build,
    roi.build,
    revenue.build,
    retention.build,
    win_rate.build,
)
