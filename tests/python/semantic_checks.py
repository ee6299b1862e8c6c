"""Semantic layer vs the KPI marts: the checks, shared by the DuckDB and PostgreSQL tests.

A `Check` names MetricFlow metrics, a group-by and the mart rows that must
hold the same numbers: by default `select period_month, dimension_value,
<columns> from marts.<mart> where dimension_type = '<type>'`, or its own SQL
(`mart_sql`, same column layout) where the mart needs reshaping (unpivoted
flags, a quarter roll-up of monthly parts, an independent count on fct_leads).

`compare()` matches rows on (period, dimension value):
- a mart row with a MetricFlow row: every metric equal (NULL only where the
  mart is NULL: the zero-denominator rule), numbers within 1e-9 relative, or
  within half a unit of the mart column's decimal scale (a KPI mart stores a
  ratio as numeric(28, 10), money as numeric(20, 6));
- a ratio with its parts in the mart (`ratios`) also equals numerator /
  denominator of the mart's parts within 1e-9 relative;
- a mart row without a MetricFlow row must be empty (every metric 0 or NULL):
  the marts' full-coverage spine rows, which MetricFlow does not invent;
- a MetricFlow row without a mart row must be empty too (time-spine fill rows).
MetricFlow shows an unknown member (NULL channel, campaign, ...) as NULL where
the mart says `unknown` / `no_campaign`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from dataclasses import dataclass, field
from typing import Any, Callable

REL_TOL = 1e-9
NONE_MEMBERS = ("unknown", "no_campaign", "no_ad")
ATTRIBUTION_MODELS = ("first_touch", "last_touch", "linear", "time_decay", "position_based", "w_shaped")


@dataclass(frozen=True)
class Check:
    name: str
    metrics: dict[str, str]  # MetricFlow metric -> mart column
    mart: str = ""
    dimension_type: str = "total"
    group_by: str | None = None  # MetricFlow group-by item for the dimension (None: total)
    time: str = "metric_time__month"
    mart_where: str = ""
    mart_sql: str = ""  # overrides mart/dimension_type/mart_where: period, dimension_value, columns
    ratios: dict[str, tuple[str, str]] = field(default_factory=dict)
    expect_null: tuple[str, ...] = ()  # metrics that must meet a zero denominator here
    where: tuple[str, ...] = ()  # MetricFlow where filters
    none_members: tuple[str, ...] = NONE_MEMBERS  # mart members MetricFlow shows as NULL
    # query each metric on its own: a derived metric is NULL, not 0, in a multi-metric answer for a key where
    # none of its inputs has a row (fill_nulls_with applies inside each metric; README, "Semantic layer")
    separately: bool = False

    def sql(self) -> str:
        if self.mart_sql:
            return self.mart_sql
        columns = sorted({*self.metrics.values(), *(c for pair in self.ratios.values() for c in pair)})
        where = f" and ({self.mart_where})" if self.mart_where else ""
        return (
            f"select period_month, dimension_value, {', '.join(columns)} from marts.{self.mart} "
            f"where dimension_type = '{self.dimension_type}'{where}"
        )

    def group_by_items(self) -> list[str]:
        return [self.time] + ([self.group_by] if self.group_by else [])


@dataclass
class Outcome:
    problems: list[str]
    matched: int
    nulls_matched: dict[str, int]
    mart_rows: int
    metricflow_rows: int


def _key_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return str(value)


def _tolerance(expected: Any) -> float:
    """1e-9 relative, plus half a unit of the mart value's decimal scale (the mart rounded it there)."""
    tol = REL_TOL * abs(float(expected))
    if isinstance(expected, decimal.Decimal):
        exponent = expected.as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            tol += 0.5 * 10.0**exponent
    return tol


def same(actual: Any, expected: Any) -> bool:
    if actual is _ABSENT:
        return expected is None or float(expected) == 0
    if actual is None or expected is None:
        return actual is None and expected is None
    a, e = float(actual), float(expected)
    if math.isnan(a) or math.isnan(e):
        return False
    return abs(a - e) <= max(_tolerance(expected), 1e-12)


def ratio_of_parts(numerator: Any, denominator: Any) -> tuple[float | None, float]:
    """numerator / denominator of a mart's stored parts, and how far the parts' rounding can move it.

    A part stored as a decimal of scale k (money numeric(20, 6): k = 6) is within 0.5e-k of the unrounded
    value MetricFlow sums; the ratio's bound follows from d(n/d) = dn/d - n dd/d^2. Plus 1e-9 relative.
    """
    if numerator is None or not denominator:
        return None, 0.0
    n, d = float(numerator), float(denominator)
    exact = n / d

    def half_unit(value: Any) -> float:
        if isinstance(value, decimal.Decimal):
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and exponent < 0:
                return 0.5 * 10.0**exponent
        return 0.0

    tol = half_unit(numerator) / abs(d) + abs(n) * half_unit(denominator) / d**2
    return exact, tol + REL_TOL * abs(exact) + 1e-15


def _is_empty(values: dict[str, Any]) -> bool:
    return all(v is None or v is _ABSENT or float(v) == 0 for v in values.values())


def mart_rows(fetch: Callable[[str], tuple[list[str], list[tuple]]], check: Check) -> dict[tuple, dict[str, Any]]:
    columns, rows = fetch(check.sql())
    out: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        record = dict(zip(columns, row))
        member = record.pop("dimension_value")
        if not check.group_by or member in check.none_members:
            member = None  # the total row ('all'), or an unknown member
        key = (_key_value(record.pop("period_month")), _key_value(member))
        assert key not in out, f"{check.name}: mart rows not unique on {key}"
        out[key] = record
    return out


def compare(check: Check, metricflow: list[dict[str, Any]], mart: dict[tuple, dict[str, Any]]) -> Outcome:
    problems: list[str] = []
    nulls = {metric: 0 for metric in check.metrics}
    seen: set[tuple] = set()
    matched = 0
    for row in metricflow:
        key = (_key_value(row[check.time]), _key_value(row[check.group_by]) if check.group_by else None)
        if key in seen:
            problems.append(f"{key}: MetricFlow returned the key twice")
            continue
        seen.add(key)
        values = {metric: row[metric] for metric in check.metrics}
        expected = mart.get(key)
        if expected is None:
            if not _is_empty(values):
                problems.append(f"{key}: MetricFlow row {values} has no mart row")
            continue
        matched += 1
        for metric, column in check.metrics.items():
            if metric in check.ratios:
                # a ratio the mart stores from rounded parts: equal within what that rounding can move it
                exact, tol = ratio_of_parts(*(expected[c] for c in check.ratios[metric]))
                ok = same(values[metric], expected[column]) or (
                    values[metric] is not None and expected[column] is not None
                    and abs(float(values[metric]) - float(expected[column])) <= tol + _tolerance(expected[column])
                )
            else:
                ok = same(values[metric], expected[column])
            if not ok:
                problems.append(f"{key}: {metric} = {values[metric]!r}, mart {column} = {expected[column]!r}")
            elif values[metric] is None:
                nulls[metric] += 1
            if metric in check.ratios:
                numerator, denominator = (expected[c] for c in check.ratios[metric])
                exact, tol = ratio_of_parts(numerator, denominator)
                if exact is None and values[metric] is not None or (
                    exact is not None and (values[metric] is None or abs(values[metric] - exact) > tol)
                ):
                    problems.append(f"{key}: {metric} = {values[metric]!r}, mart parts give {exact!r}")
    for key, expected in mart.items():
        if key not in seen and not _is_empty({m: expected[c] for m, c in check.metrics.items()}):
            problems.append(f"{key}: mart row {expected} missing from MetricFlow")
    for metric in check.expect_null:
        if not nulls[metric]:
            problems.append(f"{metric}: no zero-denominator (NULL) case met, the check cannot see the rule")
    if not matched:
        problems.append("no row matched")
    return Outcome(problems, matched, nulls, len(mart), len(metricflow))


def metricflow_rows(layer: Any, check: Check) -> list[dict[str, Any]]:
    """The check's metrics from MetricFlow: one query, or one per metric merged on the group-by (`separately`)."""
    if not check.separately:
        return layer.query(list(check.metrics), check.group_by_items(), where=check.where).rows
    keys = check.group_by_items()
    merged: dict[tuple, dict[str, Any]] = {}
    for metric in check.metrics:
        for row in layer.query([metric], keys, where=check.where).rows:
            record = merged.setdefault(tuple(row[k] for k in keys), {k: row[k] for k in keys})
            record[metric] = row[metric]
    # a metric without a row for a key: no input had one (compare() then wants the mart value 0 or NULL)
    return [{**{m: _ABSENT for m in check.metrics}, **record} for record in merged.values()]


class _Absent:
    """A metric MetricFlow returned no row for (separate queries): only an empty mart value matches."""

    def __repr__(self) -> str:
        return "<no row>"


_ABSENT = _Absent()


# ---------------------------------------------------------------- the checks


def _by(name: str, mart: str, metrics: dict[str, str], dims: dict[str, str], **kwargs: Any) -> list[Check]:
    """One check per (mart dimension_type -> MetricFlow group-by) of `dims` ('total' -> None)."""
    checks = []
    expect_null = {k.removeprefix("expect_null_"): kwargs.pop(k) for k in list(kwargs) if k.startswith("expect_null_")}
    for dimension_type, group_by in dims.items():
        nulls = expect_null.get(dimension_type, ())
        checks.append(Check(
            name=f"{name} by month x {dimension_type}", mart=mart, metrics=metrics, dimension_type=dimension_type,
            group_by=None if dimension_type == "total" else group_by, expect_null=tuple(nulls), **kwargs,
        ))
    return checks


TOTAL_CHANNEL = {"total": "", "channel": "channel"}

_FUNNEL_STAGES = ("lead", "mql", "sql", "opportunity", "won")
_PLURAL = {"lead": "leads", "mql": "mqls", "sql": "sqls", "opportunity": "opportunities", "won": "won"}


def _funnel_period_sql() -> str:
    return " union all ".join(
        f"select period_month, '{stage}' as dimension_value, {_PLURAL[stage]} as stage_events from marts.kpi_funnel "
        "where view_type = 'period' and dimension_type = 'total'"
        for stage in _FUNNEL_STAGES
    )


def _flag_split_sql(mart: str, actual: str, inferred: str, metric_column: str) -> str:
    return (
        f"select period_month, 'false' as dimension_value, {actual} as {metric_column} from marts.{mart} "
        f"where dimension_type = 'total' union all "
        f"select period_month, 'true' as dimension_value, {inferred} as {metric_column} from marts.{mart} "
        f"where dimension_type = 'total'"
    )


def _funnel_cohort_sql(dimension_type: str) -> str:
    def rate(part: str) -> str:
        return f"case when leads = 0 then null else cast({part} as double precision) / leads end"

    return (
        f"select period_month, dimension_value, {rate('mqls')} as lead_to_mql, {rate('sqls')} as lead_to_sql, "
        f"{rate('opportunities')} as lead_to_opportunity, {rate('won')} as lead_to_won, won "
        f"from marts.kpi_funnel where view_type = 'cohort' and dimension_type = '{dimension_type}'"
    )


def _windowed_sql(dimension_type: str) -> str:
    """Windowed funnel conversions counted straight from fct_leads (independent of MetricFlow).

    A conversion within N days: the later stage's day is on or after the base stage's day and less than N days
    after it. Each rate is by the month of the base stage; NULL for a month without base events.
    """
    member = "'all'" if dimension_type == "total" else "channel_id"
    pairs = {
        "lead_to_mql_30d": ("created_at", "mql_at", 30),
        "mql_to_sql_30d": ("mql_at", "sql_at", 30),
        "sql_to_opportunity_30d": ("sql_at", "opportunity_at", 30),
        "opportunity_to_won_90d": ("opportunity_at", "won_at", 90),
        "lead_to_won_180d": ("created_at", "won_at", 180),
    }
    selects = []
    for name, (base, conversion, days) in pairs.items():
        base_day, conversion_day = f"cast({base} as date)", f"cast({conversion} as date)"
        converted = (
            f"{conversion} is not null and {conversion_day} >= {base_day} "
            f"and {conversion_day} < {base_day} + {days}"
        )
        selects.append(
            f"select '{name}' as metric, cast(date_trunc('month', {base}) as date) as period_month, "
            f"{member} as dimension_value, count(*) as base_events, "
            f"sum(case when {converted} then 1 else 0 end) as conversions "
            f"from marts.fct_leads where {base} is not null group by 1, 2, 3"
        )
    unioned = " union all ".join(selects)
    columns = ", ".join(
        f"max(case when metric = '{name}' then cast(conversions as double precision) / base_events end) as {name}"
        for name in pairs
    )
    return f"select period_month, dimension_value, {columns} from ({unioned}) as windowed group by 1, 2"


def _revenue_growth_sql(dimension_type: str) -> str:
    """kpi_revenue's growth columns as MetricFlow states them (README: what the layer cannot express exactly).

    Where the comparison month lies before the first month of data the mart has no comparison row and says
    NULL; MetricFlow's offset reads that month as 0 (fill_nulls_with), so its previous-period value is 0 and
    the change is the revenue. Growth is NULL in both. Everywhere else the mart's own values.
    """
    return (
        "select period_month, dimension_value, revenue, "
        "coalesce(revenue_prev_month, 0) as revenue_prev_month, "
        "coalesce(revenue_change_vs_prev_month, revenue) as revenue_change_vs_prev_month, "
        "revenue_growth_vs_prev_month, "
        "coalesce(revenue_same_month_last_year, 0) as revenue_same_month_last_year, "
        "coalesce(revenue_change_vs_last_year, revenue) as revenue_change_vs_last_year, "
        "revenue_growth_vs_last_year "
        f"from marts.kpi_revenue where dimension_type = '{dimension_type}'"
    )


def _quarter_sql(mart: str, dimension_type: str, sums: dict[str, str], ratios: dict[str, tuple[str, str]]) -> str:
    """A monthly mart rolled up to fiscal quarters by summing its parts (docs/architecture.md: roll-ups)."""
    parts = [f"sum({column}) as {alias}" for alias, column in sums.items()]
    parts += [
        f"case when sum({den}) = 0 then null else cast(sum({num}) as double precision) / sum({den}) end as {alias}"
        for alias, (num, den) in ratios.items()
    ]
    return (
        f"select spine.fiscal_quarter_start as period_month, kpi.dimension_value, {', '.join(parts)} "
        f"from marts.{mart} as kpi inner join marts.metricflow_time_spine as spine on kpi.period_month = spine.date_day "
        f"where kpi.dimension_type = '{dimension_type}' group by 1, 2"
    )


def _retention_quarter_sql() -> str:
    """Quarterly stocks from the monthly retention / MRR marts: start of the first month, end of the last month."""
    return (
        "with months as ("
        " select spine.fiscal_quarter_start, retention.period_month, retention.customers_at_start,"
        " retention.customers_at_end, retention.new_customers, mrr.ending_mrr,"
        " min(retention.period_month) over (partition by spine.fiscal_quarter_start) as first_month,"
        " max(retention.period_month) over (partition by spine.fiscal_quarter_start) as last_month"
        " from marts.kpi_customer_retention as retention"
        " inner join marts.kpi_mrr as mrr on retention.period_month = mrr.period_month"
        " and mrr.dimension_type = 'total'"
        " inner join marts.metricflow_time_spine as spine on retention.period_month = spine.date_day"
        " where retention.dimension_type = 'total')"
        " select fiscal_quarter_start as period_month, 'all' as dimension_value,"
        " sum(case when period_month = first_month then customers_at_start else 0 end) as customers_at_start,"
        " sum(case when period_month = last_month then customers_at_end else 0 end) as customers_at_end,"
        " sum(new_customers) as new_customers,"
        " sum(case when period_month = last_month then ending_mrr else 0 end) as ending_mrr"
        " from months group by 1"
    )


def duckdb_checks() -> list[Check]:
    """Every KPI mart's metrics at month x total and month x channel (and other breakdowns), plus other grains."""
    checks: list[Check] = []
    campaign = {**TOTAL_CHANNEL, "campaign": "campaign"}
    checks += _by(
        "cost per lead", "kpi_cost_per_lead",
        {"marketing_spend": "marketing_spend", "new_leads": "new_leads", "cost_per_lead": "cost_per_lead"},
        campaign, ratios={"cost_per_lead": ("marketing_spend", "new_leads")}, expect_null_campaign=("cost_per_lead",),
    )
    checks += _by(
        "cost per opportunity", "kpi_cost_per_opportunity",
        {"new_opportunities": "new_opportunities", "cost_per_opportunity": "cost_per_opportunity"},
        campaign, ratios={"cost_per_opportunity": ("marketing_spend", "new_opportunities")},
        expect_null_channel=("cost_per_opportunity",),
    )
    checks += _by("MQLs", "kpi_mqls", {"mqls": "new_mqls"}, TOTAL_CHANNEL)
    checks += _by("SQLs", "kpi_sqls", {"sqls": "new_sqls"}, TOTAL_CHANNEL)
    checks.append(Check(
        "MQLs by month x inferred flag", metrics={"mqls": "mqls"}, group_by="lead_funnel_event__is_inferred",
        mart_sql=_flag_split_sql("kpi_mqls", "actual_mqls", "inferred_mqls", "mqls"),
    ))
    checks.append(Check(
        "SQLs by month x inferred flag", metrics={"sqls": "sqls"}, group_by="lead_funnel_event__is_inferred",
        mart_sql=_flag_split_sql("kpi_sqls", "actual_sqls", "inferred_sqls", "sqls"),
    ))
    checks += _by(
        "MQL cohorts", "kpi_mql_cohorts",
        {"cohort_leads": "cohort_leads", "cohort_mqls": "cohort_mqls", "mql_rate": "mql_rate"},
        TOTAL_CHANNEL, ratios={"mql_rate": ("cohort_mqls", "cohort_leads")},
    )
    checks += _by(
        "SQL cohorts", "kpi_sql_cohorts",
        {
            "mql_cohort_size": "cohort_mqls", "mql_cohort_sqls": "cohort_sqls", "mql_to_sql_rate": "mql_to_sql_rate",
            "mql_to_sql_conversion_rate": "mql_to_sql_rate",
        },
        TOTAL_CHANNEL, ratios={"mql_to_sql_conversion_rate": ("cohort_sqls", "cohort_mqls")},
    )
    for dimension_type, group_by in TOTAL_CHANNEL.items():
        checks.append(Check(
            f"funnel conversions (cohort view) by month x {dimension_type}",
            metrics={
                "lead_to_mql_conversion_rate": "lead_to_mql", "lead_to_sql_conversion_rate": "lead_to_sql",
                "lead_to_opportunity_conversion_rate": "lead_to_opportunity",
                "lead_to_won_conversion_rate": "lead_to_won", "lead_to_won_conversions": "won",
            },
            group_by=group_by or None, mart_sql=_funnel_cohort_sql(dimension_type),
        ))
        checks.append(Check(
            f"windowed funnel conversions (fct_leads) by month x {dimension_type}",
            metrics={
                "lead_to_mql_rate_30d": "lead_to_mql_30d", "mql_to_sql_rate_30d": "mql_to_sql_30d",
                "sql_to_opportunity_rate_30d": "sql_to_opportunity_30d",
                "opportunity_to_won_rate_90d": "opportunity_to_won_90d", "lead_to_won_rate_180d": "lead_to_won_180d",
            },
            group_by=group_by or None, mart_sql=_windowed_sql(dimension_type),
        ))
    checks.append(Check(
        "funnel period view by month x stage", metrics={"funnel_stage_events": "stage_events"},
        group_by="lead_funnel_event__funnel_stage", mart_sql=_funnel_period_sql(),
    ))
    retention = {
        "customers_at_start": "customers_at_start", "customers_at_end": "customers_at_end",
        "customers_new_or_reactivated": "new_customers", "logo_retention": "logo_retention",
        "logo_churn": "logo_churn", "mrr_at_start": "mrr_at_start", "retained_mrr_capped": "retained_mrr_capped",
        "gross_revenue_retention": "gross_revenue_retention", "retained_mrr": "retained_mrr",
        "net_revenue_retention": "net_revenue_retention",
    }
    checks += _by(
        "customer retention", "kpi_customer_retention", retention,
        {**TOTAL_CHANNEL, "segment": "customer_month__segment"},
        ratios={
            "logo_retention": ("retained_customers", "customers_at_start"),
            "gross_revenue_retention": ("retained_mrr_capped", "mrr_at_start"),
            "net_revenue_retention": ("retained_mrr", "mrr_at_start"),
        },
        expect_null_channel=("logo_retention", "gross_revenue_retention", "net_revenue_retention"),
    )
    checks += _by(
        "MRR", "kpi_mrr", {"mrr": "ending_mrr", "new_mrr": "new_mrr", "churned_mrr": "churned_mrr"},
        {**TOTAL_CHANNEL, "segment": "customer_month__segment"},
    )
    checks.append(Check(
        "CAC by month x total", mart="kpi_cac",
        metrics={
            "marketing_spend": "media_spend", "marketing_costs": "marketing_costs", "sales_costs": "sales_costs",
            "acquisition_cost": "acquisition_cost", "new_customers": "new_customers", "blended_cac": "blended_cac",
            "paid_media_spend": "paid_media_spend", "new_paid_customers": "new_paid_customers", "paid_cac": "paid_cac",
        },
        ratios={"blended_cac": ("acquisition_cost", "new_customers"), "paid_cac": ("paid_media_spend", "new_paid_customers")},
        expect_null=("blended_cac", "paid_cac"),
    ))
    deal_dims = {**TOTAL_CHANNEL, "rep": "sales_rep", "team": "team", "segment": "opportunity__segment"}
    checks += _by("revenue", "kpi_revenue", {"revenue": "revenue", "won_deals": "won_deals"}, deal_dims)
    for dimension_type, group_by in {**TOTAL_CHANNEL, "team": "team"}.items():
        checks.append(Check(
            f"revenue growth by month x {dimension_type}",
            metrics={
                "revenue_prev_month": "revenue_prev_month",
                "revenue_change_vs_prev_month": "revenue_change_vs_prev_month",
                "revenue_growth_vs_prev_month": "revenue_growth_vs_prev_month",
                "revenue_same_month_last_year": "revenue_same_month_last_year",
                "revenue_change_vs_last_year": "revenue_change_vs_last_year",
                "revenue_growth_vs_last_year": "revenue_growth_vs_last_year",
            },
            group_by=group_by or None, mart_sql=_revenue_growth_sql(dimension_type), separately=True,
            expect_null=("revenue_growth_vs_prev_month", "revenue_growth_vs_last_year"),
        ))
    checks += _by(
        "win rate", "kpi_win_rate",
        {
            "won_deals": "won_count", "lost_deals": "lost_count", "closed_deals": "closed_count",
            "win_rate_count": "win_rate_count", "revenue": "won_amount", "closed_amount": "closed_amount",
            "win_rate_amount": "win_rate_amount",
        },
        deal_dims,
        ratios={"win_rate_count": ("won_count", "closed_count"), "win_rate_amount": ("won_amount", "closed_amount")},
    )
    for model in ATTRIBUTION_MODELS:
        checks += _by(
            f"marketing ROI ({model})", "kpi_marketing_roi",
            {
                f"attributed_revenue_{model}": "attributed_revenue", f"roas_{model}": "roas",
                f"marketing_roi_{model}": "roi",
            },
            {**TOTAL_CHANNEL, "channel_group": "channel__channel_group"},
            mart_where=f"attribution_model = '{model}'",
            none_members=("no_campaign", "no_ad"),  # channel group 'unknown' is a member of dim_channels
            ratios={f"roas_{model}": ("roas_numerator", "roas_denominator"),
                    f"marketing_roi_{model}": ("roi_numerator", "roi_denominator")},
            expect_null_channel=(f"roas_{model}", f"marketing_roi_{model}"),
        )
    checks.append(Check(
        "revenue vs target by month x total", mart="kpi_scorecard",
        metrics={"revenue_target": "target", "revenue_pace_target": "pace_target", "revenue_attainment": "attainment"},
        mart_where="kpi_name = 'revenue' and target is not null",
    ))
    checks.append(Check(
        "team revenue vs target by month x team", mart="kpi_scorecard", dimension_type="team", group_by="team",
        metrics={"team_revenue_target": "target", "team_revenue_pace_target": "pace_target",
                 "team_revenue_attainment": "attainment"},
        mart_where="kpi_name = 'revenue' and target is not null",
    ))
    # other grains: fiscal quarter (custom granularity), parts summed from the monthly marts
    for dimension_type, group_by in TOTAL_CHANNEL.items():
        checks.append(Check(
            f"cost per lead by fiscal quarter x {dimension_type}", time="metric_time__fiscal_quarter",
            group_by=group_by or None,
            metrics={"marketing_spend": "marketing_spend", "new_leads": "new_leads", "cost_per_lead": "cost_per_lead"},
            mart_sql=_quarter_sql(
                "kpi_cost_per_lead", dimension_type, {"marketing_spend": "marketing_spend", "new_leads": "new_leads"},
                {"cost_per_lead": ("marketing_spend", "new_leads")},
            ),
        ))
        checks.append(Check(
            f"win rate by fiscal quarter x {dimension_type}", time="metric_time__fiscal_quarter",
            group_by=group_by or None,
            metrics={"revenue": "won_amount", "won_deals": "won_count", "win_rate_count": "win_rate_count"},
            mart_sql=_quarter_sql(
                "kpi_win_rate", dimension_type, {"won_amount": "won_amount", "won_count": "won_count"},
                {"win_rate_count": ("won_count", "closed_count")},
            ),
        ))
    checks.append(Check(
        "retention stocks by fiscal quarter", time="metric_time__fiscal_quarter",
        metrics={
            "customers_at_start": "customers_at_start", "customers_at_end": "customers_at_end",
            "customers_new_or_reactivated": "new_customers", "mrr": "ending_mrr",
        },
        mart_sql=_retention_quarter_sql(),
    ))
    return checks


def postgres_checks() -> list[Check]:
    """The subset run on PostgreSQL: one check per KPI family, month x total and month x channel."""
    wanted = {
        "cost per lead", "cost per opportunity", "MQLs", "SQL cohorts", "customer retention", "MRR", "revenue",
        "win rate", "marketing ROI (position_based)",
    }
    subset = [
        check for check in duckdb_checks()
        if check.name.rsplit(" by ", 1)[0] in wanted and check.name.endswith(("x total", "x channel"))
    ]
    subset += [c for c in duckdb_checks() if c.name in ("CAC by month x total", "revenue growth by month x total")]
    return subset
