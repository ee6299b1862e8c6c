with

months as (

    {{ kpi_months() }}

),

leads as (

    select
        lead_id,
        created_month,
        channel_id,
        is_mql,
        is_mql_inferred
    from {{ ref('fct_leads') }}

),

leads_by_dimension as (

    {{ total_and_channel_rows('leads') }}

),

-- cohort view: the leads created in a month, and how many of them reached MQL by the as-of date
cohorts as (

    select
        created_month as period_month,
        dimension_type,
        dimension_value,
        count(*) as cohort_leads,
        count(case when is_mql then 1 end) as cohort_mqls,
        count(case when is_mql and is_mql_inferred then 1 end) as cohort_inferred_mqls
    from leads_by_dimension
    group by created_month, dimension_type, dimension_value

),

dimensions as (

    select distinct
        dimension_type,
        dimension_value
    from leads_by_dimension

),

spine as (

    {{ kpi_month_spine() }}

),

final as (

    select
        spine.period_month,
        spine.fiscal_year,
        spine.fiscal_quarter,
        spine.dimension_type,
        spine.dimension_value,
        coalesce(cohorts.cohort_leads, 0) as cohort_leads,
        coalesce(cohorts.cohort_mqls, 0) as cohort_mqls,
        coalesce(cohorts.cohort_inferred_mqls, 0) as cohort_inferred_mqls,
        {{ kpi_ratio('coalesce(cohorts.cohort_mqls, 0)', 'coalesce(cohorts.cohort_leads, 0)') }} as mql_rate
    from spine
    left join cohorts
        on
            spine.period_month = cohorts.period_month
            and spine.dimension_type = cohorts.dimension_type
            and spine.dimension_value = cohorts.dimension_value

)

select * from final
