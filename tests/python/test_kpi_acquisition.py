"""Acquisition KPI marts (issue 3) against an independent pandas computation.

Every value of kpi_cost_per_lead, kpi_cost_per_opportunity, kpi_mqls, kpi_mql_cohorts, kpi_sqls,
kpi_sql_cohorts, kpi_cac, kpi_funnel, kpi_funnel_dropoff, kpi_funnel_velocity (and the acquisition rows
of kpi_scorecard) is recomputed here straight from the raw CSVs in seeds/ for an early, a middle and the
last full month, re-implementing the spec's rules (as-of date, FX at the dated rate, utm -> channel,
MQL/SQL inference, final deal state as of the as-of date). Nothing here reads a dbt model except the
marts under test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
import pytest

from rawdata import RawData, month_start, to_utc

REL_TOL = 1e-6
ABS_TOL = 1e-9


# ------------------------------------------------------------------ reference
@dataclass
class Acquisition:
    """Leads, lifecycle, deals, spend, costs and customers rebuilt from the raw CSVs."""

    raw: RawData

    @property
    def as_of(self) -> pd.Timestamp:
        return self.raw.as_of_date

    def _convert_rounded(self, amounts: pd.Series, currencies: pd.Series, dates: pd.Series) -> pd.Series:
        # the project stores converted amounts as numeric(20, 6), row by row
        return self.raw.convert(amounts, currencies, dates).round(6)

    @cached_property
    def campaigns(self) -> pd.DataFrame:
        campaigns = self.raw.table("ads_campaigns")
        campaigns["utm_campaign"] = campaigns["utm_campaign"].str.lower()
        return campaigns

    @cached_property
    def paid_channels(self) -> set[str]:
        channels = self.raw.table("ref_channels")
        return set(channels.loc[channels["is_paid"].str.lower() == "true", "channel_id"])

    @cached_property
    def deals(self) -> pd.DataFrame:
        """Opportunities created by the as-of date, with their final stage as of the as-of date."""
        opps = self.raw.table("crm_opportunities")
        opps["created_at"] = to_utc(opps["created_at"])
        opps = opps[opps["created_at"].dt.normalize() <= self.as_of].copy()
        stages = self.raw.table("crm_opportunity_stage_history")
        stages["changed_at"] = to_utc(stages["changed_at"])
        stages["stage"] = stages["stage"].str.lower()
        stages = stages[stages["changed_at"].dt.normalize() <= self.as_of]
        last = (
            stages.sort_values(["opportunity_id", "changed_at", "stage_event_id"])
            .groupby("opportunity_id")
            .tail(1)
            .set_index("opportunity_id")
        )
        opps["final_stage"] = opps["opportunity_id"].map(last["stage"])
        opps["status"] = opps["final_stage"].map({"closed_won": "won", "closed_lost": "lost"}).fillna("open")
        opps["closed_at"] = opps["opportunity_id"].map(last["changed_at"]).where(opps["status"] != "open")
        opps["close_month"] = month_start(opps["closed_at"])
        opps["days_to_close"] = (opps["closed_at"].dt.normalize() - opps["created_at"].dt.normalize()).dt.days
        opps["created_month"] = month_start(opps["created_at"])
        opps["lost_reason"] = opps["lost_reason"].where(opps["status"] == "lost")
        lead_source = self.leads.set_index("lead_id")
        opps["channel_id"] = opps["lead_id"].map(lead_source["channel_id"])
        opps["campaign_id"] = opps["lead_id"].map(lead_source["campaign_id"])
        return opps

    @cached_property
    def leads(self) -> pd.DataFrame:
        """Leads created by the as-of date with source channel/campaign and funnel milestones."""
        leads = self.raw.table("crm_leads")
        leads["created_at"] = to_utc(leads["created_at"])
        leads = leads[leads["created_at"].dt.normalize() <= self.as_of].copy()
        leads["created_month"] = month_start(leads["created_at"])
        leads["channel_id"] = [
            self.raw.channel_of(source, medium) for source, medium in zip(leads["utm_source"], leads["utm_medium"])
        ]
        by_utm = self.campaigns.set_index("utm_campaign")["campaign_id"]
        leads["campaign_id"] = leads["utm_campaign"].str.lower().map(by_utm)

        events = self.raw.table("crm_lead_status_history")
        events["changed_at"] = to_utc(events["changed_at"])
        events["status"] = events["status"].str.lower()
        events = events[events["changed_at"].dt.normalize() <= self.as_of]
        firsts = events.groupby(["lead_id", "status"])["changed_at"].min().unstack()
        for status in ("mql", "sql", "opportunity"):
            leads[f"{status}_event_at"] = leads["lead_id"].map(firsts.get(status, pd.Series(dtype="datetime64[ns]")))
        latest = events.sort_values(["lead_id", "changed_at", "status_event_id"]).groupby("lead_id").tail(1)
        leads["current_status"] = leads["lead_id"].map(latest.set_index("lead_id")["status"]).fillna("new")
        disq = (
            events[events["status"] == "disqualified"]
            .sort_values(["lead_id", "changed_at", "status_event_id"])
            .groupby("lead_id")
            .tail(1)
            .set_index("lead_id")
        )
        leads["disqualified_at"] = leads["lead_id"].map(disq["changed_at"])
        leads["disqualification_reason"] = leads["lead_id"].map(disq["disqualification_reason"])
        return leads

    @cached_property
    def lifecycle(self) -> pd.DataFrame:
        leads = self.leads.copy()
        deals = self.deals
        first_deal = deals.sort_values(["lead_id", "created_at", "opportunity_id"]).groupby("lead_id").head(1)
        first_deal = first_deal.set_index("lead_id")
        leads["first_opportunity_id"] = leads["lead_id"].map(first_deal["opportunity_id"])
        leads["opportunity_at"] = leads["opportunity_event_at"].fillna(leads["lead_id"].map(first_deal["created_at"]))
        leads["sql_at"] = leads["sql_event_at"].fillna(leads["opportunity_at"])
        leads["mql_at"] = leads["mql_event_at"].fillna(leads["sql_at"])
        leads["is_mql_inferred"] = leads["mql_event_at"].isna() & leads["mql_at"].notna()
        leads["is_sql_inferred"] = leads["sql_event_at"].isna() & leads["sql_at"].notna()
        won = deals[deals["status"] == "won"].groupby("lead_id")["closed_at"].min()
        leads["won_at"] = leads["lead_id"].map(won)
        return leads

    @cached_property
    def spend(self) -> pd.DataFrame:
        spend = self.raw.table("ads_spend_daily")
        spend["spend_date"] = pd.to_datetime(spend["spend_date"])
        spend = spend[spend["spend_date"] <= self.as_of].copy()
        spend["spend_month"] = month_start(spend["spend_date"])
        spend["channel_id"] = spend["campaign_id"].map(self.campaigns.set_index("campaign_id")["channel_id"])
        spend["is_paid"] = spend["channel_id"].isin(self.paid_channels)
        spend["amount_reporting"] = self._convert_rounded(spend["spend_amount"], spend["currency"], spend["spend_date"])
        return spend

    @cached_property
    def costs(self) -> pd.DataFrame:
        costs = self.raw.table("finance_costs")
        costs["cost_month"] = pd.to_datetime(costs["cost_month"])
        costs = costs[costs["cost_month"] <= self.as_of].copy()
        costs["department"] = costs["department"].str.lower()
        costs["amount_reporting"] = self._convert_rounded(costs["amount"], costs["currency"], costs["cost_month"])
        return costs

    @cached_property
    def customers(self) -> pd.DataFrame:
        """Customers with their acquisition month (first MRR > 0) and acquisition channel."""
        events = self.raw.table("billing_subscription_events")
        events["event_date"] = pd.to_datetime(events["event_date"])
        events = events[(events["event_date"] <= self.as_of) & (events["mrr_amount"].astype(float) > 0)]
        first = events.sort_values(["customer_id", "event_date", "subscription_event_id"]).groupby("customer_id").head(1)
        customers = self.raw.table("billing_customers").merge(
            first[["customer_id", "event_date"]], on="customer_id", how="inner"
        )
        customers["acquisition_month"] = month_start(customers["event_date"])
        customers["channel_id"] = customers["lead_id"].map(self.leads.set_index("lead_id")["channel_id"])
        customers["is_paid"] = customers["channel_id"].isin(self.paid_channels)
        return customers


@pytest.fixture(scope="module")
def ref() -> Acquisition:
    return Acquisition(RawData())


def check_months(ref: Acquisition) -> list[pd.Timestamp]:
    """An early month, a middle month and the last full month before/at the as-of date."""
    first = min(ref.leads["created_month"].min(), ref.spend["spend_month"].min())
    as_of = ref.as_of
    last_full = as_of.to_period("M").to_timestamp()
    if as_of != last_full + pd.offsets.MonthEnd(0):
        last_full = (as_of.to_period("M") - 1).to_timestamp()
    months = pd.period_range(first, last_full, freq="M").to_timestamp()
    return [months[1], months[len(months) // 2], months[-1]]


# ------------------------------------------------------------------ helpers
def ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


def by_dimension(frame: pd.DataFrame, dims: dict[str, str]) -> dict[tuple[str, str], pd.DataFrame]:
    """{(dimension_type, dimension_value): rows}, total included."""
    groups = {("total", "all"): frame}
    for dim_type, column in dims.items():
        for value, rows in frame.groupby(column, dropna=False):
            groups[(dim_type, value)] = rows
    return groups


def mart_rows(con, mart: str, month: pd.Timestamp, *, schema: str = "marts", where: str = "") -> pd.DataFrame:
    sql = f"select * from {schema}.{mart} where period_month = ? {where}"
    return con.execute(sql, [month.date()]).df()


def assert_close(actual: object, expected: object, label: str) -> None:
    actual_missing = actual is None or (isinstance(actual, float) and math.isnan(actual)) or actual is pd.NA
    expected_missing = expected is None or (isinstance(expected, float) and math.isnan(expected))
    if expected_missing or actual_missing:
        assert expected_missing and actual_missing, f"{label}: expected {expected!r}, got {actual!r}"
        return
    assert math.isclose(float(actual), float(expected), rel_tol=REL_TOL, abs_tol=ABS_TOL), (
        f"{label}: expected {expected!r}, got {actual!r}"
    )


def assert_mart(
    actual: pd.DataFrame, expected: dict[tuple, dict[str, object]], keys: list[str], label: str
) -> None:
    """Every expected row exists with every value; no row beyond the expected ones."""
    got = {tuple(row[k] for k in keys): row for row in actual.to_dict("records")}
    assert set(got) == set(expected), (
        f"{label}: rows differ; missing {sorted(set(expected) - set(got))[:10]}, "
        f"extra {sorted(set(got) - set(expected))[:10]}"
    )
    for key, values in expected.items():
        for column, value in values.items():
            assert_close(got[key][column], value, f"{label} {key} {column}")


def leads_for_dims(leads: pd.DataFrame) -> pd.DataFrame:
    leads = leads.copy()
    leads["campaign_key"] = leads["campaign_id"].fillna("no_campaign")
    return leads


# ------------------------------------------------------------------ expected marts
def expected_cost_per_lead(ref: Acquisition, month: pd.Timestamp) -> dict[tuple, dict[str, object]]:
    leads = leads_for_dims(ref.leads)
    spend = ref.spend.copy()
    spend["campaign_key"] = spend["campaign_id"]
    dims = {"channel": "channel_id", "campaign": "campaign_key"}
    all_keys = set(by_dimension(leads, dims)) | set(by_dimension(spend, dims))
    spend_groups = by_dimension(spend[spend["spend_month"] == month], dims)
    lead_groups = by_dimension(leads[leads["created_month"] == month], dims)
    expected = {}
    for key in all_keys:
        amount = float(spend_groups[key]["amount_reporting"].sum()) if key in spend_groups else 0.0
        count = len(lead_groups[key]) if key in lead_groups else 0
        expected[key] = {"marketing_spend": amount, "new_leads": count, "cost_per_lead": ratio(amount, count)}
    return expected


def test_cost_per_lead(demo_con, ref: Acquisition) -> None:
    for month in check_months(ref):
        expected = expected_cost_per_lead(ref, month)
        actual = mart_rows(demo_con, "kpi_cost_per_lead", month)
        assert_mart(actual, expected, ["dimension_type", "dimension_value"], f"kpi_cost_per_lead {month:%Y-%m}")


def test_cost_per_opportunity(demo_con, ref: Acquisition) -> None:
    deals = ref.deals.copy()
    deals["campaign_key"] = deals["campaign_id"].fillna("no_campaign")
    for month in check_months(ref):
        expected = expected_cost_per_lead(ref, month)
        deal_groups = by_dimension(
            deals[deals["created_month"] == month], {"channel": "channel_id", "campaign": "campaign_key"}
        )
        for key, values in expected.items():
            count = len(deal_groups[key]) if key in deal_groups else 0
            values["new_opportunities"] = count
            values["cost_per_opportunity"] = ratio(values["marketing_spend"], count)
        actual = mart_rows(demo_con, "kpi_cost_per_opportunity", month)
        assert_mart(actual, expected, ["dimension_type", "dimension_value"], f"kpi_cost_per_opportunity {month:%Y-%m}")
        assert actual.loc[actual["dimension_type"] == "total", "new_opportunities"].iloc[0] > 0


def channel_keys(ref: Acquisition) -> set[tuple[str, str]]:
    return {("total", "all")} | {("channel", c) for c in ref.leads["channel_id"].unique()}


def test_mqls_event_view(demo_con, ref: Acquisition) -> None:
    life = ref.lifecycle
    life = life[life["mql_at"].notna()].assign(mql_month=lambda f: month_start(f["mql_at"]))
    for month in check_months(ref):
        groups = by_dimension(life[life["mql_month"] == month], {"channel": "channel_id"})
        expected = {}
        for key in channel_keys(ref):
            rows = groups.get(key, life.iloc[0:0])
            inferred = int(rows["is_mql_inferred"].sum())
            expected[key] = {"new_mqls": len(rows), "actual_mqls": len(rows) - inferred, "inferred_mqls": inferred}
        actual = mart_rows(demo_con, "kpi_mqls", month)
        assert_mart(actual, expected, ["dimension_type", "dimension_value"], f"kpi_mqls {month:%Y-%m}")
    # the demo data has inferred MQLs: the inference path is exercised
    assert life["is_mql_inferred"].any()


def test_mql_cohorts(demo_con, ref: Acquisition) -> None:
    life = ref.lifecycle
    for month in check_months(ref):
        groups = by_dimension(life[life["created_month"] == month], {"channel": "channel_id"})
        expected = {}
        for key in channel_keys(ref):
            rows = groups.get(key, life.iloc[0:0])
            mqls = int(rows["mql_at"].notna().sum())
            expected[key] = {
                "cohort_leads": len(rows),
                "cohort_mqls": mqls,
                "cohort_inferred_mqls": int(rows["is_mql_inferred"].sum()),
                "mql_rate": ratio(mqls, len(rows)),
            }
        actual = mart_rows(demo_con, "kpi_mql_cohorts", month)
        assert_mart(actual, expected, ["dimension_type", "dimension_value"], f"kpi_mql_cohorts {month:%Y-%m}")


def test_sqls_event_view(demo_con, ref: Acquisition) -> None:
    life = ref.lifecycle
    life = life[life["sql_at"].notna()].assign(sql_month=lambda f: month_start(f["sql_at"]))
    for month in check_months(ref):
        groups = by_dimension(life[life["sql_month"] == month], {"channel": "channel_id"})
        expected = {}
        for key in channel_keys(ref):
            rows = groups.get(key, life.iloc[0:0])
            inferred = int(rows["is_sql_inferred"].sum())
            expected[key] = {"new_sqls": len(rows), "actual_sqls": len(rows) - inferred, "inferred_sqls": inferred}
        actual = mart_rows(demo_con, "kpi_sqls", month)
        assert_mart(actual, expected, ["dimension_type", "dimension_value"], f"kpi_sqls {month:%Y-%m}")


def test_sql_cohorts(demo_con, ref: Acquisition) -> None:
    life = ref.lifecycle
    mqls = life[life["mql_at"].notna()].assign(mql_month=lambda f: month_start(f["mql_at"]))
    for month in check_months(ref):
        groups = by_dimension(mqls[mqls["mql_month"] == month], {"channel": "channel_id"})
        expected = {}
        for key in channel_keys(ref):
            rows = groups.get(key, mqls.iloc[0:0])
            sqls = int(rows["sql_at"].notna().sum())
            expected[key] = {"cohort_mqls": len(rows), "cohort_sqls": sqls, "mql_to_sql_rate": ratio(sqls, len(rows))}
        actual = mart_rows(demo_con, "kpi_sql_cohorts", month)
        assert_mart(actual, expected, ["dimension_type", "dimension_value"], f"kpi_sql_cohorts {month:%Y-%m}")


def test_cac(demo_con, ref: Acquisition) -> None:
    months = check_months(ref)
    # CAC needs customers: also check the first month with an acquisition
    months.append(ref.customers["acquisition_month"].min())
    for month in months:
        spend = ref.spend[ref.spend["spend_month"] == month]
        costs = ref.costs[ref.costs["cost_month"] == month]
        customers = ref.customers[ref.customers["acquisition_month"] == month]
        media = float(spend["amount_reporting"].sum())
        marketing_costs = float(costs.loc[costs["department"] == "marketing", "amount_reporting"].sum())
        sales_costs = float(costs.loc[costs["department"] == "sales", "amount_reporting"].sum())
        paid_media = float(spend.loc[spend["is_paid"], "amount_reporting"].sum())
        acquisition_cost = media + marketing_costs + sales_costs
        paid_customers = int(customers["is_paid"].sum())
        expected = {
            ("total", "all"): {
                "media_spend": media,
                "marketing_costs": marketing_costs,
                "total_marketing_cost": media + marketing_costs,
                "sales_costs": sales_costs,
                "acquisition_cost": acquisition_cost,
                "new_customers": len(customers),
                "blended_cac": ratio(acquisition_cost, len(customers)),
                "paid_media_spend": paid_media,
                "new_paid_customers": paid_customers,
                "paid_cac": ratio(paid_media, paid_customers),
            }
        }
        actual = mart_rows(demo_con, "kpi_cac", month)
        assert_mart(actual, expected, ["dimension_type", "dimension_value"], f"kpi_cac {month:%Y-%m}")


STAGES = [("leads", "created_at"), ("mqls", "mql_at"), ("sqls", "sql_at"), ("opportunities", "opportunity_at"), ("won", "won_at")]


def funnel_values(counts: dict[str, int]) -> dict[str, object]:
    return {
        **counts,
        "lead_to_mql_rate": ratio(counts["mqls"], counts["leads"]),
        "mql_to_sql_rate": ratio(counts["sqls"], counts["mqls"]),
        "sql_to_opportunity_rate": ratio(counts["opportunities"], counts["sqls"]),
        "opportunity_to_won_rate": ratio(counts["won"], counts["opportunities"]),
        "lead_to_won_rate": ratio(counts["won"], counts["leads"]),
    }


def test_funnel(demo_con, ref: Acquisition) -> None:
    life = ref.lifecycle
    for month in check_months(ref):
        expected = {}
        cohort = by_dimension(life[life["created_month"] == month], {"channel": "channel_id"})
        for dim_type, dim_value in channel_keys(ref):
            rows = cohort.get((dim_type, dim_value), life.iloc[0:0])
            counts = {name: int(rows[column].notna().sum()) for name, column in STAGES}
            expected[("cohort", dim_type, dim_value)] = funnel_values(counts)
            scope = life if dim_type == "total" else life[life["channel_id"] == dim_value]
            counts = {name: int((month_start(scope[column]) == month).sum()) for name, column in STAGES}
            expected[("period", dim_type, dim_value)] = funnel_values(counts)
        actual = mart_rows(demo_con, "kpi_funnel", month)
        assert_mart(actual, expected, ["view_type", "dimension_type", "dimension_value"], f"kpi_funnel {month:%Y-%m}")


def test_funnel_dropoff(demo_con, ref: Acquisition) -> None:
    life = ref.lifecycle
    disq = life[life["current_status"] == "disqualified"].copy()
    dq_at = disq["disqualified_at"]
    disq["funnel_stage"] = "lead"
    disq.loc[disq["mql_at"] <= dq_at, "funnel_stage"] = "mql"
    disq.loc[disq["sql_at"] <= dq_at, "funnel_stage"] = "sql"
    disq.loc[disq["opportunity_at"] <= dq_at, "funnel_stage"] = "opportunity"
    dropoffs = pd.concat(
        [
            pd.DataFrame(
                {
                    "period_month": month_start(disq["disqualified_at"]),
                    "channel_id": disq["channel_id"],
                    "funnel_stage": disq["funnel_stage"],
                    "dropoff_type": "disqualified",
                    "dropoff_reason": disq["disqualification_reason"].fillna("unknown"),
                }
            ),
            pd.DataFrame(
                {
                    "period_month": ref.deals.loc[ref.deals["status"] == "lost", "close_month"],
                    "channel_id": ref.deals.loc[ref.deals["status"] == "lost", "channel_id"],
                    "funnel_stage": "opportunity",
                    "dropoff_type": "lost",
                    "dropoff_reason": ref.deals.loc[ref.deals["status"] == "lost", "lost_reason"].fillna("unknown"),
                }
            ),
        ]
    )
    for month in check_months(ref):
        expected = {}
        for (dim_type, dim_value), rows in by_dimension(
            dropoffs[dropoffs["period_month"] == month], {"channel": "channel_id"}
        ).items():
            stage_totals = rows.groupby("funnel_stage").size()
            for (stage, kind, reason), group in rows.groupby(["funnel_stage", "dropoff_type", "dropoff_reason"]):
                expected[(dim_type, dim_value, stage, kind, reason)] = {
                    "dropoffs": len(group),
                    "stage_dropoffs": int(stage_totals[stage]),
                    "reason_share": len(group) / int(stage_totals[stage]),
                }
        actual = mart_rows(demo_con, "kpi_funnel_dropoff", month)
        assert len(expected) > 5
        assert_mart(
            actual,
            expected,
            ["dimension_type", "dimension_value", "funnel_stage", "dropoff_type", "dropoff_reason"],
            f"kpi_funnel_dropoff {month:%Y-%m}",
        )


def test_funnel_velocity(demo_con, ref: Acquisition) -> None:
    life = ref.lifecycle.copy()

    def days(start: pd.Series, end: pd.Series) -> pd.Series:
        return (end.dt.normalize() - start.dt.normalize()).dt.days

    life["lead_to_mql"] = days(life["created_at"], life["mql_at"]).where(~life["is_mql_inferred"])
    life["mql_to_sql"] = days(life["mql_at"], life["sql_at"]).where(~life["is_mql_inferred"] & ~life["is_sql_inferred"])
    life["sql_to_opportunity"] = days(life["sql_at"], life["opportunity_at"]).where(~life["is_sql_inferred"])
    deals = ref.deals.set_index("opportunity_id")
    closed_days = deals["days_to_close"].where(deals["status"] != "open")
    life["opportunity_to_close"] = life["first_opportunity_id"].map(closed_days)
    steps = [
        ("lead_to_mql", "lead_to_mql_leads"),
        ("mql_to_sql", "mql_to_sql_leads"),
        ("sql_to_opportunity", "sql_to_opportunity_leads"),
        ("opportunity_to_close", "opportunity_to_close_deals"),
    ]
    for month in check_months(ref):
        groups = by_dimension(life[life["created_month"] == month], {"channel": "channel_id"})
        expected = {}
        for key in channel_keys(ref):
            rows = groups.get(key, life.iloc[0:0])
            values: dict[str, object] = {}
            for step, count_column in steps:
                sample = rows[step].dropna()
                values[count_column] = len(sample)
                values[f"median_days_{step}"] = float(sample.median()) if len(sample) else None
            expected[key] = values
        actual = mart_rows(demo_con, "kpi_funnel_velocity", month)
        assert_mart(actual, expected, ["dimension_type", "dimension_value"], f"kpi_funnel_velocity {month:%Y-%m}")


def test_scorecard_acquisition_rows(demo_con, ref: Acquisition) -> None:
    targets = ref.raw.table("ref_kpi_targets")
    targets["target_month"] = pd.to_datetime(targets["target_month"])
    targets["target_value"] = targets["target_value"].astype(float)
    target_of = targets.set_index(["kpi_name", "target_month", "dimension_type", "dimension_value"])["target_value"]
    life = ref.lifecycle
    months = check_months(ref)
    for month in months:
        cpl = expected_cost_per_lead(ref, month)[("total", "all")]
        previous_cpl = expected_cost_per_lead(ref, month - pd.offsets.MonthBegin(1))[("total", "all")]
        mqls = int((month_start(life["mql_at"]) == month).sum())
        expected_values = {
            "cost_per_lead": (cpl["cost_per_lead"], "lower_is_better", previous_cpl["cost_per_lead"]),
            "mqls": (float(mqls), "higher_is_better", None),
        }
        actual = mart_rows(demo_con, "kpi_scorecard", month, where="and dimension_type = 'total'")
        actual = actual.set_index("kpi_name")
        for kpi, (value, direction, previous) in expected_values.items():
            row = actual.loc[kpi]
            target = target_of.get((kpi, month, "total", "all"))
            assert_close(row["value"], value, f"scorecard {kpi} {month:%Y-%m} value")
            assert_close(row["target"], target, f"scorecard {kpi} {month:%Y-%m} target")
            assert row["direction"] == direction
            if target is None:
                assert pd.isna(row["attainment"]) and row["status"] is None
                continue
            attainment = value / target if direction == "higher_is_better" else target / value
            assert_close(row["attainment"], attainment, f"scorecard {kpi} {month:%Y-%m} attainment")
            status = "on_track" if attainment >= 1 else "at_risk" if attainment >= 0.9 else "off_track"
            assert row["status"] == status, f"scorecard {kpi} {month:%Y-%m} status"
            if previous is not None:
                assert_close(row["previous_period_value"], previous, f"scorecard {kpi} previous")
                assert_close(row["change_absolute"], value - previous, f"scorecard {kpi} change")
