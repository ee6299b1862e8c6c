"""The story's reference data: channels, utm map, funnel behaviour per channel, countries, segments, names."""

from __future__ import annotations




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
