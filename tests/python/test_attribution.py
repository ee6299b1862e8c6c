"""Attribution marts (issue 4) against an independent pandas computation.

Marketing ROI per channel (kpi_marketing_roi) and channel CAC / cost per opportunity
(kpi_attributed_acquisition) are recomputed here straight from the raw CSVs in seeds/ for the last
full month and an earlier month, under all six attribution models. The reference re-implements the
rules itself: the as-of date, the final deal state as of the as-of date (a re-opened deal counts once,
at its final close), the touch channel (utm -> channel map), the lookback window, the six weightings,
FX at the dated rate and the spend's channel. Nothing here reads a dbt model except the marts under test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import pytest

from rawdata import RawData, month_start, to_utc

LOOKBACK = pd.Timedelta(days=90)
HALF_LIFE_DAYS = 7.0
MODELS = ("first_touch", "last_touch", "linear", "time_decay", "position_based", "w_shaped")
ABS_TOL_MONEY = 0.05
ABS_TOL_COUNT = 1e-6
REL_TOL = 1e-6


# ------------------------------------------------------------------ weights
def journey_weights(
    touched_at: list[pd.Timestamp],
    converted_at: pd.Timestamp,
    lead_created_at: pd.Timestamp | None,
    opportunity_created_at: pd.Timestamp | None,
    model: str,
) -> list[float]:
    """Weights of one conversion's eligible touches, already in journey order."""
    n = len(touched_at)
    if model == "first_touch":
        return [1.0] + [0.0] * (n - 1)
    if model == "last_touch":
        return [0.0] * (n - 1) + [1.0]
    if model == "linear":
        return [1.0 / n] * n
    if model == "time_decay":
        raw = [2 ** (-((converted_at - t).total_seconds() / 86400) / HALF_LIFE_DAYS) for t in touched_at]
        return [r / sum(raw) for r in raw]
    if model == "position_based":
        if n <= 2:
            return [1.0 / n] * n
        return [0.4] + [0.2 / (n - 2)] * (n - 2) + [0.4]
    if model == "w_shaped":
        # 30 points per role (first touch, lead-creation touch, opportunity-creation touch), 10 shared by
        # the rest; missing roles dropped, coinciding roles merged; no rest -> weights = roles / roles present
        def last_at_or_before(moment: pd.Timestamp | None) -> int | None:
            if moment is None or pd.isna(moment):
                return None
            hits = [i for i, t in enumerate(touched_at) if t <= moment]
            return hits[-1] if hits else None

        anchors = (last_at_or_before(lead_created_at), last_at_or_before(opportunity_created_at))
        roles = [0] + [r for r in anchors if r is not None]
        points = [30.0 * roles.count(i) for i in range(n)]
        others = [i for i in range(n) if points[i] == 0]
        if others:
            for i in others:
                points[i] = 10.0 / len(others)
        return [p / sum(points) for p in points]
    raise ValueError(model)


# ------------------------------------------------------------------ reference
@dataclass
class Attribution:
    raw: RawData
    _by_channel: dict[tuple[str, pd.Timestamp], pd.DataFrame] = field(default_factory=dict)

    @property
    def as_of(self) -> pd.Timestamp:
        return self.raw.as_of_date

    @cached_property
    def leads(self) -> pd.DataFrame:
        leads = self.raw.table("crm_leads")
        leads["created_at"] = to_utc(leads["created_at"])
        return leads[leads["created_at"].dt.normalize() <= self.as_of].set_index("lead_id")

    @cached_property
    def campaigns(self) -> pd.DataFrame:
        campaigns = self.raw.table("ads_campaigns")
        campaigns["utm_campaign"] = campaigns["utm_campaign"].str.strip().str.lower()
        return campaigns

    @cached_property
    def touches(self) -> pd.DataFrame:
        touches = self.raw.table("mkt_touchpoints")
        touches["touched_at"] = to_utc(touches["touched_at"])
        touches = touches[
            (touches["touched_at"].dt.normalize() <= self.as_of) & touches["lead_id"].isin(self.leads.index)
        ].copy()
        touches["channel_id"] = [
            self.raw.channel_of(s, m) for s, m in zip(touches["utm_source"], touches["utm_medium"])
        ]
        return touches.sort_values(["lead_id", "touched_at", "touchpoint_id"])

    @cached_property
    def touches_by_lead(self) -> dict[str, pd.DataFrame]:
        return dict(tuple(self.touches.groupby("lead_id")))

    @cached_property
    def deals(self) -> pd.DataFrame:
        """Opportunities created by the as-of date with their state as of the as-of date."""
        opps = self.raw.table("crm_opportunities")
        opps["created_at"] = to_utc(opps["created_at"])
        opps = opps[opps["created_at"].dt.normalize() <= self.as_of].copy()
        stages = self.raw.table("crm_opportunity_stage_history")
        stages["changed_at"] = to_utc(stages["changed_at"])
        stages = stages[stages["changed_at"].dt.normalize() <= self.as_of]
        final = (
            stages.sort_values(["opportunity_id", "changed_at", "stage_event_id"])
            .groupby("opportunity_id")
            .tail(1)
            .set_index("opportunity_id")
        )
        opps["final_stage"] = opps["opportunity_id"].map(final["stage"].str.strip().str.lower())
        opps["is_won"] = opps["final_stage"] == "closed_won"
        opps["closed_at"] = opps["opportunity_id"].map(final["changed_at"])
        opps["lead_created_at"] = opps["lead_id"].map(self.leads["created_at"])
        opps["pipeline"] = self.raw.convert(opps["amount"], opps["currency"], opps["created_at"]).round(4)
        won = opps["is_won"]
        opps.loc[won, "revenue"] = self.raw.convert(
            opps.loc[won, "amount"], opps.loc[won, "currency"], opps.loc[won, "closed_at"]
        ).round(4)
        return opps

    def conversions(self, kind: str) -> pd.DataFrame:
        deals = self.deals
        if kind == "deal_won":
            won = deals[deals["is_won"]]
            return pd.DataFrame(
                {
                    "lead_id": won["lead_id"],
                    "converted_at": won["closed_at"],
                    "value": won["revenue"],
                    "lead_created_at": won["lead_created_at"],
                    "opportunity_created_at": won["created_at"],
                }
            )
        return pd.DataFrame(
            {
                "lead_id": deals["lead_id"],
                "converted_at": deals["created_at"],
                "value": deals["pipeline"],
                "lead_created_at": deals["lead_created_at"],
                "opportunity_created_at": deals["created_at"],
            }
        )

    def credit(self, kind: str, model: str, month: pd.Timestamp) -> pd.DataFrame:
        """(channel_id, conversions, value) credited for the conversions of one month."""
        conversions = self.conversions(kind)
        conversions = conversions[month_start(conversions["converted_at"]) == month]
        rows = []
        for conv in conversions.itertuples(index=False):
            journey = self.touches_by_lead.get(conv.lead_id, self.touches.iloc[0:0])
            journey = journey[
                (journey["touched_at"] <= conv.converted_at) & (journey["touched_at"] > conv.converted_at - LOOKBACK)
            ]
            if journey.empty:
                rows.append(("unattributed", 1.0, conv.value))
                continue
            weights = journey_weights(
                list(journey["touched_at"]), conv.converted_at, conv.lead_created_at, conv.opportunity_created_at, model
            )
            rows.extend((ch, w, w * conv.value) for ch, w in zip(journey["channel_id"], weights))
        frame = pd.DataFrame(rows, columns=["channel_id", "conversions", "value"])
        return frame.groupby("channel_id")[["conversions", "value"]].sum()

    @cached_property
    def spend(self) -> pd.DataFrame:
        spend = self.raw.table("ads_spend_daily")
        spend["spend_date"] = pd.to_datetime(spend["spend_date"])
        spend = spend[spend["spend_date"] <= self.as_of].copy()
        spend["spend_month"] = month_start(spend["spend_date"])
        spend["channel_id"] = spend["campaign_id"].map(self.campaigns.set_index("campaign_id")["channel_id"])
        spend["amount_reporting"] = self.raw.convert(
            spend["spend_amount"], spend["currency"], spend["spend_date"]
        ).round(4)
        return spend

    def spend_by_channel(self, month: pd.Timestamp) -> pd.Series:
        spend = self.spend[self.spend["spend_month"] == month]
        return spend.groupby("channel_id")["amount_reporting"].sum()

    def by_channel(self, model: str, month: pd.Timestamp) -> pd.DataFrame:
        """Per channel: spend, won revenue / deals and opportunities credited in the month."""
        key = (model, month)
        if key not in self._by_channel:
            self._by_channel[key] = self._by_channel_uncached(model, month)
        return self._by_channel[key]

    def _by_channel_uncached(self, model: str, month: pd.Timestamp) -> pd.DataFrame:
        won = self.credit("deal_won", model, month).rename(columns={"conversions": "deals", "value": "revenue"})
        created = self.credit("opportunity_created", model, month).rename(
            columns={"conversions": "opportunities", "value": "pipeline"}
        )
        frame = pd.concat([self.spend_by_channel(month).rename("spend"), won, created], axis=1).fillna(0.0)
        frame["roi"] = [(r - s) / s if s else None for r, s in zip(frame["revenue"], frame["spend"])]
        frame["roas"] = [r / s if s else None for r, s in zip(frame["revenue"], frame["spend"])]
        frame["cac"] = [s / d if d else None for s, d in zip(frame["spend"], frame["deals"])]
        frame["cost_per_opportunity"] = [s / o if o else None for s, o in zip(frame["spend"], frame["opportunities"])]
        return frame


@pytest.fixture(scope="module")
def ref() -> Attribution:
    return Attribution(RawData())


def check_months(ref: Attribution) -> list[pd.Timestamp]:
    """The last full month as of the as-of date and an earlier month with won deals."""
    as_of = ref.as_of
    last_full = month_start(pd.Series([as_of + pd.Timedelta(days=1)])).iloc[0] - pd.offsets.MonthBegin(1)
    return [pd.Timestamp(last_full), pd.Timestamp(last_full) - pd.offsets.MonthBegin(3)]


# ------------------------------------------------------------------ helpers
def assert_close(actual: object, expected: object, label: str, abs_tol: float) -> None:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        assert actual is None or (isinstance(actual, float) and math.isnan(actual)), f"{label}: {actual} != NULL"
        return
    is_null = actual is None or (isinstance(actual, float) and math.isnan(actual))
    assert not is_null, f"{label}: NULL != {expected}"
    assert math.isclose(float(actual), float(expected), rel_tol=REL_TOL, abs_tol=abs_tol), (
        f"{label}: mart {actual} != reference {expected}"
    )


def mart_channels(con, mart: str, model: str, month: pd.Timestamp) -> pd.DataFrame:
    return con.execute(
        f"select * from marts.{mart} where dimension_type = 'channel' and attribution_model = ? and period_month = ?",
        [model, month.date()],
    ).df().set_index("dimension_value")


# ------------------------------------------------------------------ tests
def test_journey_weights_sum_to_one() -> None:
    at = [pd.Timestamp("2024-01-01") + pd.Timedelta(days=d) for d in (0, 3, 3, 9, 20)]
    for model in MODELS:
        for n in range(1, 6):
            weights = journey_weights(at[:n], pd.Timestamp("2024-01-25"), at[1], at[3], model)
            assert math.isclose(sum(weights), 1.0), (model, n, weights)


@pytest.mark.parametrize("model", MODELS)
def test_marketing_roi_by_channel(demo_con, ref: Attribution, model: str) -> None:
    for month in check_months(ref):
        expected = ref.by_channel(model, month)
        actual = mart_channels(demo_con, "kpi_marketing_roi", model, month)
        for channel, row in expected.iterrows():
            label = f"{model} {month:%Y-%m} {channel}"
            assert channel in actual.index, f"{label}: no kpi_marketing_roi row"
            mart = actual.loc[channel]
            assert_close(mart["marketing_spend"], row["spend"], f"{label} spend", ABS_TOL_MONEY)
            assert_close(mart["attributed_revenue"], row["revenue"], f"{label} revenue", ABS_TOL_MONEY)
            assert_close(mart["attributed_pipeline"], row["pipeline"], f"{label} pipeline", ABS_TOL_MONEY)
            assert_close(mart["attributed_deals"], row["deals"], f"{label} deals", ABS_TOL_COUNT)
            assert_close(mart["roi"], row["roi"], f"{label} roi", 1e-6)
            assert_close(mart["roas"], row["roas"], f"{label} roas", 1e-6)
            assert_close(
                mart["roi_numerator"], row["revenue"] - row["spend"], f"{label} roi numerator", ABS_TOL_MONEY
            )
            assert_close(mart["roi_denominator"], row["spend"], f"{label} roi denominator", ABS_TOL_MONEY)
        # channels the reference does not know carry nothing
        extra = actual.loc[~actual.index.isin(expected.index)]
        money = extra[["marketing_spend", "attributed_revenue", "attributed_pipeline"]].astype(float)
        unexpected = f"{model} {month:%Y-%m}: unexpected channels {list(extra.index)}"
        assert (money.abs() < ABS_TOL_MONEY).all().all(), unexpected


@pytest.mark.parametrize("model", ["first_touch", "linear", "position_based"])
def test_attributed_acquisition_by_channel(demo_con, ref: Attribution, model: str) -> None:
    for month in check_months(ref):
        expected = ref.by_channel(model, month)
        actual = mart_channels(demo_con, "kpi_attributed_acquisition", model, month)
        for channel, row in expected.iterrows():
            label = f"{model} {month:%Y-%m} {channel}"
            mart = actual.loc[channel]
            assert_close(mart["attributed_new_customers"], row["deals"], f"{label} customers", ABS_TOL_COUNT)
            assert_close(mart["attributed_opportunities"], row["opportunities"], f"{label} opps", ABS_TOL_COUNT)
            assert_close(mart["cac"], row["cac"], f"{label} cac", 1e-4)
            assert_close(mart["cost_per_opportunity"], row["cost_per_opportunity"], f"{label} cpo", 1e-4)


def test_total_roi_is_model_independent(demo_con, ref: Attribution) -> None:
    """Attributed totals equal the conversion totals, so the total row is the same in every model."""
    month = check_months(ref)[0]
    totals = demo_con.execute(
        "select attribution_model, attributed_revenue, marketing_spend, roi from marts.kpi_marketing_roi "
        "where dimension_type = 'total' and period_month = ?",
        [month.date()],
    ).df()
    deals = ref.deals
    won_revenue = deals.loc[deals["is_won"] & (month_start(deals["closed_at"]) == month), "revenue"].sum()
    spend = ref.spend_by_channel(month).sum()
    assert len(totals) == len(MODELS)
    for row in totals.itertuples(index=False):
        assert_close(row.attributed_revenue, won_revenue, f"{row.attribution_model} total revenue", ABS_TOL_MONEY)
        assert_close(row.roi, (won_revenue - spend) / spend, f"{row.attribution_model} total roi", 1e-6)
