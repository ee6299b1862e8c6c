with

months as (

    {{ kpi_months() }}

),

leads as (

    select
        lead_id,
        channel_id,
        sql_at,
        is_sql_inferred
    from {{ ref('fct_leads') }}

),

leads_by_dimension as (

    {{ total_and_channel_rows('leads') }}

),

-- event view: a lead counts in the month sales accepted it; one that went straight to opportunity
-- reached SQL at its opportunity time (inferred)
sqls_monthly as (

    select
        {{ month_start('sql_at') }} as period_month,
        dimension_type,
        dimension_value,
        count(*) as new_sqls,
        count(case when not is_sql_inferred then 1 end) as actual_sqls,
        count(case when is_sql_inferred then 1 end) as inferred_sqls
    from leads_by_dimension
    where sql_at is not null
    group by {{ month_start('sql_at') }}, dimension_type, dimension_value

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
        coalesce(sqls_monthly.new_sqls, 0) as new_sqls,
        coalesce(sqls_monthly.actual_sqls, 0) as actual_sqls,
        coalesce(sqls_monthly.inferred_sqls, 0) as inferred_sqls
    from spine
    left join sqls_monthly
        on
            spine.period_month = sqls_monthly.period_month
            and spine.dimension_type = sqls_monthly.dimension_type
            and spine.dimension_value = sqls_monthly.dimension_value

)

select * from final
