with

months as (

    {{ kpi_months() }}

),

-- the MQLs (actual or inferred), by the month they reached MQL
mqls as (

    select
        lead_id,
        channel_id,
        {{ month_start('mql_at') }} as mql_month,
        is_sql
    from {{ ref('fct_leads') }}
    where is_mql

),

mqls_by_dimension as (

    select
        mqls.*,
        'total' as dimension_type,
        'all' as dimension_value
    from mqls
    union all
    select
        mqls.*,
        'channel' as dimension_type,
        mqls.channel_id as dimension_value
    from mqls

),

-- cohort view: the MQLs of a month, and how many of them sales accepted (SQL) by the as-of date
cohorts as (

    select
        mql_month as period_month,
        dimension_type,
        dimension_value,
        count(*) as cohort_mqls,
        count(case when is_sql then 1 end) as cohort_sqls
    from mqls_by_dimension
    group by mql_month, dimension_type, dimension_value

),

-- every channel with any lead (not only those with an MQL), plus the total
dimensions as (

    select
        'total' as dimension_type,
        'all' as dimension_value
    union
    select
        'channel' as dimension_type,
        channel_id as dimension_value
    from {{ ref('fct_leads') }}

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
        coalesce(cohorts.cohort_mqls, 0) as cohort_mqls,
        coalesce(cohorts.cohort_sqls, 0) as cohort_sqls,
        {{ kpi_ratio('coalesce(cohorts.cohort_sqls, 0)', 'coalesce(cohorts.cohort_mqls, 0)') }} as mql_to_sql_rate
    from spine
    left join cohorts
        on
            spine.period_month = cohorts.period_month
            and spine.dimension_type = cohorts.dimension_type
            and spine.dimension_value = cohorts.dimension_value

)

select * from final
