"""Billing: the customer of a won deal and its subscription events."""

from __future__ import annotations

import random

from kpi_pipeline.demo.context import Ctx
from kpi_pipeline.demo.crm import Lead, Opp
from kpi_pipeline.demo.story import FUNNEL
from kpi_pipeline.demo.timeline import DAY, HOUR, fmt_day, fmt_ts, money


def write_customer(ctx: Ctx, lead: Lead, opp: Opp, rng: random.Random) -> None:
    won_at = opp.events[-1][1]
    created = min(won_at + rng.randint(HOUR, 8 * HOUR), ctx.cal.end_ts)
    cus_id, sub_id = ctx.ids.next("CUS"), ctx.ids.next("SUB")
    ctx.sink.write("billing_customers", {
        "customer_id": cus_id, "lead_id": lead.lead_id, "opportunity_id": opp.opp_id,
        "company_name": lead.company, "country": lead.country, "segment": lead.segment,
        "created_at": fmt_ts(created)})
    for dn, etype, mrr in subscription_events(ctx, lead, rng, created // DAY, opp.amount / 12):
        ctx.sink.write("billing_subscription_events", {
            "subscription_event_id": ctx.ids.next("BSE"), "customer_id": cus_id, "subscription_id": sub_id,
            "event_date": fmt_day(dn), "event_type": etype, "mrr_amount": money(mrr), "currency": opp.currency})
        m = ctx.cal.month_index(dn)
        if etype == "new":
            ctx.agg.new_customers[m] += 1
        if etype in ("new", "reactivation"):
            ctx.agg.active_delta[m] += 1
        if etype == "churn":
            ctx.agg.churned[m] += 1
            ctx.agg.active_delta[m] -= 1


def subscription_events(ctx: Ctx, lead: Lead, rng: random.Random, start_day: int,
                        mrr: float) -> list[tuple[int, str, float]]:
    """Monthly-ish MRR changes from the 'new' event until the end date."""
    end = ctx.cal.end_day
    churn = FUNNEL[lead.channel][5] * {"smb": 1.3, "mid_market": 1.0, "enterprise": 0.6}[lead.segment]
    dn = min(start_day + (1 if rng.random() < 0.3 else 0), end)
    mrr = round(mrr, 2)
    events = [(dn, "new", mrr)]
    active, last_mrr, months_churned = True, mrr, 0
    while True:
        dn += rng.randint(28, 33)
        if dn > end:
            return events
        if active:
            u = rng.random()
            if u < churn:
                active, last_mrr, months_churned = False, mrr, 0
                mrr = 0.0
                events.append((dn, "churn", 0.0))
            elif u < churn + 0.055:
                mrr = round(mrr * rng.uniform(1.08, 1.4), 2)
                events.append((dn, "expansion", mrr))
            elif u < churn + 0.08:
                mrr = round(mrr * rng.uniform(0.7, 0.92), 2)
                events.append((dn, "contraction", mrr))
        else:
            months_churned += 1
            if months_churned <= 12 and rng.random() < 0.035:
                active, mrr = True, round(last_mrr * rng.uniform(0.7, 1.05), 2)
                events.append((dn, "reactivation", mrr))
