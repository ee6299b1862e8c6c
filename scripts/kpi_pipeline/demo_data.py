"""Deterministic demo-data generator for the raw layer (the 18 contract tables).

The story
---------
A B2B SaaS company sells subscriptions to SMB, mid-market and enterprise
accounts in North America and EMEA. The data covers the 24 calendar months
ending on ``--end-date`` (default 2026-10-31, so it starts 2024-11-01).

* Marketing runs 8 channels (``ref_channels``). Paid media (search, social,
  display) is billed per ad and day; email tooling and event sponsorships /
  webinar platforms are billed per campaign on some days (``ad_id`` empty).
  Spend is billed in USD, EUR (EMEA campaigns) or GBP (a UK campaign).
* Leads grow ~60 % over the two years with seasonality (December dip, summer
  lull, autumn peak) and spikes around conferences. Each lead has a source
  channel/campaign (its creation touch) and 1-12 touchpoints before and after
  creation (some older than the 90-day lookback, a few with equal timestamps).
* The channels behave differently on purpose, so the KPIs have a story:
  paid social brings many cheap leads that reach MQL but rarely SQL, win ~10 %
  and churn fast; referral brings few leads that convert, win ~50 % and stay;
  paid search is expensive but decent; events skip MQL more often.
* Leads move new -> mql -> sql -> opportunity, or get disqualified with a
  reason; ~10-15 % of SQLs skip MQL. Opportunities walk prospecting ->
  discovery -> proposal -> negotiation -> closed_won/closed_lost (some stages
  skipped, ~4 % of lost deals re-opened). Sales cycles are longer for
  enterprise. Deals created late are still open at the end.
* Three sales teams (na_smb, na_enterprise, emea); AEs are assigned
  round-robin (by lead index) within the team of the lead's region. One AE
  changes team, one leaves (their open deals move to a colleague the day after
  the termination date), a few deals are reassigned mid-way.
* Each won deal creates a billing customer with a 'new' subscription event
  (MRR = amount / 12, deal currency), followed by expansions, contractions,
  churn (channel dependent) and occasional reactivation.
* Finance has monthly salaries/tools/agency costs and commissions (10 % of the
  month's bookings); FX rates (EUR->USD, GBP->USD, business days only);
  KPI targets near the actuals (some months hit, some missed).

Nothing happens after the end date: events that would fall later are simply
not generated, so those leads/deals stay in their current state.

Knobs
-----
``--seed`` (42): every random stream derives from it via string-seeded
``random.Random`` instances (no global state, no hash ordering), so the same
seed and scale give byte-identical files.
``--scale`` (1.0): multiplies the number of leads (~3,000 at 1.0) and with it
everything derived from leads; money in spend and finance costs is multiplied
too so unit economics (CPL, CAC) stay comparable. Reference tables (channels,
utm map, campaigns, ads, reps, teams, FX) keep their size.
``--leads N``: exactly N leads (sets the scale to N / 3000: ``--leads 1000000``
is ~5.2M touchpoints, ``--leads 2000000`` ~10M).
``--end-date``: last day of data. ``--out``: output folder, one file per table
(default: the project's seeds, seeds/demo/ and seeds/reference/).
``--format``: csv (default) or parquet (needs pyarrow; all columns as text,
written in row groups of ``--row-group-size`` rows, default 100,000).

Scaling: leads are generated one at a time from a per-lead RNG
(``Random(f"{seed}:lead:{i}")``) and their rows (touchpoints, status history,
opportunity, stages, customer, subscription events) are streamed straight to
the open CSV writers (or buffered per row group for the Parquet writers); only
small monthly aggregates are kept in memory (for commissions and targets), so
memory stays flat (~100 MiB for Parquet) whatever the scale. Lead creation times come from a monotone inverse
CDF over daily weights, so lead ids are in creation order without sorting.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache
from itertools import accumulate
from typing import IO, Any, Iterable, Sequence

try:  # imported as the package module
    from kpi_pipeline import PROJECT_DIR
    from kpi_pipeline.contract import TABLES, TABLES_BY_NAME
    from kpi_pipeline.demo_files import REFERENCE_SEEDS
except ImportError:  # run as a plain script: python scripts/kpi_pipeline/demo_data.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from kpi_pipeline import PROJECT_DIR
    from kpi_pipeline.contract import TABLES, TABLES_BY_NAME
    from kpi_pipeline.demo_files import REFERENCE_SEEDS

# --------------------------------------------------------------------------
# Time helpers: instants are integer seconds since the epoch (UTC), days are
# integer day numbers since 1970-01-01.
# --------------------------------------------------------------------------
EPOCH = date(1970, 1, 1)
DAY = 86_400
HOUR = 3_600
BASE_LEADS = 3_000
MONTHS = 24


def day_no(d: date) -> int:
    return (d - EPOCH).days


@lru_cache(maxsize=None)
def fmt_day(dn: int) -> str:
    return (EPOCH + timedelta(days=dn)).isoformat()


def fmt_ts(sec: int, offset_min: int = 0) -> str:
    """ISO 8601 with 'Z' (offset 0) or '+HH:MM'/'-HH:MM'; same instant either way."""
    local = sec + offset_min * 60
    dn, s = divmod(local, DAY)
    h, rem = divmod(s, HOUR)
    m, s = divmod(rem, 60)
    if offset_min == 0:
        suffix = "Z"
    else:
        sign = "+" if offset_min > 0 else "-"
        oh, om = divmod(abs(offset_min), 60)
        suffix = f"{sign}{oh:02d}:{om:02d}"
    return f"{fmt_day(dn)}T{h:02d}:{m:02d}:{s:02d}{suffix}"


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def money(x: float) -> str:
    return f"{x:.2f}"


@lru_cache(maxsize=None)
def _cum_weights(weights: tuple[float, ...]) -> list[float]:
    return list(accumulate(weights))


def pick(rng: random.Random, items: Sequence, weights: Sequence[float]):
    # random.choices(weights=w) accumulates w on every call; passing the same
    # cumulative weights (cached for the constant tuples) draws the same item.
    if type(weights) is tuple:
        return rng.choices(items, cum_weights=_cum_weights(weights), k=1)[0]
    return rng.choices(items, weights=weights, k=1)[0]


# --------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------
CHANNELS = (  # id, name, group, is_paid
    ("paid_search", "Paid Search", "paid", True),
    ("paid_social", "Paid Social", "paid", True),
    ("display", "Display", "paid", True),
    ("email", "Email", "owned", False),
    ("organic_search", "Organic Search", "earned", False),
    ("events", "Events & Webinars", "owned", False),
    ("referral", "Referral & Partners", "earned", False),
    ("direct", "Direct", "earned", False),
)
PAID = ("paid_search", "paid_social", "display")

UTM_MAP = (  # utm_source, utm_medium, channel
    ("google", "cpc", "paid_search"),
    ("bing", "cpc", "paid_search"),
    ("linkedin", "paid_social", "paid_social"),
    ("facebook", "paid_social", "paid_social"),
    ("*", "display", "display"),
    ("*", "email", "email"),
    ("google", "organic", "organic_search"),
    ("bing", "organic", "organic_search"),
    ("duckduckgo", "organic", "organic_search"),
    ("*", "referral", "referral"),
    ("partnerstack", "affiliate", "referral"),
    ("g2", "partner", "referral"),
    ("*", "event", "events"),
    ("*", "webinar", "events"),
    ("(direct)", "(none)", "direct"),
)

# Lead mix and funnel behaviour per channel.
CHANNEL_LEAD_WEIGHT = {
    "paid_social": 26, "paid_search": 17, "organic_search": 17, "direct": 10,
    "email": 9, "events": 6, "display": 6, "referral": 6,
}
# p_mql, p_sql|mql, p_sql direct (skip mql), p_opp|sql, win rate, monthly churn
FUNNEL = {
    "paid_social": (0.62, 0.14, 0.01, 0.55, 0.10, 0.050),
    "paid_search": (0.48, 0.42, 0.04, 0.68, 0.28, 0.017),
    "organic_search": (0.42, 0.40, 0.04, 0.65, 0.30, 0.015),
    "direct": (0.40, 0.40, 0.05, 0.62, 0.28, 0.018),
    "email": (0.45, 0.28, 0.02, 0.55, 0.22, 0.020),
    "events": (0.55, 0.38, 0.14, 0.66, 0.35, 0.014),
    "display": (0.30, 0.20, 0.01, 0.50, 0.12, 0.035),
    "referral": (0.72, 0.62, 0.30, 0.80, 0.50, 0.006),
}
DQ_REASONS = ("no_budget", "bad_fit", "student", "competitor", "unresponsive", "duplicate")
DQ_WEIGHTS = {
    "paid_social": (2, 4, 4, 1, 5, 2), "display": (2, 4, 3, 1, 5, 2),
    "referral": (3, 2, 0.2, 1, 2, 1),
}
DQ_DEFAULT = (3, 3, 1, 1, 4, 1.5)
LOST_REASONS = ("price", "competitor", "no_decision", "timing", "missing_feature")

COUNTRIES = ("US", "CA", "AU", "GB", "DE", "FR", "NL", "IE", "ES", "SE")
COUNTRY_WEIGHTS = (44, 6, 4, 13, 11, 7, 6, 3, 3, 3)
EMEA = frozenset(("GB", "DE", "FR", "NL", "IE", "ES", "SE"))
CURRENCY_BY_COUNTRY = {"DE": "EUR", "FR": "EUR", "NL": "EUR", "IE": "EUR", "ES": "EUR", "SE": "EUR",
                       "GB": "GBP"}
TZ_OFFSETS = {  # minutes; used for the ~10 % of timestamps written with an offset
    "US": (-300, -240, -420, -480), "CA": (-300, -240), "AU": (600, 660), "GB": (0, 60),
    "DE": (60, 120), "FR": (60, 120), "NL": (60, 120), "IE": (0, 60), "ES": (60, 120), "SE": (60, 120),
}
LEGAL = {"US": "Inc.", "CA": "Inc.", "AU": "Pty Ltd", "GB": "Ltd", "IE": "Ltd", "DE": "GmbH",
         "FR": "SAS", "NL": "B.V.", "ES": "S.L.", "SE": "AB"}
SEGMENTS = ("smb", "mid_market", "enterprise")
SEGMENT_WEIGHTS = {"default": (55, 32, 13), "paid_social": (70, 24, 6), "referral": (38, 40, 22),
                   "events": (40, 38, 22), "display": (65, 28, 7)}
AMOUNT_RANGE = {"smb": (5_000, 15_000), "mid_market": (20_000, 60_000), "enterprise": (80_000, 250_000)}
CYCLE_DAYS = {"smb": (15, 50), "mid_market": (30, 85), "enterprise": (60, 120)}
INDUSTRIES = ("software", "fintech", "healthcare", "retail", "manufacturing", "education",
              "media", "logistics", "professional_services")
NAME_A = ("North", "Blue", "Bright", "Silver", "Iron", "Green", "Swift", "Clear", "Red", "Nova",
          "Summit", "Polar", "Lumen", "Atlas", "Vertex", "Cobalt", "Harbor", "Maple", "Pine", "Quantum")
NAME_B = ("wind", "stone", "field", "bridge", "path", "wave", "peak", "line", "gate", "forge",
          "leaf", "point", "works", "grid", "spring", "light", "craft", "port", "loop", "shift")
NAME_C = ("Analytics", "Systems", "Labs", "Logistics", "Health", "Retail", "Capital", "Media",
          "Software", "Foods", "Energy", "Robotics", "Partners", "Learning", "Cloud")
PLANS = ("Starter plan", "Growth plan", "Business plan", "Enterprise plan", "Platform license")
SEASON = (0.95, 1.0, 1.05, 1.0, 1.0, 0.97, 0.85, 0.82, 1.08, 1.12, 1.05, 0.68)  # Jan..Dec


# --------------------------------------------------------------------------
# Calendar / context
# --------------------------------------------------------------------------
@dataclass
class Calendar:
    start: date
    end: date

    @cached_property
    def start_day(self) -> int:
        return day_no(self.start)

    @cached_property
    def end_day(self) -> int:
        return day_no(self.end)

    @cached_property
    def end_ts(self) -> int:
        """Last second of the end date (inclusive)."""
        return (self.end_day + 1) * DAY - 1

    @cached_property
    def _month_index_cache(self) -> dict[int, int]:
        return {}

    def month_index(self, dn: int) -> int:
        cache = self._month_index_cache
        m = cache.get(dn)
        if m is None:
            d = EPOCH + timedelta(days=dn)
            m = cache[dn] = (d.year - self.start.year) * 12 + d.month - self.start.month
        return m

    def month_start(self, m: int) -> date:
        return add_months(self.start, m)

    def day_of(self, months: int, day: int = 1) -> int:
        """Day number of `day` in month start+months (clamped to the end date)."""
        return min(day_no(add_months(self.start, months).replace(day=day)), self.end_day)

    def demand(self, dn: int) -> float:
        """Relative lead demand / budget on a day: growth x seasonality x weekday."""
        d = EPOCH + timedelta(days=dn)
        growth = 1.0 + 0.6 * (dn - self.start_day) / max(1, self.end_day - self.start_day)
        weekday = 0.35 if d.weekday() >= 5 else 1.0
        return growth * SEASON[d.month - 1] * weekday


def make_calendar(end: date) -> Calendar:
    return Calendar(start=add_months(date(end.year, end.month, 1), -(MONTHS - 1)), end=end)


# --------------------------------------------------------------------------
# Campaigns and ads
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# Sales org
# --------------------------------------------------------------------------
@dataclass
class Rep:
    rep_id: str
    name: str
    role: str
    hired_day: int
    terminated_day: int | None
    teams: list[tuple[str, int, int | None]]  # team, valid_from, valid_to (exclusive)

    def team_at(self, dn: int) -> str | None:
        for team, a, b in self.teams:
            if a <= dn and (b is None or dn < b):
                return team
        return None

    def employed(self, dn: int) -> bool:
        return self.hired_day <= dn and (self.terminated_day is None or dn <= self.terminated_day)


TEAMS = (("na_smb", "North America SMB & Mid-Market", "north_america", "REP-001"),
         ("na_enterprise", "North America Enterprise", "north_america", "REP-002"),
         ("emea", "EMEA", "emea", "REP-003"))


def build_reps(cal: Calendar) -> list[Rep]:
    s = cal.start_day
    mover_day = cal.day_of(8)  # REP-007 moves na_smb -> emea
    leaver_day = cal.day_of(12, 14)  # REP-008's last day
    spec = (  # id, name, role, hired (days relative to start), team
        ("REP-001", "Dana Whitfield", "manager", -1300, "na_smb"),
        ("REP-002", "Marcus Oyelaran", "manager", -1100, "na_enterprise"),
        ("REP-003", "Sofie Lindqvist", "manager", -900, "emea"),
        ("REP-004", "Ethan Brooks", "ae", -800, "na_smb"),
        ("REP-005", "Priya Raman", "ae", -650, "na_smb"),
        ("REP-006", "Lucas Moreno", "ae", -400, "na_smb"),
        ("REP-007", "Hannah Keller", "ae", -500, "na_smb"),
        ("REP-008", "Tyler Grant", "ae", -300, "na_smb"),
        ("REP-009", "Olivia Chen", "ae", -1000, "na_enterprise"),
        ("REP-010", "James Whitaker", "ae", -700, "na_enterprise"),
        ("REP-011", "Grace Adeyemi", "ae", -200, "na_enterprise"),
        ("REP-012", "Jonas Becker", "ae", -750, "emea"),
        ("REP-013", "Camille Laurent", "ae", -420, "emea"),
        ("REP-014", "Ruben de Vries", "ae", -150, "emea"),
        ("REP-015", "Noah Patel", "ae", cal.day_of(10) - s, "na_smb"),
        ("REP-016", "Mia Sullivan", "sdr", -250, "na_smb"),
        ("REP-017", "Elias Novak", "sdr", cal.day_of(5) - s, "emea"),
    )
    reps = []
    for rid, name, role, hired_rel, team in spec:
        hired = s + hired_rel
        rep = Rep(rid, name, role, hired, None, [(team, hired, None)])
        if rid == "REP-007":
            rep.teams = [(team, hired, mover_day), ("emea", mover_day, None)]
        if rid == "REP-008":
            rep.terminated_day = leaver_day
            rep.teams = [(team, hired, leaver_day + 1)]
        reps.append(rep)
    return reps


def eligible_aes(reps: Sequence[Rep], team: str, dn: int, exclude: str = "") -> list[Rep]:
    return [r for r in reps if r.role == "ae" and r.rep_id != exclude and r.employed(dn) and r.team_at(dn) == team]


# --------------------------------------------------------------------------
# FX
# --------------------------------------------------------------------------
FX_SPECS = (("EUR", 1.08, 1.05, 1.12), ("GBP", 1.27, 1.22, 1.32))  # start, low, high (-> USD)


@dataclass
class Fx:
    first_day: int
    rates: dict[str, list[float]]  # currency -> rate per day since first_day (carried over weekends)
    rows: list[tuple[int, str, float]]

    def to_usd(self, currency: str, dn: int) -> float:
        if currency == "USD":
            return 1.0
        series = self.rates[currency]
        return series[min(max(dn - self.first_day, 0), len(series) - 1)]


def build_fx(cal: Calendar, seed: int) -> Fx:
    rng = random.Random(f"{seed}:fx")
    first = cal.start_day - 10
    while (EPOCH + timedelta(days=first)).weekday() >= 5:
        first += 1
    rates: dict[str, list[float]] = {}
    rows: list[tuple[int, str, float]] = []
    for cur, r, lo, hi in FX_SPECS:
        mean, series, last = (lo + hi) / 2, [], r
        for dn in range(first, cal.end_day + 1):
            if (EPOCH + timedelta(days=dn)).weekday() < 5:
                last = min(hi, max(lo, last + 0.05 * (mean - last) + rng.gauss(0, 0.003)))
                last = round(last, 6)
                rows.append((dn, cur, last))
            series.append(last)
        rates[cur] = series
    rows.sort(key=lambda x: (x[0], x[1]))
    return Fx(first, rates, rows)


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------
def _text(value: object) -> str:
    """A value as the csv module writes it (None -> '', anything else -> str)."""
    if type(value) is str:
        return value  # type: ignore[return-value]
    return "" if value is None else str(value)


def table_path(out_dir: str, table: str, suffix: str, seeds_layout: bool = False) -> str:
    """Where a table's file goes: `out_dir/<table><suffix>` (a data directory), or with
    `seeds_layout` the project's seeds folders (seeds/reference/ for the reference data,
    seeds/demo/ for everything else; see kpi_pipeline.demo_files)."""
    if not seeds_layout:
        return os.path.join(out_dir, f"{table}{suffix}")
    folder = os.path.join(out_dir, "reference" if table in REFERENCE_SEEDS else "demo")
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, f"{table}{suffix}")


class Sink:
    """One open csv.writer per contract table; rows are streamed to disk."""

    def __init__(self, out_dir: str, seeds_layout: bool = False) -> None:
        os.makedirs(out_dir, exist_ok=True)
        self.out_dir = out_dir
        self.files: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        self.columns: dict[str, list[str]] = {}
        self.counts: dict[str, int] = {}
        for t in TABLES:
            f = open(table_path(out_dir, t.name, ".csv", seeds_layout), "w", newline="", encoding="utf-8")
            w = csv.writer(f, lineterminator="\n")
            w.writerow(t.column_names)
            self.files[t.name], self.writers[t.name], self.counts[t.name] = f, w, 0
            self.columns[t.name] = t.column_names

    def write(self, table: str, row: dict) -> None:
        get = row.get
        self.writers[table].writerow([get(c, "") for c in self.columns[table]])
        self.counts[table] += 1

    def write_many(self, table: str, rows: Iterable[dict]) -> None:
        for r in rows:
            self.write(table, r)

    def close(self) -> None:
        for t in TABLES:
            self.files[t.name].close()


class ParquetSink(Sink):
    """One pyarrow ParquetWriter per contract table, all columns text like the CSVs.

    Rows are buffered and flushed as one row group every `row_group_size`
    rows, so memory stays bounded whatever the scale.
    """

    def __init__(self, out_dir: str, row_group_size: int = 100_000) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:  # pragma: no cover - optional dependency
            raise SystemExit("--format parquet needs pyarrow installed") from exc
        os.makedirs(out_dir, exist_ok=True)
        self.out_dir = out_dir
        self.row_group_size = row_group_size
        self._pa = pa
        self.columns = {t.name: t.column_names for t in TABLES}
        self.counts = {t.name: 0 for t in TABLES}
        self.schemas = {t.name: pa.schema([(c, pa.string()) for c in t.column_names]) for t in TABLES}
        self.buffers: dict[str, list[list[object]]] = {t.name: [] for t in TABLES}
        self.writers = {t.name: pq.ParquetWriter(os.path.join(out_dir, f"{t.name}.parquet"),
                                                 self.schemas[t.name], compression="snappy")
                        for t in TABLES}

    def write(self, table: str, row: dict) -> None:
        get = row.get
        buffer = self.buffers[table]
        buffer.append([get(c, "") for c in self.columns[table]])
        self.counts[table] += 1
        if len(buffer) >= self.row_group_size:
            self._flush(table)

    def _flush(self, table: str) -> None:
        rows = self.buffers[table]
        if not rows and self.counts[table] > 0:
            return
        columns = list(zip(*rows)) if rows else [() for _ in self.columns[table]]
        arrays = [self._pa.array([_text(v) for v in values], type=self._pa.string()) for values in columns]
        self.writers[table].write_table(self._pa.Table.from_arrays(arrays, schema=self.schemas[table]))
        self.buffers[table] = []

    def close(self) -> None:
        for t in TABLES:
            self._flush(t.name)
            self.writers[t.name].close()


class Ids:
    """Sequential zero-padded ids (deterministic because leads are processed in order)."""

    WIDTH = {"TP": 8, "LSE": 8, "OSE": 8, "BSE": 8, "L": 7, "OPP": 7, "CUS": 7, "SUB": 7, "SP": 7, "FC": 5}

    def __init__(self) -> None:
        self.n: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        n = self.n[prefix] = self.n.get(prefix, 0) + 1
        return f"{prefix}-{n:0{self.WIDTH[prefix]}d}"


@dataclass
class Agg:
    """Monthly aggregates kept in memory for commissions and targets (all USD)."""

    months: int
    spend: list[float] = field(default_factory=list)
    leads: list[int] = field(default_factory=list)
    mqls: list[int] = field(default_factory=list)
    sqls: list[int] = field(default_factory=list)
    opps: list[int] = field(default_factory=list)
    won: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)
    revenue: list[float] = field(default_factory=list)
    new_customers: list[int] = field(default_factory=list)
    churned: list[int] = field(default_factory=list)
    active_delta: list[int] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    bookings_local: dict[str, list[float]] = field(default_factory=dict)
    team_revenue: dict[str, list[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("spend", "revenue", "costs"):
            setattr(self, name, [0.0] * self.months)
        for name in ("leads", "mqls", "sqls", "opps", "won", "lost", "new_customers", "churned", "active_delta"):
            setattr(self, name, [0] * self.months)
        self.bookings_local = {c: [0.0] * self.months for c in ("USD", "EUR", "GBP")}
        self.team_revenue = {t[0]: [0.0] * self.months for t in TEAMS}


@dataclass
class Ctx:
    seed: int
    scale: float
    cal: Calendar
    fx: Fx
    campaigns: list[Campaign]
    reps: list[Rep]
    sink: Sink
    ids: Ids
    agg: Agg
    n_leads: int
    cum_weights: list[float]
    conf_extra: list[float]


# --------------------------------------------------------------------------
# Reference tables
# --------------------------------------------------------------------------
def write_reference(ctx: Ctx) -> None:
    s = ctx.sink
    for cid, name, group, paid in CHANNELS:
        s.write("ref_channels", {"channel_id": cid, "channel_name": name, "channel_group": group,
                                 "is_paid": "true" if paid else "false"})
    for src, med, ch in UTM_MAP:
        s.write("ref_utm_channel_map", {"utm_source": src, "utm_medium": med, "channel_id": ch})
    for c in ctx.campaigns:
        s.write("ads_campaigns", {
            "campaign_id": c.campaign_id, "campaign_name": c.name, "channel_id": c.channel,
            "utm_campaign": c.utm_campaign, "objective": c.objective, "start_date": fmt_day(c.start_day),
            "end_date": "" if c.end_day is None else fmt_day(c.end_day)})
        for a in c.ads:
            s.write("ads_ads", {"ad_id": a.ad_id, "campaign_id": a.campaign_id, "ad_name": a.name,
                                "ad_format": a.fmt})
    for r in ctx.reps:
        s.write("crm_sales_reps", {"rep_id": r.rep_id, "rep_name": r.name, "role": r.role,
                                   "hired_date": fmt_day(r.hired_day),
                                   "terminated_date": "" if r.terminated_day is None else fmt_day(r.terminated_day)})
    for tid, tname, region, mgr in TEAMS:
        s.write("crm_sales_teams", {"team_id": tid, "team_name": tname, "region": region, "manager_rep_id": mgr})
    for r in ctx.reps:
        for team, a, b in r.teams:
            s.write("crm_rep_team_history", {"rep_id": r.rep_id, "team_id": team, "valid_from": fmt_day(a),
                                             "valid_to": "" if b is None else fmt_day(b)})
    for dn, cur, rate in ctx.fx.rows:
        s.write("finance_fx_rates", {"rate_date": fmt_day(dn), "from_currency": cur, "to_currency": "USD",
                                     "rate": f"{rate:.6f}"})


# --------------------------------------------------------------------------
# Spend
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# Leads
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# Lead status history
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# Opportunities
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# Billing
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# Touchpoints
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# One lead, end to end
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# Finance costs and targets (need the aggregates)
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------
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


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Generate the deterministic raw demo data (one file per contract table).")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--scale", type=float, default=1.0, help="multiplies the number of leads (~3000 at 1.0)")
    p.add_argument("--leads", type=int, default=None,
                   help="exact number of leads; sets --scale to leads / 3000 (money scales with it)")
    p.add_argument("--out", default=None,
                   help="output folder, one file per table (a --data-dir for kpi-pipeline); default: the "
                        "project's seeds (seeds/demo/ and seeds/reference/)")
    p.add_argument("--end-date", default="2026-10-31", type=date.fromisoformat,
                   help="last day of data; the data covers the 24 months ending here")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.add_argument("--row-group-size", type=int, default=100_000, help="rows per Parquet row group (default 100000)")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    if args.leads is not None:
        if args.leads <= 0:
            p.error("--leads must be > 0")
        args.scale = args.leads / BASE_LEADS
    if args.scale <= 0:
        p.error("--scale must be > 0")
    return args


def peak_rss_mb() -> float | None:
    """Peak resident set size of this process in MiB (None where `resource` is missing)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    seeds_layout = args.out is None
    out = str(PROJECT_DIR / "seeds") if seeds_layout else args.out
    counts = generate(out, seed=args.seed, scale=args.scale, end=args.end_date, fmt=args.format,
                      n_leads=args.leads, row_group_size=args.row_group_size, seeds_layout=seeds_layout)
    if not args.quiet:
        width = max(len(n) for n in counts)
        for name in TABLES_BY_NAME:
            print(f"{name:<{width}}  {counts[name]:>11,}")
        rss = peak_rss_mb()
        print(f"{'total':<{width}}  {sum(counts.values()):>11,}   "
              f"({time.perf_counter() - t0:.1f}s, peak RSS {rss:.0f} MiB, seed={args.seed}, scale={args.scale:g}, "
              f"format={args.format}, out={out})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
