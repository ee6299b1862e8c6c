"""One module per report section; each `build(source, ctx)` returns a Section.

A block whose mart is missing (or has no rows for it) becomes an empty-state
block naming the mart; the rest of the section and the page are still drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from kpi_pipeline.report.context import Context
from kpi_pipeline.report.model import NO_DATA, Empty, Section
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

# (section id, title) in page order, for a page without data
TITLES: tuple[tuple[str, str], ...] = (
    ("scorecard", "Scorecard"),
    ("funnel", "Funnel"),
    ("costs", "Acquisition costs"),
    ("roi", "Marketing ROI by attribution model"),
    ("revenue", "Revenue and MRR"),
    ("retention", "Retention"),
    ("win-rate", "Win rate by rep and team"),
)


def empty_sections(message: str, mart: str) -> list[Section]:
    """Every section with one "no data" note: the build has no calendar (dim_date is empty)."""
    return [Section(section_id=section_id, title=title, intro="",
                    blocks=[Empty(title=title, message=message, mart=mart, kind=NO_DATA)])
            for section_id, title in TITLES]
