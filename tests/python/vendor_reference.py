"""The KPIs of the vendor fixtures, computed in plain Python straight from the fixture CSVs.

Nothing here reads a dbt model or the adapters' SQL: each vendor's rows are read the way its documentation
describes them (docs/adapters.md: which record is a lead, which field is its source, which status is an MQL,
how a deal's final close is found), and the spec's KPI rules (as-of date, FX at the dated rate with the latest
earlier rate, utm -> channel, inferred MQL / SQL, a re-opened deal counted once at its final close) are applied
again here. tests/python/test_adapters.py compares the marts of each adapter's build with these numbers.

Money is converted row by row as the facts do (the rate to the reporting currency on the row's date, an inverse
quote as 1 / rate kept to 12 decimals, the converted amount rounded half up to 6 decimals).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from rawdata import RawData

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPORTING = "USD"
SIX = Decimal("0.000001")
TWELVE = Decimal("0.000000000001")


# ---------------------------------------------------------------- reading


def read(vendor: str, schema: str, table: str) -> pd.DataFrame:
    """A fixture table as text; empty values are None."""
    return _text(pd.read_csv(FIXTURES / vendor / schema / f"{table}.csv", dtype=str, keep_default_na=False))


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype(object)
    for column in frame.columns:
        frame[column] = pd.Series([value.strip() or None for value in frame[column]], index=frame.index,
                                  dtype=object)
    return frame


def ts(value: object) -> pd.Timestamp | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return pd.Timestamp(value)


def is_true(value: object) -> bool:
    return str(value).strip().lower() in ("true", "t", "1", "yes")


def month_of(value: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(value).to_period("M").to_timestamp()


def utm_of(url: object) -> dict[str, str | None]:
    """utm_source / utm_medium / utm_campaign of a URL or query string (lower case), via urllib."""
    text = "" if url is None else str(url).strip().strip("[]").strip("'\"").split(",")[0].strip().strip("'\"")
    query = urlsplit(text).query if "?" in text else text
    values = parse_qs(query)
    return {key: (values[key][0].lower() if key in values and values[key][0] else None)
            for key in ("utm_source", "utm_medium", "utm_campaign")}


# ---------------------------------------------------------------- FX


class Fx:
    """Dated quotes (rate_date, from, to, rate): 1 from = rate to. Conversion to USD on a day uses the latest quote
    on or before it, direct (X -> USD) or inverse (USD -> X, as 1 / rate)."""

    def __init__(self, quotes: list[tuple[pd.Timestamp, str, str, Decimal]]) -> None:
        self.to_usd: dict[str, list[tuple[pd.Timestamp, Decimal]]] = defaultdict(list)
        for day, source, target, rate in quotes:
            if source == target or rate <= 0:
                continue
            if target == REPORTING:
                self.to_usd[source].append((day, rate))
            elif source == REPORTING:
                self.to_usd[target].append((day, (Decimal(1) / rate).quantize(TWELVE, ROUND_HALF_UP)))
        for values in self.to_usd.values():
            values.sort()

    def rate(self, currency: str, day: pd.Timestamp) -> Decimal:
        earlier = [rate for quoted, rate in self.to_usd[currency] if quoted <= pd.Timestamp(day).normalize()]
        if not earlier:
            raise KeyError(f"no {currency} rate on or before {day}")
        return earlier[-1]

    def convert(self, amount: float | Decimal | str, currency: str, day: pd.Timestamp) -> float:
        value = Decimal(str(amount))
        if currency == REPORTING:
            return float(value)
        return float((value * self.rate(currency, day)).quantize(SIX, ROUND_HALF_UP))


# ---------------------------------------------------------------- the facts


@dataclass
class Funnel:
    """The facts of one adapter build, rebuilt from the fixtures."""

    leads: pd.DataFrame  # lead_id, created_at, channel_id, utm_campaign
    events: pd.DataFrame  # lead_id, status, changed_at
    deals: pd.DataFrame  # opportunity_id, lead_id, created_at, status, closed_at, amount, currency, rep, team
    spend: pd.DataFrame  # spend_date, campaign_id, channel_id, utm_campaign, amount, currency
    touch_dates: list[pd.Timestamp]
    fx: Fx
    contract_dir: Path | None = None  # billing / finance tables in the contract layout
    raw: RawData = field(default_factory=RawData)  # the project's reference data (utm map, channels)

    # ------------------------------------------------------------ derived

    @property
    def as_of(self) -> pd.Timestamp:
        candidates = [self.spend["spend_date"].max(), self.leads["created_at"].max(), self.events["changed_at"].max()]
        candidates += [self.deals["created_at"].max(), self.deals["stage_changed_max"].max()]
        candidates += list(self.touch_dates)
        return max(pd.Timestamp(c) for c in candidates if c is not None and not pd.isna(c)).normalize()

    @property
    def paid_channels(self) -> set[str]:
        channels = self.raw.table("ref_channels")
        return set(channels.loc[channels["is_paid"].str.lower() == "true", "channel_id"])

    def lifecycle(self) -> pd.DataFrame:
        """Leads with mql_at / sql_at, actual or inferred (the spec's rule)."""
        leads = self.leads.copy()
        firsts = self.events.groupby(["lead_id", "status"])["changed_at"].min().unstack()
        for status in ("mql", "sql", "opportunity"):
            column = firsts[status] if status in firsts else pd.Series(dtype="datetime64[ns]")
            leads[f"{status}_event_at"] = leads["lead_id"].map(column)
        first_deal = self.deals.sort_values(["created_at", "opportunity_id"]).groupby("lead_id")["created_at"].first()
        leads["opportunity_at"] = leads["opportunity_event_at"].fillna(leads["lead_id"].map(first_deal))
        leads["sql_at"] = leads["sql_event_at"].fillna(leads["opportunity_at"])
        leads["mql_at"] = leads["mql_event_at"].fillna(leads["sql_at"])
        leads["is_mql_inferred"] = leads["mql_event_at"].isna() & leads["mql_at"].notna()
        leads["is_sql_inferred"] = leads["sql_event_at"].isna() & leads["sql_at"].notna()
        return leads

    def spend_reporting(self) -> pd.DataFrame:
        spend = self.spend.copy()
        spend["amount_reporting"] = [
            self.fx.convert(a, c, d) for a, c, d in zip(spend["amount"], spend["currency"], spend["spend_date"])
        ]
        spend["spend_month"] = spend["spend_date"].map(month_of)
        spend["is_paid"] = spend["channel_id"].isin(self.paid_channels)
        return spend

    def closed_deals(self) -> pd.DataFrame:
        deals = self.deals[self.deals["status"].isin(["won", "lost"])].copy()
        deals["close_month"] = deals["closed_at"].map(month_of)
        deals["amount_reporting"] = [
            None if a is None or pd.isna(a) else self.fx.convert(a, c, d.normalize())
            for a, c, d in zip(deals["amount"], deals["currency"], deals["closed_at"])
        ]
        deals["channel_id"] = deals["lead_id"].map(self.leads.set_index("lead_id")["channel_id"])
        return deals

    # ------------------------------------------------------------ contract tables of the fixture

    def contract(self, table: str) -> pd.DataFrame:
        if self.contract_dir is None or not (self.contract_dir / f"{table}.csv").exists():
            return pd.DataFrame()
        return _text(pd.read_csv(self.contract_dir / f"{table}.csv", dtype=str, keep_default_na=False))

    def costs(self) -> pd.DataFrame:
        costs = self.contract("finance_costs")
        costs["cost_month"] = pd.to_datetime(costs["cost_month"])
        costs["amount_reporting"] = [
            self.fx.convert(a, c, d) for a, c, d in zip(costs["amount"], costs["currency"], costs["cost_month"])
        ]
        return costs

    def customer_mrr(self, customer_id: str, day: pd.Timestamp, rate_day: pd.Timestamp) -> float:
        """A customer's MRR on `day` (the latest event of each subscription on or before it), at `rate_day`."""
        events = self.contract("billing_subscription_events")
        events = events[events["customer_id"] == customer_id].copy()
        events["event_date"] = pd.to_datetime(events["event_date"])
        events = events[events["event_date"] <= day].sort_values(["event_date", "subscription_event_id"])
        latest = events.groupby("subscription_id").tail(1)
        return sum(self.fx.convert(m, c, rate_day) for m, c in zip(latest["mrr_amount"], latest["currency"]))

    def customers(self) -> pd.DataFrame:
        """Customers with their acquisition month (first event with MRR > 0) and the channel of their lead."""
        events = self.contract("billing_subscription_events")
        if events.empty:
            return pd.DataFrame(columns=["customer_id", "acquisition_month", "channel_id", "is_paid"])
        events["event_date"] = pd.to_datetime(events["event_date"])
        paid = events[events["mrr_amount"].astype(float) > 0]
        first = paid.groupby("customer_id")["event_date"].min()
        customers = self.contract("billing_customers")
        customers = customers[customers["customer_id"].isin(first.index)].copy()
        customers["acquisition_month"] = customers["customer_id"].map(first).map(month_of)
        customers["channel_id"] = customers["lead_id"].map(self.leads.set_index("lead_id")["channel_id"])
        customers["is_paid"] = customers["channel_id"].isin(self.paid_channels)
        return customers

    def months(self) -> list[pd.Timestamp]:
        first = min(self.leads["created_at"].min(), self.spend["spend_date"].min())
        return list(pd.date_range(month_of(first), month_of(self.as_of), freq="MS"))


# ---------------------------------------------------------------- expected KPI rows


def ratio(numerator: float, denominator: float) -> float | None:
    return None if not denominator else numerator / denominator


def expected_cost_per_lead(funnel: Funnel) -> dict[tuple, dict[str, object]]:
    spend = funnel.spend_reporting()
    leads = funnel.leads.copy()
    leads["created_month"] = leads["created_at"].map(month_of)
    rows: dict[tuple, dict[str, object]] = {}
    for month in funnel.months():
        month_spend = spend[spend["spend_month"] == month]
        month_leads = leads[leads["created_month"] == month]
        groups = {("total", "all"): (month_spend, month_leads)}
        for channel in set(spend["channel_id"]) | set(leads["channel_id"]):
            groups[("channel", channel)] = (
                month_spend[month_spend["channel_id"] == channel], month_leads[month_leads["channel_id"] == channel]
            )
        for (kind, value), (s, l) in groups.items():
            amount = float(s["amount_reporting"].sum())
            rows[(month, kind, value)] = {
                "marketing_spend": amount, "new_leads": len(l), "cost_per_lead": ratio(amount, len(l)),
            }
    return rows


def _event_counts(funnel: Funnel, stage: str) -> dict[tuple, dict[str, object]]:
    leads = funnel.lifecycle()
    leads = leads[leads[f"{stage}_at"].notna()].copy()
    leads["month"] = leads[f"{stage}_at"].map(month_of)
    rows: dict[tuple, dict[str, object]] = {}
    for month in funnel.months():
        month_rows = leads[leads["month"] == month]
        groups = {("total", "all"): month_rows}
        for channel in set(funnel.leads["channel_id"]):
            groups[("channel", channel)] = month_rows[month_rows["channel_id"] == channel]
        for (kind, value), group in groups.items():
            inferred = int(group[f"is_{stage}_inferred"].sum())
            rows[(month, kind, value)] = {
                f"new_{stage}s": len(group), f"actual_{stage}s": len(group) - inferred, f"inferred_{stage}s": inferred,
            }
    return rows


def expected_mqls(funnel: Funnel) -> dict[tuple, dict[str, object]]:
    return _event_counts(funnel, "mql")


def expected_sqls(funnel: Funnel) -> dict[tuple, dict[str, object]]:
    return _event_counts(funnel, "sql")


def expected_win_rate(funnel: Funnel) -> dict[tuple, dict[str, object]]:
    deals = funnel.closed_deals()
    rows: dict[tuple, dict[str, object]] = {}
    for (month, kind, value), group in _breakdown(deals, "close_month", {"rep": "rep", "team": "team",
                                                                         "channel": "channel_id"}):
        won = group[group["status"] == "won"]
        lost = group[group["status"] == "lost"]
        won_amount = float(won["amount_reporting"].dropna().sum())
        lost_amount = float(lost["amount_reporting"].dropna().sum())
        rows[(month, kind, value)] = {
            "won_count": len(won), "lost_count": len(lost), "closed_count": len(group),
            "win_rate_count": ratio(len(won), len(group)),
            "won_amount": won_amount, "lost_amount": lost_amount, "closed_amount": won_amount + lost_amount,
            "win_rate_amount": ratio(won_amount, won_amount + lost_amount),
        }
    return rows


def expected_revenue(funnel: Funnel) -> dict[tuple, dict[str, object]]:
    deals = funnel.closed_deals()
    won = deals[deals["status"] == "won"]
    rows: dict[tuple, dict[str, object]] = {}
    for (month, kind, value), group in _breakdown(won, "close_month", {"rep": "rep", "channel": "channel_id"}):
        rows[(month, kind, value)] = {"revenue": float(group["amount_reporting"].dropna().sum()),
                                      "won_deals": len(group)}
    return rows


def _breakdown(frame: pd.DataFrame, month_column: str, dims: dict[str, str]):
    for month, group in frame.groupby(month_column):
        yield (month, "total", "all"), group
        for kind, column in dims.items():
            for value, sub in group.groupby(column, dropna=False):
                yield (month, kind, value), sub


def expected_cac(funnel: Funnel) -> dict[tuple, dict[str, object]]:
    spend = funnel.spend_reporting()
    costs = funnel.costs()
    customers = funnel.customers()
    rows: dict[tuple, dict[str, object]] = {}
    for month in funnel.months():
        s = spend[spend["spend_month"] == month]
        c = costs[costs["cost_month"] == month]
        new = customers[customers["acquisition_month"] == month]
        media = float(s["amount_reporting"].sum())
        marketing = float(c.loc[c["department"] == "marketing", "amount_reporting"].sum())
        sales = float(c.loc[c["department"] == "sales", "amount_reporting"].sum())
        paid_media = float(s.loc[s["is_paid"], "amount_reporting"].sum())
        paid_customers = int(new["is_paid"].sum())
        rows[(month, "total", "all")] = {
            "media_spend": media, "marketing_costs": marketing, "sales_costs": sales,
            "acquisition_cost": media + marketing + sales, "new_customers": len(new),
            "blended_cac": ratio(media + marketing + sales, len(new)),
            "paid_media_spend": paid_media, "new_paid_customers": paid_customers,
            "paid_cac": ratio(paid_media, paid_customers),
        }
    return rows


def expected_retention(funnel: Funnel) -> dict[tuple, dict[str, object]]:
    """Logo retention, GRR and NRR in total per month: customers active (MRR > 0) at the end of the month (the
    as-of date in its month) and of the month before; MRR at start at the previous month-end rate, retained MRR
    (per customer active at both ends: this month's MRR at the start rate, capped at its start MRR for GRR)."""
    customers = sorted(funnel.contract("billing_customers")["customer_id"]) if funnel.contract_dir else []
    rows: dict[tuple, dict[str, object]] = {}
    months = funnel.months()
    for index, month in enumerate(months):
        end_day = min(month + pd.offsets.MonthEnd(0), funnel.as_of)
        start_day = month - pd.Timedelta(days=1)
        start_mrr_total = retained = capped = 0.0
        at_start = at_end = new = churned = 0
        for customer in customers:
            start = funnel.customer_mrr(customer, start_day, start_day) if index > 0 else 0.0
            end = funnel.customer_mrr(customer, end_day, end_day)
            active_start, active_end = start > 0, end > 0
            at_start += active_start
            at_end += active_end
            if active_end and not active_start:
                new += 1
            if active_start and not active_end:
                churned += 1
            if active_start:
                start_mrr_total += start
            if active_start and active_end:
                restated = funnel.customer_mrr(customer, end_day, start_day)
                retained += restated
                capped += min(restated, start)
        retained_customers = at_end - new
        rows[(month, "total", "all")] = {
            "customers_at_start": at_start, "customers_at_end": at_end, "new_customers": new,
            "churned_customers": churned, "retained_customers": retained_customers,
            "logo_retention": ratio(retained_customers, at_start), "mrr_at_start": start_mrr_total,
            "retained_mrr_capped": capped, "gross_revenue_retention": ratio(capped, start_mrr_total),
            "retained_mrr": retained, "net_revenue_retention": ratio(retained, start_mrr_total),
        }
    return rows


# ---------------------------------------------------------------- ad platforms


def _latest(frame: pd.DataFrame, keys: list[str], order: str) -> pd.DataFrame:
    frame = frame.copy()
    frame["_order"] = pd.to_datetime(frame[order])
    return frame.sort_values(keys + ["_order"]).groupby(keys).tail(1).drop(columns="_order")


def _slug(text: str) -> str:
    out, last = [], ""
    for char in text.lower():
        keep = char if ("a" <= char <= "z" or "0" <= char <= "9") else "_"
        if keep == "_" and last == "_":
            continue
        out.append(keep)
        last = keep
    return "".join(out).strip("_")


def _campaign_channel(raw: RawData, utm: dict[str, str | None] | None, default: tuple[str, str],
                      default_channel: str) -> str:
    source, medium = (utm["utm_source"], utm["utm_medium"]) if utm else default
    channel = raw.channel_of(source, medium)
    return default_channel if channel in ("unmapped",) else channel


def google_ads_spend(raw: RawData) -> pd.DataFrame:
    """Google Ads: ad_stats summed per ad and day (cost_micros / 1e6) in the account currency; campaign days without
    ad stats from campaign_stats. Channel: the utm pair of the campaign's first tagged ad's final URL."""
    accounts = _latest(read("google_ads", "google_ads", "account_history"), ["id"], "updated_at")
    currency = dict(zip(accounts["id"], accounts["currency_code"]))
    campaigns = _latest(read("google_ads", "google_ads", "campaign_history"), ["id"], "updated_at")
    groups = _latest(read("google_ads", "google_ads", "ad_group_history"), ["id"], "updated_at")
    ads = _latest(read("google_ads", "google_ads", "ad_history"), ["ad_group_id", "id"], "updated_at")
    ads["campaign"] = ads["ad_group_id"].map(dict(zip(groups["id"], groups["campaign_id"])))
    channel, utm_campaign = {}, {}
    for campaign in campaigns.itertuples(index=False):
        tagged = [utm_of(u) for u in ads.sort_values(["ad_group_id", "id"]).loc[ads["campaign"] == campaign.id,
                                                                                "final_urls"]]
        tagged = [u for u in tagged if u["utm_source"] or u["utm_medium"]]
        utm = tagged[0] if tagged else None
        channel[campaign.id] = _campaign_channel(raw, utm, ("google", "cpc"), "paid_search")
        utm_campaign[campaign.id] = (utm or {}).get("utm_campaign") or _slug(campaign.name)
    stats = read("google_ads", "google_ads", "ad_stats")
    stats["micros"] = stats["cost_micros"].map(int)
    per_ad = stats.groupby(["customer_id", "date", "campaign_id", "ad_group_id", "ad_id"], as_index=False)["micros"].sum()
    rows = [(r.date, r.campaign_id, Decimal(r.micros) / Decimal(1_000_000), currency[r.customer_id])
            for r in per_ad.itertuples(index=False)]
    with_ads = set(zip(per_ad["campaign_id"], per_ad["date"]))
    campaign_stats = read("google_ads", "google_ads", "campaign_stats")
    campaign_stats["micros"] = campaign_stats["cost_micros"].map(int)
    per_campaign = campaign_stats.groupby(["customer_id", "date", "id"], as_index=False)["micros"].sum()
    rows += [(r.date, r.id, Decimal(r.micros) / Decimal(1_000_000), currency[r.customer_id])
             for r in per_campaign.itertuples(index=False) if (r.id, r.date) not in with_ads]
    spend = pd.DataFrame(rows, columns=["spend_date", "campaign", "amount", "currency"])
    spend["spend_date"] = pd.to_datetime(spend["spend_date"])
    spend["campaign_id"] = "google_ads:" + spend["campaign"]
    spend["channel_id"] = spend["campaign"].map(channel)
    spend["utm_campaign"] = spend["campaign"].map(utm_campaign)
    return spend.drop(columns="campaign")


def _facebook_tags(creative: pd.Series) -> dict[str, str | None]:
    import json

    tags = creative["url_tags"]
    if tags and tags.startswith("["):
        values = {item["key"]: str(item["value"]).lower() for item in json.loads(tags)}
        found = {k: values.get(k) for k in ("utm_source", "utm_medium", "utm_campaign")}
    else:
        found = utm_of(tags)
    if not (found["utm_source"] or found["utm_medium"]):
        found = utm_of(creative["object_story_link_data_link"])
    return found


def facebook_ads_spend(raw: RawData) -> pd.DataFrame:
    accounts = _latest(read("facebook_ads", "facebook_ads", "account_history"), ["id"], "_fivetran_synced")
    currency = dict(zip(accounts["id"], accounts["currency"]))
    campaigns = _latest(read("facebook_ads", "facebook_ads", "campaign_history"), ["id"], "updated_time")
    ads = _latest(read("facebook_ads", "facebook_ads", "ad_history"), ["id"], "updated_time")
    creatives = _latest(read("facebook_ads", "facebook_ads", "creative_history"), ["id"], "_fivetran_synced")
    tags = {row["id"]: _facebook_tags(row) for _, row in creatives.iterrows()}
    channel, utm_campaign = {}, {}
    for campaign in campaigns.itertuples(index=False):
        tagged = [tags[c] for c in ads.sort_values("id").loc[ads["campaign_id"] == campaign.id, "creative_id"]]
        tagged = [t for t in tagged if t["utm_source"] or t["utm_medium"]]
        utm = tagged[0] if tagged else None
        channel[campaign.id] = _campaign_channel(raw, utm, ("facebook", "paid_social"), "paid_social")
        utm_campaign[campaign.id] = (utm or {}).get("utm_campaign") or _slug(campaign.name)
    report = read("facebook_ads", "facebook_ads", "basic_ad")
    report["amount"] = report["spend"].map(Decimal)
    per_ad = report.groupby(["ad_id", "date", "account_id"], as_index=False)["amount"].sum()
    campaign_of = dict(zip(ads["id"], ads["campaign_id"]))
    spend = pd.DataFrame({
        "spend_date": pd.to_datetime(per_ad["date"]),
        "campaign_id": "facebook_ads:" + per_ad["ad_id"].map(campaign_of),
        "channel_id": per_ad["ad_id"].map(campaign_of).map(channel),
        "utm_campaign": per_ad["ad_id"].map(campaign_of).map(utm_campaign),
        "amount": per_ad["amount"],
        "currency": per_ad["account_id"].map(currency),
    })
    return spend


def linkedin_ads_spend(raw: RawData) -> pd.DataFrame:
    accounts = _latest(read("linkedin_ads", "linkedin_ads", "account_history"), ["id"], "last_modified_time")
    currency = dict(zip(accounts["id"], accounts["currency"]))
    campaigns = _latest(read("linkedin_ads", "linkedin_ads", "campaign_history"), ["id"], "last_modified_time")
    creatives = _latest(read("linkedin_ads", "linkedin_ads", "creative_history"), ["id"], "last_modified_at")
    channel, utm_campaign = {}, {}
    for campaign in campaigns.itertuples(index=False):
        mine = creatives[creatives["campaign_id"] == campaign.id].sort_values("id")
        tagged = [utm_of(r.click_uri or r.text_ad_landing_page or r.spotlight_landing_page)
                  for r in mine.itertuples(index=False)]
        tagged = [t for t in tagged if t["utm_source"] or t["utm_medium"]]
        utm = tagged[0] if tagged else None
        channel[campaign.id] = _campaign_channel(raw, utm, ("linkedin", "paid_social"), "paid_social")
        utm_campaign[campaign.id] = (utm or {}).get("utm_campaign") or _slug(campaign.name)
    report = read("linkedin_ads", "linkedin_ads", "ad_analytics_by_creative")
    report["amount"] = report["cost_in_local_currency"].map(Decimal)
    report["date"] = pd.to_datetime(report["day"]).dt.normalize()
    per_creative = report.groupby(["creative_id", "date"], as_index=False)["amount"].sum()
    campaign_of = dict(zip(creatives["id"], creatives["campaign_id"]))
    account_of = dict(zip(campaigns["id"], campaigns["account_id"]))
    campaign = per_creative["creative_id"].map(campaign_of)
    return pd.DataFrame({
        "spend_date": per_creative["date"],
        "campaign_id": "linkedin_ads:" + campaign,
        "channel_id": campaign.map(channel),
        "utm_campaign": campaign.map(utm_campaign),
        "amount": per_creative["amount"],
        "currency": campaign.map(account_of).map(currency),
    })


def contract_ads_spend(contract_dir: Path) -> pd.DataFrame:
    campaigns = pd.read_csv(contract_dir / "ads_campaigns.csv", dtype=str, keep_default_na=False)
    spend = pd.read_csv(contract_dir / "ads_spend_daily.csv", dtype=str, keep_default_na=False)
    by_id = campaigns.set_index("campaign_id")
    return pd.DataFrame({
        "spend_date": pd.to_datetime(spend["spend_date"]),
        "campaign_id": spend["campaign_id"],
        "channel_id": spend["campaign_id"].map(by_id["channel_id"]),
        "utm_campaign": spend["campaign_id"].map(by_id["utm_campaign"]),
        "amount": spend["spend_amount"].map(Decimal),
        "currency": spend["currency"],
    })


AD_SPEND = {"google_ads": google_ads_spend, "facebook_ads": facebook_ads_spend, "linkedin_ads": linkedin_ads_spend}


def ads_spend(raw: RawData, platforms: list[str], contract_dir: Path | None = None) -> pd.DataFrame:
    parts = [AD_SPEND[p](raw) for p in platforms if p != "contract"]
    if "contract" in platforms:
        parts.append(contract_ads_spend(contract_dir))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------- Salesforce

# The documented defaults (docs/adapters.md) for the values the fixture uses.
SALESFORCE_LEAD_SOURCE_UTM = {
    "Google AdWords": ("google", "cpc"), "Facebook": ("facebook", "paid_social"), "Webinar": ("salesforce", "webinar"),
    "Web": (None, None), "Organic Search": ("google", "organic"), "Advertisement": ("salesforce", "display"),
    "Partner Referral": ("salesforce", "referral"),
}
SALESFORCE_STATUS = {
    "Open - Not Contacted": "new", "Marketing Qualified": "mql", "MQL": "mql", "Working - Contacted": "sql",
    "Closed - Not Converted": "disqualified", "Closed - Converted": None, "Nurturing": None,
}


def salesforce_funnel(ads: list[str], stage_history: str = "opportunity_history") -> Funnel:
    raw = RawData()
    alive = lambda frame: frame[~frame["is_deleted"].map(is_true)  # noqa: E731
                                & ~frame.get("_fivetran_deleted", pd.Series(False, index=frame.index)).map(is_true)]
    leads = alive(read("salesforce", "salesforce", "lead")).copy()
    opportunities = alive(read("salesforce", "salesforce", "opportunity")).copy()
    lead_rows = []
    for lead in leads.itertuples(index=False):
        if lead.utm_source_c or lead.utm_medium_c:
            source, medium, campaign = lead.utm_source_c.lower(), (lead.utm_medium_c or "").lower() or None,                 (lead.utm_campaign_c or "").lower() or None
        else:
            source, medium = SALESFORCE_LEAD_SOURCE_UTM[lead.lead_source]
            campaign = None
        lead_rows.append({"lead_id": lead.id, "created_at": ts(lead.created_date),
                          "channel_id": raw.channel_of(source, medium), "utm_campaign": campaign})
    lead_frame = pd.DataFrame(lead_rows)
    live_ids = set(lead_frame["lead_id"])

    events = [{"lead_id": lead.id, "status": "new", "changed_at": ts(lead.created_date)}
              for lead in leads.itertuples(index=False)]
    history = read("salesforce", "salesforce", "lead_history")
    for row in history.itertuples(index=False):
        if row.field == "Status" and not is_true(row.is_deleted) and row.lead_id in live_ids:
            status = SALESFORCE_STATUS[row.new_value]
            if status:
                events.append({"lead_id": row.lead_id, "status": status, "changed_at": ts(row.created_date)})
    opp_created = dict(zip(opportunities["id"], opportunities["created_date"].map(ts)))
    for lead in leads.itertuples(index=False):
        if lead.mql_date_c:
            events.append({"lead_id": lead.id, "status": "mql", "changed_at": ts(lead.mql_date_c)})
        if is_true(lead.is_converted):
            if lead.converted_opportunity_id:
                at = opp_created.get(lead.converted_opportunity_id) or ts(lead.converted_date)
                events.append({"lead_id": lead.id, "status": "opportunity", "changed_at": at})
            else:
                events.append({"lead_id": lead.id, "status": "sql", "changed_at": ts(lead.converted_date)})

    users = read("salesforce", "salesforce", "user")
    team_of = dict(zip(users["id"], users["user_role_id"]))
    converted = dict(zip(leads["converted_opportunity_id"], leads["id"]))
    by_contact = dict(zip(leads["converted_contact_id"], leads["id"]))
    roles = read("salesforce", "salesforce", "opportunity_contact_role")
    primary = {r.opportunity_id: by_contact.get(r.contact_id) for r in roles.itertuples(index=False)
               if is_true(r.is_primary)}
    if stage_history == "opportunity_history":
        stages = read("salesforce", "salesforce", "opportunity_history")
        stages = stages[~stages["is_deleted"].map(is_true)].rename(columns={"created_date": "changed_at"})
        stages["owner"] = stages["opportunity_id"].map(dict(zip(opportunities["id"], opportunities["owner_id"])))
    else:
        stages = read("salesforce", "salesforce_history", "opportunity")
        stages = stages[~stages["is_deleted"].map(is_true)].rename(
            columns={"id": "opportunity_id", "_fivetran_start": "changed_at", "owner_id": "owner"})
    stages["changed_at"] = stages["changed_at"].map(ts)
    deal_rows = []
    for opp in opportunities.itertuples(index=False):
        mine = stages[stages["opportunity_id"] == opp.id].sort_values("changed_at")
        changes = mine[mine["stage_name"] != mine["stage_name"].shift()]  # a stage change
        final = changes.iloc[-1]
        status = {"Closed Won": "won", "Closed Lost": "lost"}.get(final["stage_name"], "open")
        deal_rows.append({
            "opportunity_id": opp.id,
            "lead_id": converted.get(opp.id) or primary.get(opp.id),
            "created_at": ts(opp.created_date),
            "status": status,
            "closed_at": final["changed_at"] if status != "open" else None,
            "stage_changed_max": changes["changed_at"].max(),
            "amount": opp.amount,
            "currency": opp.currency_iso_code or "USD",
            "rep": final["owner"] if status != "open" else None,
            "team": team_of.get(final["owner"]) if status != "open" else None,
            "close_count": int(changes["stage_name"].isin(["Closed Won", "Closed Lost"]).sum()),
        })
    rates = read("salesforce", "salesforce", "dated_conversion_rate")
    # a range starting before the plausible window (var plausible_date_min, default 2000-01-01) is dated at its
    # start; of several such ranges of a currency only the last counts (the earlier ones cover no plausible day)
    plausible_min = "2000-01-01"
    last_early = {}
    for r in rates.itertuples(index=False):
        if r.start_date < plausible_min:
            last_early[r.iso_code] = max(last_early.get(r.iso_code, r.start_date), r.start_date)
    quotes = [(pd.Timestamp(max(r.start_date, plausible_min)), "USD", r.iso_code, Decimal(r.conversion_rate))
              for r in rates.itertuples(index=False)
              if r.start_date >= plausible_min or r.start_date == last_early[r.iso_code]]
    members = read("salesforce", "salesforce", "campaign_member")
    touch_dates = [ts(d) for d, ok in zip(members["first_responded_date"], members["has_responded"])
                   if d and is_true(ok)]
    contract_dir = FIXTURES / "salesforce" / "raw"
    return Funnel(
        leads=lead_frame,
        events=pd.DataFrame(events),
        deals=pd.DataFrame(deal_rows),
        spend=ads_spend(raw, ads),
        touch_dates=touch_dates,
        fx=Fx(quotes),
        contract_dir=contract_dir,
        raw=raw,
    )


# ---------------------------------------------------------------- HubSpot

HUBSPOT_SOURCE_UTM = {  # hs_analytics_source -> (utm_source or None for drill-down 1, utm_medium)
    "PAID_SOCIAL": (None, "paid_social"), "PAID_SEARCH": (None, "cpc"), "ORGANIC_SEARCH": (None, "organic"),
    "EMAIL_MARKETING": ("hubspot", "email"), "REFERRALS": (None, "referral"), "DIRECT_TRAFFIC": ("-", None),
    "OFFLINE": ("offline", "offline"), "OTHER_CAMPAIGNS": (None, "campaign"),
}
HUBSPOT_LIFECYCLE = {"lead": "new", "marketingqualifiedlead": "mql", "salesqualifiedlead": "sql",
                     "opportunity": "opportunity"}


def hubspot_funnel(ads: list[str], lifecycle_source: str = "date_properties",
                   pipelines: list[str] | None = None) -> Funnel:
    raw = RawData()
    contacts = read("hubspot", "hubspot", "contact")
    merges = read("hubspot", "hubspot", "contact_merge_audit")
    canonical = {r.vid_to_merge: r.canonical_vid for r in merges.itertuples(index=False)
                 if r.vid_to_merge != r.canonical_vid}
    contacts = contacts[~contacts["_fivetran_deleted"].map(is_true) & ~contacts["id"].isin(canonical)].copy()
    live = set(contacts["id"])
    created = dict(zip(contacts["id"], contacts["property_createdate"].map(ts)))
    lead_rows, events = [], []
    for c in contacts.itertuples(index=False):
        first = utm_of(c.property_hs_analytics_first_url)
        if first["utm_source"] or first["utm_medium"]:
            source, medium, campaign = first["utm_source"], first["utm_medium"], first["utm_campaign"]
        else:
            source, medium = HUBSPOT_SOURCE_UTM[c.property_hs_analytics_source]
            source = None if source == "-" else (source or (c.property_hs_analytics_source_data_1 or "").lower())
            campaign = first["utm_campaign"]
        lead_rows.append({"lead_id": c.id, "created_at": ts(c.property_createdate),
                          "channel_id": raw.channel_of(source, medium), "utm_campaign": campaign})
        events.append({"lead_id": c.id, "status": "new", "changed_at": ts(c.property_createdate)})
        if lifecycle_source == "date_properties":
            for status, column in (("mql", "marketingqualifiedlead"), ("sql", "salesqualifiedlead"),
                                   ("opportunity", "opportunity")):
                value = getattr(c, f"property_hs_lifecyclestage_{column}_date")
                if value:
                    events.append({"lead_id": c.id, "status": status, "changed_at": ts(value)})
    if lifecycle_source == "property_history":
        history = read("hubspot", "hubspot", "contact_property_history")
        for h in history.itertuples(index=False):
            contact = canonical.get(h.contact_id, h.contact_id)
            if contact not in live:
                continue
            if h.name == "lifecyclestage" and HUBSPOT_LIFECYCLE.get(h.value):
                events.append({"lead_id": contact, "status": HUBSPOT_LIFECYCLE[h.value], "changed_at": ts(h.timestamp)})
            if h.name == "hs_lead_status" and h.value == "UNQUALIFIED":
                events.append({"lead_id": contact, "status": "disqualified", "changed_at": ts(h.timestamp)})

    stages = read("hubspot", "hubspot", "deal_pipeline_stage")
    closed = {(s.pipeline_id, s.stage_id): ("won" if is_true(s.closed_won) else "lost" if is_true(s.is_closed)
                                            else "open") for s in stages.itertuples(index=False)}
    owner_teams = read("hubspot", "hubspot", "owner_team")
    primary_team = {r.owner_id: r.team_id for r in owner_teams.itertuples(index=False) if is_true(r.is_team_primary)}
    associations = read("hubspot", "hubspot", "deal_contact")
    deals = read("hubspot", "hubspot", "deal")
    deals = deals[~deals["is_deleted"].map(is_true) & ~deals["_fivetran_deleted"].map(is_true)]
    if pipelines is not None:
        deals = deals[deals["deal_pipeline_id"].isin(pipelines)]
    # the contract quarantines a negative amount (amount >= 0): such a deal and its stages are in no KPI
    deals = deals[deals["property_amount"].map(lambda a: a is None or float(a) >= 0)]
    entries = read("hubspot", "hubspot", "deal_stage")
    entries["date_entered"] = entries["date_entered"].map(ts)
    deal_rows = []
    for d in deals.itertuples(index=False):
        contacts_of = {canonical.get(c, c) for c in associations.loc[associations["deal_id"] == d.deal_id,
                                                                     "contact_id"]} & live
        lead = min(contacts_of, key=lambda c: (created[c], c)) if contacts_of else None
        mine = entries[entries["deal_id"] == d.deal_id].sort_values("date_entered")
        final = mine.iloc[-1]
        status = closed[(d.deal_pipeline_id, final["value"])]
        deal_rows.append({
            "opportunity_id": d.deal_id, "lead_id": lead, "created_at": ts(d.property_createdate), "status": status,
            "closed_at": final["date_entered"] if status != "open" else None,
            "stage_changed_max": mine["date_entered"].max(),
            "amount": d.property_amount, "currency": d.property_deal_currency_code or "USD",
            "rep": d.owner_id if status != "open" else None,
            "team": primary_team.get(d.owner_id) if status != "open" else None,
            "close_count": int(mine["value"].map(lambda v: closed[(d.deal_pipeline_id, v)] != "open").sum()),
        })
    contract_dir = FIXTURES / "hubspot" / "raw"
    fx = pd.read_csv(contract_dir / "finance_fx_rates.csv", dtype=str)
    quotes = [(pd.Timestamp(r.rate_date), r.from_currency, r.to_currency, Decimal(r.rate))
              for r in fx.itertuples(index=False)]
    submissions = read("hubspot", "hubspot", "contact_form_submission")
    touch_dates = [ts(t) for t in submissions["timestamp"]]
    return Funnel(
        leads=pd.DataFrame(lead_rows),
        events=pd.DataFrame(events),
        deals=pd.DataFrame(deal_rows),
        spend=ads_spend(raw, ads, contract_dir),
        touch_dates=touch_dates,
        fx=Fx(quotes),
        contract_dir=contract_dir,
        raw=raw,
    )
