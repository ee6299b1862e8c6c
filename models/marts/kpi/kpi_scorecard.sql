{%- set on_track_attainment = var('scorecard_on_track_attainment', 1.0) -%}
{%- set at_risk_attainment = var('scorecard_at_risk_attainment', 0.9) -%}

with

-- one CTE per KPI: kpi_name (the key of ref_kpi_targets), direction and the value with its parts.
-- Counts have the count as numerator and no denominator.

cost_per_lead as (

    select
        'cost_per_lead' as kpi_name,
        'lower_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('cost_per_lead') }} as kpi_value,
        {{ kpi_decimal('marketing_spend') }} as numerator,
        {{ kpi_decimal('new_leads') }} as denominator
    from {{ ref('kpi_cost_per_lead') }}

),

cost_per_opportunity as (

    select
        'cost_per_opportunity' as kpi_name,
        'lower_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('cost_per_opportunity') }} as kpi_value,
        {{ kpi_decimal('marketing_spend') }} as numerator,
        {{ kpi_decimal('new_opportunities') }} as denominator
    from {{ ref('kpi_cost_per_opportunity') }}

),

mqls as (

    select
        'mqls' as kpi_name,
        'higher_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('new_mqls') }} as kpi_value,
        {{ kpi_decimal('new_mqls') }} as numerator,
        {{ kpi_decimal('null') }} as denominator
    from {{ ref('kpi_mqls') }}

),

sqls as (

    select
        'sqls' as kpi_name,
        'higher_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('new_sqls') }} as kpi_value,
        {{ kpi_decimal('new_sqls') }} as numerator,
        {{ kpi_decimal('null') }} as denominator
    from {{ ref('kpi_sqls') }}

),

cac as (

    select
        'cac' as kpi_name,
        'lower_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('blended_cac') }} as kpi_value,
        {{ kpi_decimal('acquisition_cost') }} as numerator,
        {{ kpi_decimal('new_customers') }} as denominator
    from {{ ref('kpi_cac') }}

),

paid_cac as (

    select
        'paid_cac' as kpi_name,
        'lower_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('paid_cac') }} as kpi_value,
        {{ kpi_decimal('paid_media_spend') }} as numerator,
        {{ kpi_decimal('new_paid_customers') }} as denominator
    from {{ ref('kpi_cac') }}

),

-- revenue, win rate, retention and MRR marts (issues 4-5)

revenue as (

    select
        'revenue' as kpi_name,
        'higher_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('revenue') }} as kpi_value,
        {{ kpi_decimal('revenue') }} as numerator,
        {{ kpi_decimal('null') }} as denominator
    from {{ ref('kpi_revenue') }}

),

win_rate_count as (

    select
        'win_rate_count' as kpi_name,
        'higher_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('win_rate_count') }} as kpi_value,
        {{ kpi_decimal('won_count') }} as numerator,
        {{ kpi_decimal('closed_count') }} as denominator
    from {{ ref('kpi_win_rate') }}

),

win_rate_amount as (

    select
        'win_rate_amount' as kpi_name,
        'higher_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('win_rate_amount') }} as kpi_value,
        {{ kpi_decimal('won_amount') }} as numerator,
        {{ kpi_decimal('closed_amount') }} as denominator
    from {{ ref('kpi_win_rate') }}

),

logo_retention as (

    select
        'logo_retention' as kpi_name,
        'higher_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('logo_retention') }} as kpi_value,
        {{ kpi_decimal('retained_customers') }} as numerator,
        {{ kpi_decimal('customers_at_start') }} as denominator
    from {{ ref('kpi_customer_retention') }}

),

gross_revenue_retention as (

    select
        'gross_revenue_retention' as kpi_name,
        'higher_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('gross_revenue_retention') }} as kpi_value,
        {{ kpi_decimal('retained_mrr_capped') }} as numerator,
        {{ kpi_decimal('mrr_at_start') }} as denominator
    from {{ ref('kpi_customer_retention') }}

),

net_revenue_retention as (

    select
        'net_revenue_retention' as kpi_name,
        'higher_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('net_revenue_retention') }} as kpi_value,
        {{ kpi_decimal('retained_mrr') }} as numerator,
        {{ kpi_decimal('mrr_at_start') }} as denominator
    from {{ ref('kpi_customer_retention') }}

),

mrr as (

    select
        'mrr' as kpi_name,
        'higher_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('ending_mrr') }} as kpi_value,
        {{ kpi_decimal('ending_mrr') }} as numerator,
        {{ kpi_decimal('null') }} as denominator
    from {{ ref('kpi_mrr') }}

),

-- attribution marts (issue 6): the default attribution model, total rows (the attribution mart's contract)

marketing_roi as (

    select
        'marketing_roi' as kpi_name,
        'higher_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('roi') }} as kpi_value,
        {{ kpi_decimal('roi_numerator') }} as numerator,
        {{ kpi_decimal('roi_denominator') }} as denominator
    from {{ ref('kpi_marketing_roi') }}
    where is_default_model and dimension_type = 'total'

),

roas as (

    select
        'roas' as kpi_name,
        'higher_is_better' as direction,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        {{ kpi_decimal('roas') }} as kpi_value,
        {{ kpi_decimal('roas_numerator') }} as numerator,
        {{ kpi_decimal('roas_denominator') }} as denominator
    from {{ ref('kpi_marketing_roi') }}
    where is_default_model and dimension_type = 'total'

),

kpi_values as (

    select * from cost_per_lead
    union all
    select * from cost_per_opportunity
    union all
    select * from mqls
    union all
    select * from sqls
    union all
    select * from cac
    union all
    select * from paid_cac
    union all
    select * from revenue
    union all
    select * from win_rate_count
    union all
    select * from win_rate_amount
    union all
    select * from logo_retention
    union all
    select * from gross_revenue_retention
    union all
    select * from net_revenue_retention
    union all
    select * from mrr
    union all
    select * from marketing_roi
    union all
    select * from roas

),

targets as (

    select
        target_month,
        kpi_name,
        dimension_type,
        dimension_value,
        target_value
    from {{ ref('stg_reference__kpi_targets') }}

),

with_targets as (

    select
        kpi_values.*,
        {{ kpi_decimal('targets.target_value') }} as target_value,
        -- value / target when higher is better, target / value when lower is better: above 1 is better
        case
            when kpi_values.direction = 'higher_is_better'
                then {{ kpi_ratio('kpi_values.kpi_value', 'targets.target_value') }}
            else {{ kpi_ratio('targets.target_value', 'kpi_values.kpi_value') }}
        end as attainment
    from kpi_values
    left join targets
        on
            kpi_values.kpi_name = targets.kpi_name
            and kpi_values.period_month = targets.target_month
            and kpi_values.dimension_type = targets.dimension_type
            and kpi_values.dimension_value = targets.dimension_value

),

with_previous as (

    select
        with_targets.*,
        previous_period.kpi_value as previous_period_value
    from with_targets
    left join with_targets as previous_period
        on
            with_targets.kpi_name = previous_period.kpi_name
            and with_targets.dimension_type = previous_period.dimension_type
            and with_targets.dimension_value = previous_period.dimension_value
            and previous_period.period_month = cast({{ dbt.dateadd('month', -1, 'with_targets.period_month') }} as date)

),

final as (

    select
        kpi_name,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        direction,
        -- value and target are the scorecard's contract column names (non-reserved keywords)
        kpi_value as value,  -- noqa: RF04
        numerator,
        denominator,
        target_value as target,  -- noqa: RF04
        attainment,
        case
            when attainment is null then null
            when attainment >= {{ on_track_attainment }} then 'on_track'
            when attainment >= {{ at_risk_attainment }} then 'at_risk'
            else 'off_track'
        end as status,
        previous_period_value,
        {{ kpi_decimal('kpi_value - previous_period_value') }} as change_absolute,
        {{ kpi_ratio('kpi_value - previous_period_value', 'abs(previous_period_value)') }} as change_pct
    from with_previous

)

select * from final
