"""Campaigns and their ads (ads_campaigns, ads_ads): built once from the seed, before any lead."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from kpi_pipeline.demo.story import PAID
from kpi_pipeline.demo.timeline import EPOCH, Calendar, add_months, day_no


@dataclass
class Ad:
    ad_id: str
    campaign_id: str
    name: str
    fmt: str
    start_day: int
    end_day: int
    weight: float


@dataclass
class Campaign:
    campaign_id: str
    name: str
    channel: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    objective: str
    start_day: int
    end_day: int | None  # None: still running
    region: str  # global, na, emea, uk
    currency: str
    budget: float  # paid: daily budget; others: monthly fee or lump sum
    lead_weight: float
    ads: list[Ad] = field(default_factory=list)

    def last_day(self, cal: Calendar) -> int:
        return cal.end_day if self.end_day is None else self.end_day

    def active(self, dn: int, cal: Calendar) -> bool:
        return self.start_day <= dn <= self.last_day(cal)

    @property
    def is_conference(self) -> bool:
        return self.channel == "events" and self.utm_medium == "event"


# (name, channel, source, medium, slug, objective, start (month, day), end (month, day)|None,
#  region, currency, budget, lead weight)
CAMPAIGN_SPECS = (
    ("Google Search - Brand", "paid_search", "google", "cpc", "gs_brand", "conversion", (0, 1), None, "global", "USD", 50, 3),
    ("Google Search - Generic", "paid_search", "google", "cpc", "gs_generic", "lead_generation", (0, 1), None, "global", "USD", 90, 4),
    ("Google Search - Competitor", "paid_search", "google", "cpc", "gs_competitor", "lead_generation", (3, 1), (16, 31), "na", "USD", 60, 1.5),
    ("Bing Search - Generic", "paid_search", "bing", "cpc", "bing_generic", "lead_generation", (0, 1), (19, 30), "na", "USD", 25, 1),
    ("Google Search - EMEA", "paid_search", "google", "cpc", "gs_emea", "lead_generation", (1, 15), None, "emea", "EUR", 50, 3),
    ("LinkedIn - Lead Gen Forms NA", "paid_social", "linkedin", "paid_social", "li_leadgen_na", "lead_generation", (0, 1), None, "na", "USD", 55, 4),
    ("LinkedIn - Lead Gen EMEA", "paid_social", "linkedin", "paid_social", "li_leadgen_emea", "lead_generation", (2, 15), None, "emea", "EUR", 35, 3),
    ("Facebook - Retargeting", "paid_social", "facebook", "paid_social", "fb_retargeting", "conversion", (0, 1), (13, 31), "global", "USD", 25, 2),
    ("LinkedIn - Thought Leadership", "paid_social", "linkedin", "paid_social", "li_thought_leadership", "awareness", (4, 1), (10, 30), "global", "USD", 40, 1),
    ("LinkedIn - UK ABM", "paid_social", "linkedin", "paid_social", "li_uk_abm", "lead_generation", (7, 1), None, "uk", "GBP", 20, 2),
    ("Facebook - Ebook Promo", "paid_social", "facebook", "paid_social", "fb_ebook", "lead_generation", (14, 1), None, "global", "USD", 30, 2),
    ("Display - Programmatic Prospecting", "display", "gdn", "display", "dsp_prospecting", "awareness", (0, 1), None, "global", "USD", 45, 2),
    ("Display - Retargeting EMEA", "display", "criteo", "display", "dsp_retargeting_emea", "conversion", (5, 1), (21, 31), "emea", "EUR", 25, 1.5),
    ("Display - Capterra Listing", "display", "capterra", "display", "capterra_listing", "lead_generation", (10, 1), None, "global", "USD", 30, 1.5),
    ("Newsletter", "email", "newsletter", "email", "newsletter", "conversion", (0, 1), None, "global", "USD", 450, 3),
    ("Nurture - Trial Users", "email", "hubspot", "email", "nurture_trial", "conversion", (0, 1), None, "global", "USD", 300, 3),
    ("Product Launch {y}", "email", "hubspot", "email", "product_launch_{y}", "awareness", (6, 1), (7, 30), "global", "USD", 1_500, 2),
    ("Year-end Promo {y}", "email", "hubspot", "email", "year_end_promo_{y}", "conversion", (12, 15), (13, 31), "global", "USD", 1_200, 2),
    ("Webinar Series {y}", "events", "zoom", "webinar", "webinar_series_{y}", "lead_generation", (0, 1), (11, 31), "global", "USD", 900, 3),
    ("Webinar Series {y}", "events", "zoom", "webinar", "webinar_series_{y}", "lead_generation", (12, 1), None, "global", "USD", 1_000, 3),
    ("SaaStr Annual {y}", "events", "saastr", "event", "saastr_annual_{y}", "lead_generation", (10, 9), (10, 11), "na", "USD", 28_000, 0),
    ("Web Summit {y}", "events", "websummit", "event", "web_summit_{y}", "awareness", (12, 10), (12, 13), "emea", "EUR", 22_000, 0),
    ("SaaStr Europa {y}", "events", "saastr", "event", "saastr_europa_{y}", "lead_generation", (19, 3), (19, 4), "emea", "EUR", 18_000, 0),
    ("London Tech Week {y}", "events", "londontechweek", "event", "london_tech_week_{y}", "awareness", (19, 8), (19, 12), "uk", "GBP", 15_000, 0),
    ("Partner Program", "referral", "partnerstack", "affiliate", "partner_program", "lead_generation", (0, 1), None, "global", "USD", 0, 3),
)
AD_FORMATS = {"paid_search": ("text",), "paid_social": ("image", "video", "carousel"), "display": ("image", "video")}
AD_THEMES = ("Save 10 hours a week", "Free trial", "Customer story", "Pricing", "ROI calculator",
             "Product tour", "Demo request", "Integration launch")


def build_campaigns(cal: Calendar, seed: int) -> list[Campaign]:
    rng = random.Random(f"{seed}:campaigns")
    out: list[Campaign] = []
    for i, spec in enumerate(CAMPAIGN_SPECS, start=1):
        name, channel, src, med, slug, obj, (sm, sd), end, region, cur, budget, lw = spec
        start_day = cal.day_of(sm, sd)
        end_day = None if end is None else cal.day_of(end[0], end[1]) if end[1] <= 28 else _month_last(cal, end)
        if end_day is not None and end_day >= cal.end_day:
            end_day = None
        year = str((EPOCH + timedelta(days=start_day)).year)
        c = Campaign(f"CMP-{i:03d}", name.replace("{y}", year), channel, src, med, slug.replace("{y}", year),
                     obj, start_day, end_day, region, cur, float(budget), float(lw))
        if channel in PAID:
            c.ads = build_ads(c, cal, rng, len([a for x in out for a in x.ads]))
        out.append(c)
    return out


def _month_last(cal: Calendar, end: tuple[int, int]) -> int:
    first_next = add_months(cal.start, end[0] + 1)
    return min(day_no(first_next) - 1, day_no(cal.month_start(end[0])) + end[1] - 1)


def build_ads(c: Campaign, cal: Calendar, rng: random.Random, n_before: int) -> list[Ad]:
    """2-4 ads; the first runs all campaign long, others rotate in/out (>= 1 active every day)."""
    n = rng.randint(2, 4)
    first, last = c.start_day, c.last_day(cal)
    mid = first + (last - first) // 2
    windows = [(first, last), (first, mid), (mid + 1, last), (first + (last - first) // 4, last)][:n]
    if n == 2:
        windows = [(first, last), (first, last)]
    ads = []
    for k, (a, b) in enumerate(windows):
        fmt = rng.choice(AD_FORMATS[c.channel])
        theme = AD_THEMES[(n_before + k) % len(AD_THEMES)]
        ads.append(Ad(f"AD-{n_before + k + 1:04d}", c.campaign_id, f"{c.name} | {theme} | {fmt}", fmt,
                      a, b, round(rng.uniform(0.6, 1.4), 3)))
    return ads


def active_ads(c: Campaign, dn: int) -> list[Ad]:
    return [a for a in c.ads if a.start_day <= dn <= a.end_day]
