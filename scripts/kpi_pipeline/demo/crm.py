"""CRM: leads, their status history, opportunities and their stage history (one lead at a time)."""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass
from typing import Sequence

from kpi_pipeline.demo.campaigns import Campaign, active_ads
from kpi_pipeline.demo.context import Ctx
from kpi_pipeline.demo.reps import eligible_aes
from kpi_pipeline.demo.story import (
    AMOUNT_RANGE, CHANNEL_LEAD_WEIGHT, COUNTRIES, COUNTRY_WEIGHTS, CURRENCY_BY_COUNTRY, CYCLE_DAYS, DQ_DEFAULT,
    DQ_REASONS, DQ_WEIGHTS, EMEA, FUNNEL, INDUSTRIES, LEGAL, LOST_REASONS, NAME_A, NAME_B, NAME_C, PLANS,
    SEGMENT_WEIGHTS, SEGMENTS, TZ_OFFSETS,
)
from kpi_pipeline.demo.timeline import DAY, HOUR, Calendar, fmt_day, fmt_ts, money, pick


@dataclass
class Lead:
    idx: int
    lead_id: str
    created: int
    channel: str
    campaign: Campaign | None
    utm: tuple[str, str, str]
    ad_id: str
    country: str
    segment: str
    team: str
    company: str


def lead_weights(cal: Calendar, campaigns: Sequence[Campaign]) -> tuple[list[float], list[float]]:
    """Cumulative daily lead weights and the conference boost per day."""
    n = cal.end_day - cal.start_day + 1
    conf = [0.0] * n
    for c in campaigns:
        if c.is_conference:
            for dn in range(c.start_day, min(c.last_day(cal) + 3, cal.end_day) + 1):
                conf[dn - cal.start_day] = 1.0
    cum, total = [], 0.0
    for k in range(n):
        total += cal.demand(cal.start_day + k) * (1.0 + conf[k])
        cum.append(total)
    return cum, conf


def lead_created_at(ctx: Ctx, i: int, u: float) -> int:
    """Monotone inverse CDF: lead i is created at quantile (i + u) / N of the daily weights."""
    cum = ctx.cum_weights
    target = (i + u) / ctx.n_leads * cum[-1]
    k = min(bisect.bisect_right(cum, target), len(cum) - 1)
    before = cum[k - 1] if k else 0.0
    frac = min(max((target - before) / (cum[k] - before), 0.0), 0.999999)
    return (ctx.cal.start_day + k) * DAY + 6 * HOUR + int(frac * 15 * HOUR)


def campaigns_for(ctx: Ctx, channel: str, dn: int, team: str, country: str) -> list[Campaign]:
    def region_ok(c: Campaign) -> bool:
        if c.region == "global":
            return True
        if c.region == "uk":
            return country == "GB"
        return (c.region == "emea") == (team == "emea")

    active = [c for c in ctx.campaigns if c.channel == channel and c.active(dn, ctx.cal) and c.lead_weight > 0]
    return [c for c in active if region_ok(c)] or active


def choose_channel(ctx: Ctx, rng: random.Random, dn: int, country: str) -> tuple[str, Campaign | None]:
    k = dn - ctx.cal.start_day
    boost = ctx.conf_extra[k]
    if boost and rng.random() < boost / (1.0 + boost):
        confs = [c for c in ctx.campaigns if c.is_conference and c.start_day <= dn <= c.last_day(ctx.cal) + 3]
        return "events", confs[0]
    chans = list(CHANNEL_LEAD_WEIGHT)
    return pick(rng, chans, [CHANNEL_LEAD_WEIGHT[c] for c in chans]), None


def lead_utm(ctx: Ctx, rng: random.Random, channel: str, dn: int, team: str, country: str,
             conf: Campaign | None) -> tuple[Campaign | None, tuple[str, str, str]]:
    if conf is not None:
        return conf, (conf.utm_source, conf.utm_medium, conf.utm_campaign)
    if channel == "organic_search":
        return None, (pick(rng, ("google", "bing", "duckduckgo"), (85, 11, 4)), "organic", "")
    if channel == "direct":
        return None, ("(direct)", "(none)", "") if rng.random() < 0.5 else ("", "", "")
    if channel == "referral" and rng.random() < 0.4:
        src = pick(rng, ("news.ycombinator.com", "g2.com", "reddit.com", "producthunt.com"), (3, 4, 2, 1))
        return None, (src, "referral", "")
    options = [c for c in campaigns_for(ctx, channel, dn, team, country) if not c.is_conference]
    if not options:
        return None, (pick(rng, ("google", "bing"), (9, 1)), "organic", "")
    c = pick(rng, options, [o.lead_weight for o in options])
    src = c.utm_source
    if c.channel == "referral":
        src = pick(rng, ("partnerstack", "g2", "acme_consulting", "brightpath_partners"), (4, 2, 1, 1))
        med = "affiliate" if src == "partnerstack" else "partner" if src == "g2" else "referral"
        return c, (src, med, c.utm_campaign)
    return c, (src, c.utm_medium, c.utm_campaign)


def company_name(rng: random.Random, country: str) -> str:
    return f"{rng.choice(NAME_A)}{rng.choice(NAME_B)} {rng.choice(NAME_C)} {LEGAL[country]}"


def team_for(country: str, segment: str) -> str:
    if country in EMEA:
        return "emea"
    return "na_enterprise" if segment == "enterprise" else "na_smb"


def make_lead(ctx: Ctx, i: int, rng: random.Random) -> Lead:
    created = lead_created_at(ctx, i, rng.random())
    dn = created // DAY
    country = pick(rng, COUNTRIES, COUNTRY_WEIGHTS)
    channel, conf = choose_channel(ctx, rng, dn, country)
    if conf is not None:
        country = pick(rng, COUNTRIES, COUNTRY_WEIGHTS) if conf.region == "global" else \
            ("GB" if conf.region == "uk" else rng.choice(sorted(EMEA)) if conf.region == "emea" else
             pick(rng, ("US", "CA"), (9, 1)))
    segment = pick(rng, SEGMENTS, SEGMENT_WEIGHTS.get(channel, SEGMENT_WEIGHTS["default"]))
    team = team_for(country, segment)
    campaign, utm = lead_utm(ctx, rng, channel, dn, team, country, conf)
    if campaign is None and utm[1] == "organic" and channel not in ("organic_search",):
        channel = "organic_search"
    ad_id = ""
    if campaign is not None and campaign.ads:
        ads = active_ads(campaign, dn)
        ad_id = pick(rng, ads, [a.weight for a in ads]).ad_id
    return Lead(i, ctx.ids.next("L"), created, channel, campaign, utm, ad_id, country, segment, team,
                company_name(rng, country))


def write_lead(ctx: Ctx, lead: Lead, rng: random.Random) -> None:
    offset = rng.choice(TZ_OFFSETS[lead.country]) if rng.random() < 0.10 else 0
    if offset == 0 and rng.random() < 0.01:
        offset = 60  # make sure some offsets exist even for rare countries
    industry = "" if rng.random() < 0.05 else rng.choice(INDUSTRIES)
    ctx.sink.write("crm_leads", {
        "lead_id": lead.lead_id, "created_at": fmt_ts(lead.created, offset), "company_name": lead.company,
        "country": lead.country, "segment": lead.segment, "industry": industry,
        "utm_source": lead.utm[0], "utm_medium": lead.utm[1], "utm_campaign": lead.utm[2]})
    ctx.agg.leads[ctx.cal.month_index(lead.created // DAY)] += 1


def delay(rng: random.Random, lo_days: float, hi_days: float) -> int:
    """A skewed delay in seconds between lo and hi days (log-uniform)."""
    lo, hi = max(lo_days, 0.05), max(hi_days, lo_days + 0.1)
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))) * DAY)


def lead_statuses(ctx: Ctx, lead: Lead, rng: random.Random) -> list[tuple[str, int, str]]:
    """Status path of a lead, truncated at the end date."""
    p_mql, p_sql, p_direct, p_opp, _, _ = FUNNEL[lead.channel]
    seg_boost = {"smb": 0.95, "mid_market": 1.05, "enterprise": 1.15}[lead.segment]
    t = lead.created
    path = [("new", t, "")]
    reached_sql = False
    if rng.random() < p_mql:
        t += delay(rng, 0.2, 10)
        path.append(("mql", t, ""))
        reached_sql = rng.random() < min(0.95, p_sql * seg_boost)
        gap = (2, 30)
    else:
        reached_sql = rng.random() < p_direct
        gap = (1, 14)
    if reached_sql:
        t += delay(rng, *gap)
        path.append(("sql", t, ""))
        if rng.random() < min(0.95, p_opp * seg_boost):
            t += delay(rng, 1, 20)
            path.append(("opportunity", t, ""))
    if path[-1][0] != "opportunity" and rng.random() < 0.75:
        t += delay(rng, 2, 60)
        weights = DQ_WEIGHTS.get(lead.channel, DQ_DEFAULT)
        path.append(("disqualified", t, pick(rng, DQ_REASONS, weights)))
    return [p for p in path if p[1] <= ctx.cal.end_ts]


def write_statuses(ctx: Ctx, lead: Lead, path: list[tuple[str, int, str]]) -> None:
    statuses = [p[0] for p in path]
    for status, t, reason in path:
        ctx.sink.write("crm_lead_status_history", {
            "status_event_id": ctx.ids.next("LSE"), "lead_id": lead.lead_id, "status": status,
            "changed_at": fmt_ts(t), "disqualification_reason": reason})
        m = ctx.cal.month_index(t // DAY)
        if status == "mql" or (status == "sql" and "mql" not in statuses):
            ctx.agg.mqls[m] += 1
        if status == "sql":
            ctx.agg.sqls[m] += 1


@dataclass
class Opp:
    opp_id: str
    created: int
    amount: float
    currency: str
    events: list[tuple[str, int, str]]  # stage, at, owner
    lost_reason: str

    @property
    def stage(self) -> str:
        return self.events[-1][0]

    @property
    def closed(self) -> bool:
        return self.stage in ("closed_won", "closed_lost")


def stage_path(lead: Lead, rng: random.Random, start: int) -> tuple[list[tuple[str, int]], str]:
    """Untruncated stage path (stage, at) and the lost reason of the final close."""
    win = FUNNEL[lead.channel][4] * {"smb": 1.0, "mid_market": 1.0, "enterprise": 0.9}[lead.segment]
    lo, hi = CYCLE_DAYS[lead.segment]
    cycle = rng.uniform(lo, hi) * DAY
    won = rng.random() < win
    middle = ["discovery", "proposal", "negotiation"]
    if not won:
        middle = middle[:pick(rng, (0, 1, 2, 3), (25, 30, 25, 20))]
        cycle *= (len(middle) + 1) / 4
    middle = [s for s in middle if rng.random() > 0.15]
    stages = ["prospecting"] + middle + ["closed_won" if won else "closed_lost"]
    gaps = [rng.uniform(0.5, 1.5) for _ in stages[1:]]
    total = sum(gaps)
    path, t = [("prospecting", start)], float(start)
    for s, g in zip(stages[1:], gaps):
        t += max(HOUR, cycle * g / total)
        path.append((s, int(t)))
    reason = "" if won else pick(rng, LOST_REASONS, _lost_weights(lead.channel))
    if not won and rng.random() < 0.04:  # re-opened
        t_re = path[-1][1] + delay(rng, 10, 60)
        path.append(("negotiation", t_re))
        won2 = rng.random() < 0.5
        path.append(("closed_won" if won2 else "closed_lost", t_re + delay(rng, 5, 40)))
        reason = "" if won2 else pick(rng, LOST_REASONS, _lost_weights(lead.channel))
    return path, reason


def _lost_weights(channel: str) -> tuple[float, ...]:
    if channel in ("paid_social", "display"):
        return (3, 2, 4, 2, 1)
    if channel == "referral":
        return (2, 2, 1, 3, 2)
    return (3, 3, 3, 2, 2)


def assign_owners(ctx: Ctx, lead: Lead, rng: random.Random, path: list[tuple[str, int]]) -> list[str]:
    """Owner per stage event: round-robin at creation, optional mid-way reassignment, and
    hand-over of a leaver's deals the day after their termination date."""
    pool = eligible_aes(ctx.reps, lead.team, path[0][1] // DAY)
    owner = pool[lead.idx % len(pool)]
    reassign_at = rng.randint(1, len(path) - 1) if len(path) >= 3 and rng.random() < 0.04 else -1
    owners = []
    for k, (_, t) in enumerate(path):
        dn = t // DAY
        if k == reassign_at or not owner.employed(dn):
            team = owner.team_at(min(dn, owner.terminated_day or dn)) or lead.team
            others = eligible_aes(ctx.reps, team, dn, exclude=owner.rep_id) or \
                eligible_aes(ctx.reps, lead.team, dn, exclude=owner.rep_id)
            owner = others[lead.idx % len(others)]
        owners.append(owner.rep_id)
    return owners


def make_opportunity(ctx: Ctx, lead: Lead, rng: random.Random, start: int) -> Opp:
    path, reason = stage_path(lead, rng, start)
    path = [p for p in path if p[1] <= ctx.cal.end_ts]
    owners = assign_owners(ctx, lead, rng, path)
    lo, hi = AMOUNT_RANGE[lead.segment]
    amount = round(rng.uniform(lo, hi) / 50) * 50.0
    if rng.random() < 0.1:
        amount += round(rng.uniform(0, 99), 2)
    events = [(s, t, o) for (s, t), o in zip(path, owners)]
    opp = Opp(ctx.ids.next("OPP"), start, amount, CURRENCY_BY_COUNTRY.get(lead.country, "USD"), events, "")
    opp.lost_reason = reason if opp.stage == "closed_lost" else ""
    return opp


def write_opportunity(ctx: Ctx, lead: Lead, opp: Opp) -> None:
    plan = PLANS[min(len(PLANS) - 1, SEGMENTS.index(lead.segment) + (1 if opp.amount > 150_000 else 0) +
                     (1 if lead.segment != "smb" else 0))]
    ctx.sink.write("crm_opportunities", {
        "opportunity_id": opp.opp_id, "lead_id": lead.lead_id, "opportunity_name": f"{lead.company} - {plan}",
        "owner_rep_id": opp.events[-1][2], "created_at": fmt_ts(opp.created),
        "close_date": fmt_day(opp.events[-1][1] // DAY) if opp.closed else "", "stage": opp.stage,
        "amount": money(opp.amount), "currency": opp.currency, "lost_reason": opp.lost_reason})
    for stage, t, owner in opp.events:
        ctx.sink.write("crm_opportunity_stage_history", {
            "stage_event_id": ctx.ids.next("OSE"), "opportunity_id": opp.opp_id, "stage": stage,
            "changed_at": fmt_ts(t), "owner_rep_id": owner})
    _aggregate_opportunity(ctx, opp)


def _aggregate_opportunity(ctx: Ctx, opp: Opp) -> None:
    agg, cal = ctx.agg, ctx.cal
    agg.opps[cal.month_index(opp.created // DAY)] += 1
    if not opp.closed:
        return
    close_day = opp.events[-1][1] // DAY
    m = cal.month_index(close_day)
    if opp.stage == "closed_lost":
        agg.lost[m] += 1
        return
    usd = opp.amount * ctx.fx.to_usd(opp.currency, close_day)
    agg.won[m] += 1
    agg.revenue[m] += usd
    agg.bookings_local[opp.currency][m] += opp.amount
    rep = next(r for r in ctx.reps if r.rep_id == opp.events[-1][2])
    agg.team_revenue[rep.team_at(close_day) or rep.teams[-1][0]][m] += usd
