"""Finance: monthly costs and commissions, FX-converted, and KPI targets near the actuals (from the aggregates)."""

from __future__ import annotations

import random

from kpi_pipeline.demo.context import Ctx
from kpi_pipeline.demo.reps import TEAMS
from kpi_pipeline.demo.timeline import MONTHS, day_no, fmt_day, money


COST_LINES = (  # department, category, currency, monthly base amount
    ("marketing", "salaries", "USD", 34_000), ("marketing", "salaries", "EUR", 9_000),
    ("marketing", "tools", "USD", 5_500), ("marketing", "agency", "USD", 7_000),
    ("marketing", "agency", "EUR", 3_500),
    ("sales", "salaries", "USD", 62_000), ("sales", "salaries", "EUR", 25_000),
    ("sales", "tools", "USD", 4_200),
)
COMMISSION_RATE = 0.10


def write_costs(ctx: Ctx) -> None:
    rng = random.Random(f"{ctx.seed}:costs")
    cal = ctx.cal
    for m in range(MONTHS):
        first = day_no(cal.month_start(m))
        growth = 1.0 + 0.25 * m / (MONTHS - 1)
        for dept, cat, cur, base in COST_LINES:
            amount = base * growth * rng.uniform(0.96, 1.04) * ctx.scale
            _cost_row(ctx, m, first, dept, cat, cur, amount)
        for cur in ("USD", "EUR", "GBP"):
            bookings = ctx.agg.bookings_local[cur][m]
            if cur == "USD" or bookings > 0:
                _cost_row(ctx, m, first, "sales", "commissions", cur, bookings * COMMISSION_RATE)


def _cost_row(ctx: Ctx, m: int, first: int, dept: str, cat: str, cur: str, amount: float) -> None:
    amount = round(amount, 2)
    ctx.sink.write("finance_costs", {"cost_id": ctx.ids.next("FC"), "cost_month": fmt_day(first),
                                     "department": dept, "cost_category": cat, "currency": cur,
                                     "amount": money(amount)})
    ctx.agg.costs[m] += amount * ctx.fx.to_usd(cur, first)


def ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def trend(values: list[float | None], skip: int = 3) -> list[float | None]:
    """Least-squares line through the non-null values (ignoring the ramp-up months),
    evaluated for every month; floored at a quarter of the mean."""
    pts = [(m, v) for m, v in enumerate(values) if v is not None and m >= skip]
    if len(pts) < 2:
        return [None] * len(values)
    n = len(pts)
    mx, my = sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    slope = sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx
    floor = 0.25 * abs(my)
    return [max(floor, my + slope * (m - mx)) for m in range(len(values))]


def kpi_actuals(ctx: Ctx) -> dict[str, list[float | None]]:
    a = ctx.agg
    active, start_active = 0, []
    for m in range(MONTHS):
        start_active.append(active)
        active += a.active_delta[m]
    r = range(MONTHS)
    return {
        "cost_per_lead": [ratio(a.spend[m], a.leads[m]) for m in r],
        "cost_per_opportunity": [ratio(a.spend[m], a.opps[m]) for m in r],
        "mqls": [float(a.mqls[m]) for m in r],
        "sqls": [float(a.sqls[m]) for m in r],
        "win_rate_count": [ratio(a.won[m], a.won[m] + a.lost[m]) for m in r],
        "revenue": list(a.revenue),
        "cac": [ratio(a.spend[m] + a.costs[m], a.new_customers[m]) for m in r],
        "logo_retention": [ratio(start_active[m] - a.churned[m], start_active[m]) for m in r],
        "marketing_roi": [ratio(a.revenue[m] - a.spend[m], a.spend[m]) for m in r],
    }


TARGET_BIAS = {  # stretch: higher-is-better targets above trend, lower-is-better below
    "cost_per_lead": 0.95, "cost_per_opportunity": 0.95, "mqls": 1.05, "sqls": 1.05,
    "win_rate_count": 1.03, "revenue": 1.05, "cac": 0.95, "logo_retention": 1.0, "marketing_roi": 1.0,
}
RATIO_KPIS = ("win_rate_count", "logo_retention", "marketing_roi")


def write_targets(ctx: Ctx) -> None:
    rng = random.Random(f"{ctx.seed}:targets")
    trends = {kpi: trend(values) for kpi, values in kpi_actuals(ctx).items()}
    team_trends = {t[0]: trend(list(ctx.agg.team_revenue[t[0]])) for t in TEAMS}
    for m in range(MONTHS):
        month = fmt_day(day_no(ctx.cal.month_start(m)))
        for kpi in TARGET_BIAS:
            _target_row(ctx, rng, month, kpi, "total", "all", trends[kpi][m], TARGET_BIAS[kpi])
        for team in (t[0] for t in TEAMS):
            _target_row(ctx, rng, month, "revenue", "team", team, team_trends[team][m], 1.05)


def _target_row(ctx: Ctx, rng: random.Random, month: str, kpi: str, dim_type: str, dim_value: str,
                base: float | None, bias: float) -> None:
    noise = rng.gauss(1.0, 0.05)
    if base is None:
        return
    value = base * bias * noise
    if kpi == "logo_retention":
        value = min(0.998, base + rng.gauss(0.001, 0.004))
    text = f"{value:.4f}" if kpi in RATIO_KPIS else f"{value:.2f}" if kpi not in ("mqls", "sqls") \
        else f"{round(value):d}"
    ctx.sink.write("ref_kpi_targets", {"target_month": month, "kpi_name": kpi, "dimension_type": dim_type,
                                       "dimension_value": dim_value, "target_value": text})
