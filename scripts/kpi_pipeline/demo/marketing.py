"""Marketing touchpoints of one lead (mkt_touchpoints): before and after its creation."""

from __future__ import annotations

import random

from kpi_pipeline.demo.campaigns import Campaign, active_ads
from kpi_pipeline.demo.context import Ctx
from kpi_pipeline.demo.crm import Lead
from kpi_pipeline.demo.timeline import DAY, HOUR, fmt_ts, pick


def touch_count(rng: random.Random) -> int:
    u = rng.random()
    if u < 0.10:
        return 1
    if u < 0.72:
        return rng.randint(2, 6)
    return rng.randint(7, 12)


def creation_touch_type(lead: Lead) -> str:
    if lead.ad_id:
        return "ad_click"
    return {"organic_search": "organic_visit", "referral": "referral_visit", "direct": "direct_visit",
            "email": "email_click"}.get(lead.channel,
                                        "event_visit" if lead.utm[1] == "event" else
                                        "webinar" if lead.utm[1] == "webinar" else "content_download")


def pre_touch(ctx: Ctx, rng: random.Random, lead: Lead, t: int) -> tuple[str, tuple[str, str, str], str]:
    dn = t // DAY
    kind = pick(rng, ("organic", "ad", "direct", "referral", "content", "email"), (30, 30, 14, 6, 12, 8))
    if kind == "ad":
        paid = [c for c in ctx.campaigns if c.ads and c.active(dn, ctx.cal)]
        if paid:
            c = pick(rng, paid, [c.lead_weight for c in paid])
            ads = active_ads(c, dn)
            return "ad_click", (c.utm_source, c.utm_medium, c.utm_campaign), rng.choice(ads).ad_id
        kind = "organic"
    if kind == "email":
        c = _active_campaign(ctx, dn, "newsletter")
        if c is not None:
            return "email_click", (c.utm_source, c.utm_medium, c.utm_campaign), ""
        kind = "organic"
    if kind == "organic":
        return "organic_visit", (pick(rng, ("google", "bing"), (9, 1)), "organic", ""), ""
    if kind == "content":
        return "content_download", ("google", "organic", ""), ""
    if kind == "referral":
        return "referral_visit", (pick(rng, ("g2.com", "reddit.com"), (2, 1)), "referral", ""), ""
    return "direct_visit", ("", "", ""), ""


def _active_campaign(ctx: Ctx, dn: int, slug_prefix: str) -> Campaign | None:
    for c in ctx.campaigns:
        if c.utm_campaign.startswith(slug_prefix) and c.active(dn, ctx.cal):
            return c
    return None


def post_touch(ctx: Ctx, rng: random.Random, t: int, sales_stage: bool) -> tuple[str, tuple[str, str, str], str]:
    dn = t // DAY
    kinds = ("email", "webinar", "chat", "call", "content", "newsletter")
    kind = pick(rng, kinds, (35, 12, 10, 25 if sales_stage else 3, 12, 6))
    if kind == "email":
        c = _active_campaign(ctx, dn, "nurture_trial")
        if c is not None:
            return "email_click", (c.utm_source, c.utm_medium, c.utm_campaign), ""
    if kind == "webinar":
        c = _active_campaign(ctx, dn, "webinar_series")
        if c is not None:
            return "webinar", (c.utm_source, c.utm_medium, c.utm_campaign), ""
    if kind == "call":
        return "phone_call", ("", "", ""), ""
    if kind == "content":
        return "content_download", ("newsletter", "email", "newsletter"), ""
    if kind == "newsletter":
        return "newsletter_signup", ("", "", ""), ""
    return "live_chat", ("", "", ""), ""


def lead_touches(ctx: Ctx, lead: Lead, rng: random.Random, horizon: int,
                 sales_stage: bool) -> list[tuple[int, str, tuple[str, str, str], str]]:
    """Touches of a lead sorted by time: pre-creation, the creation touch, post-creation."""
    start_ts = ctx.cal.start_day * DAY
    touches = [(lead.created, creation_touch_type(lead), lead.utm, lead.ad_id)]
    for _ in range(touch_count(rng) - 1):
        post = horizon - lead.created > 2 * HOUR and rng.random() < 0.55
        if post:
            t = lead.created + rng.randint(HOUR, horizon - lead.created)
            touches.append((t, *post_touch(ctx, rng, t, sales_stage)))
            continue
        back = rng.expovariate(1 / 10) * DAY if rng.random() < 0.7 else rng.uniform(20, 120) * DAY
        t = lead.created - int(min(back, 120 * DAY)) - rng.randint(60, 3 * HOUR)
        if t < start_ts:
            continue  # no data before the start
        touches.append((t, *pre_touch(ctx, rng, lead, t)))
    if 2 <= len(touches) < 12 and rng.random() < 0.02:  # an exact-timestamp tie
        t0 = touches[-1][0] if rng.random() < 0.5 else lead.created
        touches.append((t0, "content_download", ("", "", ""), ""))
    touches.sort(key=lambda x: x[0])  # stable: ties keep generation order
    return [x for x in touches if x[0] <= ctx.cal.end_ts]


def write_touches(ctx: Ctx, lead: Lead, touches: list[tuple[int, str, tuple[str, str, str], str]]) -> None:
    for t, kind, (src, med, camp), ad_id in touches:
        ctx.sink.write("mkt_touchpoints", {
            "touchpoint_id": ctx.ids.next("TP"), "lead_id": lead.lead_id, "touched_at": fmt_ts(t),
            "touch_type": kind, "utm_source": src, "utm_medium": med, "utm_campaign": camp, "ad_id": ad_id})
