"""Ad spend per day (ads_spend_daily): paid media per ad, other channels per campaign."""

from __future__ import annotations

import math
import random
from datetime import timedelta

from kpi_pipeline.demo.campaigns import Campaign, active_ads
from kpi_pipeline.demo.context import Ctx
from kpi_pipeline.demo.story import PAID
from kpi_pipeline.demo.timeline import EPOCH, Calendar, fmt_day, money


CPC = {"paid_search": 6.5, "paid_social": 4.2, "display": 1.6}
CTR = {"paid_search": 0.028, "paid_social": 0.0075, "display": 0.005}


def write_spend(ctx: Ctx) -> None:
    rng = random.Random(f"{ctx.seed}:spend")
    cal = ctx.cal
    for dn in range(cal.start_day, cal.end_day + 1):
        demand = cal.demand(dn)
        for c in ctx.campaigns:
            if not c.active(dn, cal):
                continue
            if c.channel in PAID:
                _paid_spend_day(ctx, rng, c, dn, demand)
            else:
                amount = _campaign_level_amount(c, dn, cal, rng)
                if amount > 0:
                    _spend_row(ctx, dn, c, "", amount * ctx.scale, 0, 0)


def _paid_spend_day(ctx: Ctx, rng: random.Random, c: Campaign, dn: int, demand: float) -> None:
    ads = active_ads(c, dn)
    total_w = sum(a.weight for a in ads)
    daily = c.budget * demand * math.exp(rng.gauss(0, 0.25)) * ctx.scale
    for a in ads:
        amount = round(daily * a.weight / total_w, 2)
        clicks = max(0, round(amount / (CPC[c.channel] * math.exp(rng.gauss(0, 0.15)))))
        impressions = max(clicks, round(clicks / (CTR[c.channel] * math.exp(rng.gauss(0, 0.2))))) if clicks else \
            round(amount * 1000 / 35)
        _spend_row(ctx, dn, c, a.ad_id, amount, impressions, clicks)


def _campaign_level_amount(c: Campaign, dn: int, cal: Calendar, rng: random.Random) -> float:
    d = EPOCH + timedelta(days=dn)
    if c.is_conference:  # sponsorship on day one, booth/travel on the other days
        return c.budget * 0.8 if dn == c.start_day else c.budget * 0.2 / max(1, c.last_day(cal) - c.start_day)
    if c.channel == "email" and c.budget >= 1000:  # one-off campaign: agency + list rental on send days
        return round(c.budget * rng.uniform(0.25, 0.45), 2) if d.weekday() == 1 else 0.0
    if c.channel in ("email", "events") and c.budget > 0:
        fee = c.budget if d.day == 1 else 0.0  # monthly tool / platform fee
        if c.channel == "events" and d.weekday() == 3 and (d.day <= 7 or 15 <= d.day <= 21):
            fee += round(rng.uniform(150, 450), 2)  # webinar promotion on webinar Thursdays
        return fee
    return 0.0


def _spend_row(ctx: Ctx, dn: int, c: Campaign, ad_id: str, amount: float, impressions: int, clicks: int) -> None:
    amount = max(0.0, round(amount, 2))
    ctx.sink.write("ads_spend_daily", {
        "spend_id": ctx.ids.next("SP"), "spend_date": fmt_day(dn), "campaign_id": c.campaign_id,
        "ad_id": ad_id, "currency": c.currency, "spend_amount": money(amount),
        "impressions": str(impressions), "clicks": str(clicks)})
    ctx.agg.spend[ctx.cal.month_index(dn)] += amount * ctx.fx.to_usd(c.currency, dn)
