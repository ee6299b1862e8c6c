"""Generate every contract table: reference data, spend, one lead at a time end to end, costs, targets."""

from __future__ import annotations

import random
from datetime import date

from kpi_pipeline.demo.ads import write_spend
from kpi_pipeline.demo.billing import write_customer
from kpi_pipeline.demo.campaigns import build_campaigns
from kpi_pipeline.demo.context import Agg, Ctx, Ids
from kpi_pipeline.demo.crm import (
    lead_statuses, lead_weights, make_lead, make_opportunity, write_lead, write_opportunity, write_statuses,
)
from kpi_pipeline.demo.finance import write_costs, write_targets
from kpi_pipeline.demo.fx import build_fx
from kpi_pipeline.demo.marketing import lead_touches, write_touches
from kpi_pipeline.demo.reference import write_reference
from kpi_pipeline.demo.reps import build_reps
from kpi_pipeline.demo.timeline import BASE_LEADS, DAY, MONTHS, make_calendar
from kpi_pipeline.demo.writer import ParquetSink, Sink


def generate_lead(ctx: Ctx, i: int) -> None:
    rng = random.Random(f"{ctx.seed}:lead:{i}")
    lead = make_lead(ctx, i, rng)
    write_lead(ctx, lead, rng)
    path = lead_statuses(ctx, lead, rng)
    write_statuses(ctx, lead, path)
    horizon = path[-1][1] + 14 * DAY
    opp = None
    if path[-1][0] == "opportunity":
        opp = make_opportunity(ctx, lead, rng, path[-1][1])
        horizon = opp.events[-1][1]
        write_opportunity(ctx, lead, opp)
        if opp.stage == "closed_won":
            write_customer(ctx, lead, opp, rng)
    horizon = min(horizon, ctx.cal.end_ts)
    write_touches(ctx, lead, lead_touches(ctx, lead, rng, horizon, path[-1][0] in ("sql", "opportunity")))


def generate(out_dir: str, seed: int = 42, scale: float = 1.0, end: date = date(2026, 10, 31),
             fmt: str = "csv", n_leads: int | None = None, row_group_size: int = 100_000,
             seeds_layout: bool = False) -> dict[str, int]:
    """Write every contract table into out_dir (CSV, or Parquet streamed in row groups);
    return row counts per table. `n_leads` overrides the lead count implied by `scale`;
    `seeds_layout` writes the project's seeds folders (reference/ and demo/) instead of
    one flat data directory."""
    cal = make_calendar(end)
    campaigns = build_campaigns(cal, seed)
    cum, conf = lead_weights(cal, campaigns)
    if seeds_layout and fmt != "csv":
        raise ValueError("the seeds layout is CSV only")
    sink = ParquetSink(out_dir, row_group_size) if fmt == "parquet" else Sink(out_dir, seeds_layout)
    leads = n_leads if n_leads is not None else max(1, round(BASE_LEADS * scale))
    ctx = Ctx(seed, scale, cal, build_fx(cal, seed), campaigns, build_reps(cal), sink, Ids(), Agg(MONTHS),
              leads, cum, conf)
    try:
        write_reference(ctx)
        write_spend(ctx)
        for i in range(ctx.n_leads):
            generate_lead(ctx, i)
        write_costs(ctx)
        write_targets(ctx)
    finally:
        sink.close()
    return dict(sink.counts)
