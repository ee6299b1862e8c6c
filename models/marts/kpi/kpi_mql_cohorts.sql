-- Lead-to-MQL conversion of each month's new leads, in total and per channel (cohort view;
-- int_lead_funnel_monthly).
with

funnel as (

    select * from {{ ref('int_lead_funnel_monthly') }}

),

final as (

    select
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        cohort_leads,
        cohort_mqls,
        cohort_inferred_mqls,
        {{ kpi_ratio('cohort_mqls', 'cohort_leads') }} as mql_rate
    from funnel

)

select * from final
