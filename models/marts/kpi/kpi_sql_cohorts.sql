-- MQL-to-SQL conversion of each month's MQLs, in total and per channel (cohort view;
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
        new_mqls as cohort_mqls,
        mql_cohort_sqls as cohort_sqls,
        {{ kpi_ratio('mql_cohort_sqls', 'new_mqls') }} as mql_to_sql_rate
    from funnel

)

select * from final
