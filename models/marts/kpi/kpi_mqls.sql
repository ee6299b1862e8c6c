with

months as (

    {{ kpi_months() }}

),

leads as (

    select
        lead_id,
        channel_id,
        mql_at,
        is_mql_inferred
    from {{ ref('fct_leads') }}

),

leads_by_dimension as (

    {{ total_and_channel_rows('leads') }}

),

-- event view: a lead counts in the month it reached MQL; a lead that skipped MQL reached it at its inferred time
mqls_monthly as (

    select
        {{ month_start('mql_at') }} as period_month,
        dimension_type,
        dimension_value,
        count(*) as new_mqls,
        count(case when not is_mql_inferred then 1 end) as actual_mqls,
        count(case when is_mql_inferred then 1 end) as inferred_mqls
    from leads_by_dimension
    where mql_at is not null
    group by {{ month_start('mql_at') }}, dimension_type, dimension_value

),

-- every channel with any lead, plus the total
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
        coalesce(mqls_monthly.new_mqls, 0) as new_mqls,
        coalesce(mqls_monthly.actual_mqls, 0) as actual_mqls,
        coalesce(mqls_monthly.inferred_mqls, 0) as inferred_mqls
    from spine
    left join mqls_monthly
        on
            spine.period_month = mqls_monthly.period_month
            and spine.dimension_type = mqls_monthly.dimension_type
            and spine.dimension_value = mqls_monthly.dimension_value

)

select * from final
