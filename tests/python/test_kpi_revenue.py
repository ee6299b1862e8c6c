"""Revenue, win rate, MRR and retention marts vs an independent computation.

Every value of kpi_revenue, kpi_win_rate, kpi_mrr, kpi_customer_retention and
kpi_retention_cohorts (every month, the total and every breakdown) is compared
with numbers computed here in pandas straight from the raw CSVs in seeds/
(rawdata.RawData), never from a dbt model. The rules are re-implemented from
the spec and the models' docs:

- a deal's state is its latest stage event on or before the as-of date; closed
  = closed_won / closed_lost; close date and owner at close from that event
  (a re-opened deal therefore counts once, at its final close); team at close
  from the rep's team history on the close date;
- money in the reporting currency at the dated rate (latest earlier quote),
  rounded to 6 decimals per converted amount like the facts' numeric(20, 6);
- a customer's MRR at a month's valuation date (month end, or the as-of date in
  the as-of month) is the sum over its subscriptions of the latest event's
  mrr_amount on or before that day; active = MRR > 0;
- MRR-bridge movements, retention numerators and cohort MRR valued as in
  _kpi_revenue__docs.md (constant currency at the start rate / month-0 rate).
"""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import pandas as pd
import pytest

from rawdata import RawData, month_start, to_utc

REL_TOL = 1e-6
ABS_TOL = 1e-9
UNKNOWN = "unknown"
SIX_PLACES = Decimal("0.000001")

RateKey = tuple[str, pd.Timestamp]


# ---------------------------------------------------------------- helpers


class Converter:
    """Reporting-currency conversion rounded like the facts (numeric(20, 6))."""

    def __init__(self, raw: RawData) -> None:
        self.raw = raw
        self._rates: dict[RateKey, Decimal] = {}

    def rate(self, currency: str, on: pd.Timestamp) -> Decimal:
        key = (currency, on)
        if key not in self._rates:
            self._rates[key] = Decimal(repr(self.raw.rate_to_reporting(currency, on)))
        return self._rates[key]

    def convert(self, amount: Decimal, currency: str, on: pd.Timestamp) -> Decimal:
        if currency == self.raw.reporting_currency:
            return amount
        return (amount * self.rate(currency, on)).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def clean(value: Any, lower: bool = False) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    return text.lower() if lower else text


def spine_months(raw: RawData) -> list[pd.Timestamp]:
    """First month of any activity or money data through the as-of month."""
    firsts = [
        to_utc(raw.table("crm_leads")["created_at"]).min(),
        to_utc(raw.table("mkt_touchpoints")["touched_at"]).min(),
        pd.to_datetime(raw.table("ads_spend_daily")["spend_date"]).min(),
        to_utc(raw.table("crm_lead_status_history")["changed_at"]).min(),
        to_utc(raw.table("crm_opportunities")["created_at"]).min(),
        pd.to_datetime(raw.table("billing_subscription_events")["event_date"]).min(),
        pd.to_datetime(raw.table("finance_costs")["cost_month"]).min(),
    ]
    first = min(firsts).to_period("M").to_timestamp()
    return list(pd.date_range(first, raw.as_of_date.to_period("M").to_timestamp(), freq="MS"))


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def lead_attributes(raw: RawData) -> pd.DataFrame:
    """lead_id -> segment and source channel, for leads created by the as-of date."""
    leads = raw.table("crm_leads")
    leads = leads[to_utc(leads["created_at"]).dt.normalize() <= raw.as_of_date].copy()
    leads["lead_id"] = leads["lead_id"].str.strip()
    leads["segment"] = leads["segment"].map(lambda v: clean(v, lower=True))
    leads["channel"] = [raw.channel_of(s, m) for s, m in zip(leads["utm_source"], leads["utm_medium"])]
    return leads.set_index("lead_id")[["segment", "channel"]]


def read_mart(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    frame = con.sql(f"select * from marts.{name}").df()
    for column in ("period_month", "cohort_month"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    return frame


def assert_matches(
    mart: pd.DataFrame, expected: pd.DataFrame, keys: list[str], columns: list[str], label: str
) -> None:
    """Every expected row exists in the mart and every listed value agrees
    (relative tolerance REL_TOL; NULL only where the reference is undefined)."""
    assert not mart.duplicated(keys).any(), f"{label}: duplicate grain rows"
    merged = expected.merge(mart, on=keys, how="left", suffixes=("_ref", "_mart"), indicator=True)
    missing = merged[merged["_merge"] == "left_only"]
    assert missing.empty, f"{label}: {len(missing)} expected rows missing, e.g.\n{missing[keys].head()}"
    problems: list[str] = []
    for column in columns:
        for row_keys, ref, got in zip(
            merged[keys].itertuples(index=False), merged[f"{column}_ref"], merged[f"{column}_mart"]
        ):
            ref_nan = ref is None or pd.isna(ref)
            got_nan = got is None or pd.isna(got)
            if ref_nan or got_nan:
                ok = ref_nan and got_nan
            else:
                ok = math.isclose(float(ref), float(got), rel_tol=REL_TOL, abs_tol=ABS_TOL)
            if not ok:
                problems.append(f"{tuple(row_keys)} {column}: mart={got!r} reference={ref!r}")
    assert not problems, f"{label}: {len(problems)} mismatches, e.g.\n" + "\n".join(problems[:20])


def breakdown_rows(base: pd.DataFrame, dimensions: dict[str, str]) -> pd.DataFrame:
    """Long by dimension: the total (dimension 'all') plus one copy per breakdown."""
    parts = [base.assign(dimension_type="total", dimension_value="all")]
    for dimension_type, column in dimensions.items():
        parts.append(base.assign(dimension_type=dimension_type, dimension_value=base[column].fillna(UNKNOWN)))
    return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------- reference: deals


def closed_deals(raw: RawData, fx: Converter) -> pd.DataFrame:
    """One row per deal closed as of the as-of date, in its final close."""
    as_of = raw.as_of_date
    opportunities = raw.table("crm_opportunities")
    opportunities = opportunities[to_utc(opportunities["created_at"]).dt.normalize() <= as_of].copy()
    opportunities["opportunity_id"] = opportunities["opportunity_id"].str.strip()

    history = raw.table("crm_opportunity_stage_history")
    history["changed_at"] = to_utc(history["changed_at"])
    history = history[history["changed_at"].dt.normalize() <= as_of].copy()
    history["opportunity_id"] = history["opportunity_id"].str.strip()
    history["stage"] = history["stage"].str.strip().str.lower()
    latest = (
        history.sort_values(["opportunity_id", "changed_at", "stage_event_id"])
        .groupby("opportunity_id")
        .tail(1)
        .set_index("opportunity_id")
    )

    teams = raw.table("crm_rep_team_history")
    teams["valid_from"] = pd.to_datetime(teams["valid_from"])
    teams["valid_to"] = pd.to_datetime(teams["valid_to"])
    leads = lead_attributes(raw)

    rows = []
    for deal in opportunities.itertuples(index=False):
        if deal.opportunity_id not in latest.index:
            continue
        final = latest.loc[deal.opportunity_id]
        if final["stage"] not in ("closed_won", "closed_lost"):
            continue
        close_date = final["changed_at"].normalize()
        owner = clean(final["owner_rep_id"])
        team_rows = teams[
            (teams["rep_id"].str.strip() == owner)
            & (teams["valid_from"] <= close_date)
            & (teams["valid_to"].isna() | (close_date < teams["valid_to"]))
        ]
        lead_id = clean(deal.lead_id)
        lead = leads.loc[lead_id] if lead_id in leads.index else None
        currency = deal.currency.strip().upper()
        rows.append(
            {
                "opportunity_id": deal.opportunity_id,
                "period_month": close_date.to_period("M").to_timestamp(),
                "is_won": final["stage"] == "closed_won",
                "amount": float(fx.convert(Decimal(deal.amount.strip()), currency, close_date)),
                "rep": owner,
                "team": team_rows["team_id"].iloc[0].strip() if len(team_rows) else None,
                "segment": None if lead is None else lead["segment"],
                "channel": None if lead is None else lead["channel"],
            }
        )
    return pd.DataFrame(rows)


DEAL_DIMENSIONS = {"rep": "rep", "team": "team", "segment": "segment", "channel": "channel"}
GRAIN = ["period_month", "dimension_type", "dimension_value"]


def expected_revenue(deals: pd.DataFrame, months: list[pd.Timestamp]) -> pd.DataFrame:
    won = breakdown_rows(deals[deals["is_won"]], DEAL_DIMENSIONS)
    monthly = won.groupby(GRAIN).agg(revenue=("amount", "sum"), won_deals=("opportunity_id", "count"))
    members = won[["dimension_type", "dimension_value"]].drop_duplicates()
    grid = pd.MultiIndex.from_tuples(
        [(month, t, v) for month in months for t, v in members.itertuples(index=False)], names=GRAIN
    )
    frame = monthly.reindex(grid, fill_value=0).reset_index()
    lookup = frame.set_index(GRAIN)["revenue"].to_dict()
    first = months[0]

    def base(row: pd.Series, months_back: int) -> float:
        month = row["period_month"] - pd.DateOffset(months=months_back)
        if month < first:
            return math.nan
        return lookup.get((month, row["dimension_type"], row["dimension_value"]), 0.0)

    frame["revenue_prev_month"] = frame.apply(base, axis=1, months_back=1)
    frame["revenue_same_month_last_year"] = frame.apply(base, axis=1, months_back=12)
    for suffix, base_column in (("prev_month", "revenue_prev_month"), ("last_year", "revenue_same_month_last_year")):
        frame[f"revenue_change_vs_{suffix}"] = frame["revenue"] - frame[base_column]
        frame[f"revenue_growth_vs_{suffix}"] = [
            math.nan if pd.isna(b) or b == 0 else (r - b) / b for r, b in zip(frame["revenue"], frame[base_column])
        ]
    return frame


def expected_win_rate(deals: pd.DataFrame, months: list[pd.Timestamp]) -> pd.DataFrame:
    closed = breakdown_rows(deals, DEAL_DIMENSIONS)
    closed["won_amount"] = closed["amount"].where(closed["is_won"], 0.0)
    closed["lost_amount"] = closed["amount"].where(~closed["is_won"], 0.0)
    monthly = closed.groupby(GRAIN).agg(
        won_count=("is_won", "sum"),
        closed_count=("opportunity_id", "count"),
        won_amount=("won_amount", "sum"),
        lost_amount=("lost_amount", "sum"),
    )
    members = closed[["dimension_type", "dimension_value"]].drop_duplicates()
    grid = pd.MultiIndex.from_tuples(
        [(month, t, v) for month in months for t, v in members.itertuples(index=False)], names=GRAIN
    )
    frame = monthly.reindex(grid, fill_value=0).reset_index()
    frame["lost_count"] = frame["closed_count"] - frame["won_count"]
    frame["closed_amount"] = frame["won_amount"] + frame["lost_amount"]
    frame["win_rate_count"] = [ratio(w, c) for w, c in zip(frame["won_count"], frame["closed_count"])]
    frame["win_rate_amount"] = [ratio(w, c) for w, c in zip(frame["won_amount"], frame["closed_amount"])]
    return frame


# --------------------------------------------------- reference: customers


class CustomerHistory:
    """Month-end subscription state of every customer, from the raw events."""

    def __init__(self, raw: RawData, fx: Converter, months: list[pd.Timestamp]) -> None:
        self.raw = raw
        self.fx = fx
        self.months = months
        as_of = raw.as_of_date
        events = raw.table("billing_subscription_events")
        events["event_date"] = pd.to_datetime(events["event_date"])
        events = events[events["event_date"] <= as_of].copy()
        for column in ("customer_id", "subscription_id", "subscription_event_id"):
            events[column] = events[column].str.strip()
        events["currency"] = events["currency"].str.strip().str.upper()
        self.events = events.sort_values(["event_date", "subscription_event_id"])

        customers = raw.table("billing_customers")
        customers["customer_id"] = customers["customer_id"].str.strip()
        leads = lead_attributes(raw)
        customers["segment"] = customers["segment"].map(lambda v: clean(v, lower=True))
        customers["channel"] = [
            leads.loc[lead]["channel"] if lead in leads.index else None
            for lead in customers["lead_id"].map(clean)
        ]
        self.customers = customers.set_index("customer_id")[["segment", "channel"]]

        self.valuation = {
            month: min(month + pd.offsets.MonthEnd(0), as_of) for month in months
        }
        # local MRR per (customer, month): {currency: amount} summed over subscriptions
        self.local: dict[tuple[str, pd.Timestamp], dict[str, Decimal]] = {}
        for customer_id, customer_events in self.events.groupby("customer_id"):
            ordered = list(customer_events.itertuples(index=False))  # by event_date, event id
            for month in months:
                latest: dict[str, Any] = {}  # subscription -> its latest event by the valuation date
                for event in ordered:
                    if event.event_date <= self.valuation[month]:
                        latest[event.subscription_id] = event
                amounts: dict[str, Decimal] = defaultdict(Decimal)
                for event in latest.values():
                    amounts[event.currency] += Decimal(event.mrr_amount.strip())
                self.local[(customer_id, month)] = dict(amounts)
        self.customer_ids = sorted(self.events["customer_id"].unique())

    def mrr_local_total(self, customer_id: str, month: pd.Timestamp) -> Decimal:
        return sum(self.local.get((customer_id, month), {}).values(), Decimal(0))

    def is_active(self, customer_id: str, month: pd.Timestamp | None) -> bool:
        return month is not None and self.mrr_local_total(customer_id, month) > 0

    def value(self, customer_id: str, month: pd.Timestamp, rate_day: pd.Timestamp) -> Decimal:
        """The month's local MRR converted at the rate of `rate_day`."""
        amounts = self.local[(customer_id, month)]
        return sum((self.fx.convert(amount, currency, rate_day) for currency, amount in amounts.items()), Decimal(0))

    def movements(self) -> pd.DataFrame:
        rows = []
        for customer_id in self.customer_ids:
            ever_active = False
            previous: pd.Timestamp | None = None
            for month in self.months:
                active_start = self.is_active(customer_id, previous)
                active_end = self.is_active(customer_id, month)
                start = self.value(customer_id, previous, self.valuation[previous]) if active_start else Decimal(0)
                end = self.value(customer_id, month, self.valuation[month]) if active_end else Decimal(0)
                row = dict.fromkeys(
                    ("new", "expansion", "contraction", "churned", "reactivation", "fx", "retained", "capped"),
                    Decimal(0),
                )
                row.update(
                    customer_id=customer_id,
                    period_month=month,
                    start=start,
                    end=end,
                    active_start=active_start,
                    active_end=active_end,
                    is_new=active_end and not ever_active,
                    is_reactivated=active_end and not active_start and ever_active,
                    is_churned=active_start and not active_end,
                )
                if row["is_new"]:
                    row["new"] = end
                elif row["is_reactivated"]:
                    row["reactivation"] = end
                elif row["is_churned"]:
                    row["churned"] = start
                elif active_start and active_end:
                    restated = self.value(customer_id, month, self.valuation[previous])
                    row["expansion"] = max(restated - start, Decimal(0))
                    row["contraction"] = max(start - restated, Decimal(0))
                    row["fx"] = end - restated
                    row["retained"] = restated
                    row["capped"] = min(restated, start)
                ever_active = ever_active or active_end
                previous = month
                rows.append(row)
        frame = pd.DataFrame(rows)
        frame = frame.join(self.customers, on="customer_id")
        money = [
            "start", "end", "new", "expansion", "contraction", "churned", "reactivation", "fx", "retained", "capped"
        ]
        frame[money] = frame[money].astype(float)
        return frame


CUSTOMER_DIMENSIONS = {"segment": "segment", "channel": "channel"}


def expected_customer_months(movements: pd.DataFrame) -> pd.DataFrame:
    long = breakdown_rows(movements, CUSTOMER_DIMENSIONS)
    frame = (
        long.groupby(GRAIN)
        .agg(
            starting_mrr=("start", "sum"),
            new_mrr=("new", "sum"),
            expansion_mrr=("expansion", "sum"),
            contraction_mrr=("contraction", "sum"),
            churned_mrr=("churned", "sum"),
            reactivation_mrr=("reactivation", "sum"),
            fx_effect_mrr=("fx", "sum"),
            ending_mrr=("end", "sum"),
            customers_at_start=("active_start", "sum"),
            customers_at_end=("active_end", "sum"),
            brand_new=("is_new", "sum"),
            reactivated_customers=("is_reactivated", "sum"),
            churned_customers=("is_churned", "sum"),
            retained_mrr_capped=("capped", "sum"),
            retained_mrr=("retained", "sum"),
        )
        .reset_index()
    )
    frame["customers"] = frame["customers_at_end"]
    frame["new_customers"] = frame["brand_new"] + frame["reactivated_customers"]
    frame["retained_customers"] = frame["customers_at_end"] - frame["new_customers"]
    frame["mrr_at_start"] = frame["starting_mrr"]
    frame["logo_retention"] = [ratio(r, s) for r, s in zip(frame["retained_customers"], frame["customers_at_start"])]
    frame["logo_churn"] = [ratio(c, s) for c, s in zip(frame["churned_customers"], frame["customers_at_start"])]
    frame["gross_revenue_retention"] = [
        ratio(r, s) for r, s in zip(frame["retained_mrr_capped"], frame["mrr_at_start"])
    ]
    frame["net_revenue_retention"] = [ratio(r, s) for r, s in zip(frame["retained_mrr"], frame["mrr_at_start"])]
    return frame


def expected_cohorts(history: CustomerHistory) -> pd.DataFrame:
    events = history.events
    paid = events[events["mrr_amount"].astype(float) > 0]
    acquisition = paid.groupby("customer_id")["event_date"].min().map(lambda d: d.to_period("M").to_timestamp())
    rows = []
    for customer_id, cohort in acquisition.items():
        base_day = history.valuation[cohort]
        base = history.value(customer_id, cohort, base_day) if history.is_active(customer_id, cohort) else Decimal(0)
        channel = history.customers["channel"].get(customer_id)
        for month in history.months:
            if month < cohort:
                continue
            active = history.is_active(customer_id, month)
            rows.append(
                {
                    "cohort_month": cohort,
                    "months_since_acquisition": (month.year - cohort.year) * 12 + month.month - cohort.month,
                    "customer_id": customer_id,
                    "channel": channel,
                    "is_active": active,
                    "base": float(base),
                    "mrr": float(history.value(customer_id, month, base_day)) if active else 0.0,
                }
            )
    long = breakdown_rows(pd.DataFrame(rows), {"channel": "channel"})
    keys = ["cohort_month", "months_since_acquisition", "dimension_type", "dimension_value"]
    frame = (
        long.groupby(keys)
        .agg(
            customers_acquired=("customer_id", "count"),
            active_customers=("is_active", "sum"),
            cohort_starting_mrr=("base", "sum"),
            retained_mrr=("mrr", "sum"),
        )
        .reset_index()
    )
    frame["customer_retention_rate"] = [
        ratio(a, c) for a, c in zip(frame["active_customers"], frame["customers_acquired"])
    ]
    frame["mrr_retention_rate"] = [ratio(r, b) for r, b in zip(frame["retained_mrr"], frame["cohort_starting_mrr"])]
    return frame


# ------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def raw() -> RawData:
    return RawData()


@pytest.fixture(scope="module")
def fx(raw: RawData) -> Converter:
    return Converter(raw)


@pytest.fixture(scope="module")
def months(raw: RawData) -> list[pd.Timestamp]:
    return spine_months(raw)


@pytest.fixture(scope="module")
def deals(raw: RawData, fx: Converter) -> pd.DataFrame:
    return closed_deals(raw, fx)


@pytest.fixture(scope="module")
def history(raw: RawData, fx: Converter, months: list[pd.Timestamp]) -> CustomerHistory:
    return CustomerHistory(raw, fx, months)


@pytest.fixture(scope="module")
def customer_months(history: CustomerHistory) -> pd.DataFrame:
    return expected_customer_months(history.movements())


# ---------------------------------------------------------------- tests


def test_reference_covers_the_interesting_cases(deals: pd.DataFrame, history: CustomerHistory) -> None:
    """The demo data exercises what the rules are about, so the checks below bite."""
    assert deals["is_won"].any() and (~deals["is_won"]).any()
    assert deals["amount"].gt(0).all()
    stage_history = history.raw.table("crm_opportunity_stage_history")
    closes = stage_history[stage_history["stage"].str.strip().str.lower().isin(["closed_won", "closed_lost"])]
    assert closes.groupby("opportunity_id").size().max() > 1, "no re-opened deal in the demo data"
    assert set(history.events["currency"]) - {history.raw.reporting_currency}, "only one currency"
    assert (history.events["event_type"].str.strip().str.lower() == "reactivation").any()


def test_spine_months(demo_con: duckdb.DuckDBPyConnection, months: list[pd.Timestamp]) -> None:
    for mart in ("kpi_revenue", "kpi_win_rate", "kpi_mrr", "kpi_customer_retention"):
        frame = read_mart(demo_con, mart)
        assert sorted(frame["period_month"].unique()) == months, mart
        per_month = frame.groupby("period_month").size()
        assert per_month.nunique() == 1, f"{mart}: not every month has every dimension value"


def test_kpi_revenue(demo_con: duckdb.DuckDBPyConnection, deals: pd.DataFrame, months: list[pd.Timestamp]) -> None:
    mart = read_mart(demo_con, "kpi_revenue")
    expected = expected_revenue(deals, months)
    columns = [
        "revenue",
        "won_deals",
        "revenue_prev_month",
        "revenue_change_vs_prev_month",
        "revenue_growth_vs_prev_month",
        "revenue_same_month_last_year",
        "revenue_change_vs_last_year",
        "revenue_growth_vs_last_year",
    ]
    assert_matches(mart, expected, GRAIN, columns, "kpi_revenue")
    # rows the reference does not know (a rep without any win): no revenue
    extra = mart.merge(expected[GRAIN], on=GRAIN, how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"]
    assert (extra["revenue"] == 0).all() and (extra["won_deals"] == 0).all()
    # every breakdown adds up to the total
    sums = mart.groupby(["period_month", "dimension_type"])["revenue"].sum().astype(float).unstack()
    for dimension_type in ("rep", "team", "segment", "channel"):
        assert sums[dimension_type].to_numpy() == pytest.approx(sums["total"].to_numpy(), rel=REL_TOL)


def test_kpi_win_rate(demo_con: duckdb.DuckDBPyConnection, deals: pd.DataFrame, months: list[pd.Timestamp]) -> None:
    mart = read_mart(demo_con, "kpi_win_rate")
    expected = expected_win_rate(deals, months)
    columns = [
        "won_count",
        "lost_count",
        "closed_count",
        "win_rate_count",
        "won_amount",
        "lost_amount",
        "closed_amount",
        "win_rate_amount",
    ]
    assert_matches(mart, expected, GRAIN, columns, "kpi_win_rate")
    extra = mart.merge(expected[GRAIN], on=GRAIN, how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"]
    assert (extra["closed_count"] == 0).all() and extra["win_rate_count"].isna().all()


def test_kpi_mrr(demo_con: duckdb.DuckDBPyConnection, customer_months: pd.DataFrame) -> None:
    mart = read_mart(demo_con, "kpi_mrr")
    columns = [
        "starting_mrr",
        "new_mrr",
        "expansion_mrr",
        "contraction_mrr",
        "churned_mrr",
        "reactivation_mrr",
        "fx_effect_mrr",
        "ending_mrr",
        "customers_at_start",
        "customers",
    ]
    assert_matches(mart, customer_months, GRAIN, columns, "kpi_mrr")
    bridge = (
        mart["starting_mrr"]
        + mart["new_mrr"]
        + mart["expansion_mrr"]
        - mart["contraction_mrr"]
        - mart["churned_mrr"]
        + mart["reactivation_mrr"]
        + mart["fx_effect_mrr"]
        - mart["ending_mrr"]
    )
    assert (bridge.astype(float).abs() < 1e-6).all()


def test_kpi_customer_retention(demo_con: duckdb.DuckDBPyConnection, customer_months: pd.DataFrame) -> None:
    mart = read_mart(demo_con, "kpi_customer_retention")
    columns = [
        "customers_at_start",
        "customers_at_end",
        "new_customers",
        "reactivated_customers",
        "churned_customers",
        "retained_customers",
        "logo_retention",
        "logo_churn",
        "mrr_at_start",
        "retained_mrr_capped",
        "gross_revenue_retention",
        "retained_mrr",
        "net_revenue_retention",
    ]
    assert_matches(mart, customer_months, GRAIN, columns, "kpi_customer_retention")
    total = mart[mart["dimension_type"] == "total"]
    assert total["churned_customers"].sum() > 0 and total["reactivated_customers"].sum() > 0


def test_kpi_retention_cohorts(demo_con: duckdb.DuckDBPyConnection, history: CustomerHistory) -> None:
    mart = read_mart(demo_con, "kpi_retention_cohorts")
    expected = expected_cohorts(history)
    keys = ["cohort_month", "months_since_acquisition", "dimension_type", "dimension_value"]
    columns = [
        "customers_acquired",
        "active_customers",
        "customer_retention_rate",
        "cohort_starting_mrr",
        "retained_mrr",
        "mrr_retention_rate",
    ]
    assert_matches(mart, expected, keys, columns, "kpi_retention_cohorts")
    extra = mart.merge(expected[keys], on=keys, how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"]
    assert (extra["customers_acquired"] == 0).all() and extra["customer_retention_rate"].isna().all()
