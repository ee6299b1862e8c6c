{#-
    The lead funnel per month, in total and per channel (every channel with any lead), in both views:
      - event view: the MQLs and SQLs reached in the month (a lead that skipped a stage reached it at the
        inferred time of the later stage, is_*_inferred), actual and inferred apart;
      - cohort view: the leads created in the month and how many of them reached MQL by the as-of date; the
        MQLs of the month and how many of them reached SQL.
    One model for kpi_mqls, kpi_sqls, kpi_mql_cohorts and kpi_sql_cohorts, so the four marts count the same
    leads on the same spine. Months: the activity calendar (int_activity_months).
-#}
with

months as (

    {{ kpi_months() }}

),

leads as (

    select
        lead_id,
        channel_id,
        created_month,
        mql_at,
        is_mql,
        is_mql_inferred,
        sql_at,
        is_sql,
        is_sql_inferred
    from {{ ref('fct_leads') }}

),

leads_by_dimension as (

    {{ kpi_dimension_rows('leads') }}

),

-- event view: a lead counts in the month it reached MQL (or its inferred time); cohort view of SQL: the MQLs
-- of the month and how many of them sales accepted by the as-of date
mqls_monthly as (

    select
        {{ month_start('mql_at') }} as period_month,
        dimension_type,
        dimension_value,
        count(*) as new_mqls,
        count(case when not is_mql_inferred then 1 end) as actual_mqls,
        count(case when is_mql_inferred then 1 end) as inferred_mqls,
        count(case when is_sql then 1 end) as mql_cohort_sqls
    from leads_by_dimension
    where mql_at is not null
    group by {{ month_start('mql_at') }}, dimension_type, dimension_value

),

-- event view: a lead counts in the month sales accepted it; one that went straight to opportunity reached SQL
-- at its opportunity time (inferred)
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

-- cohort view of MQL: the leads created in a month, and how many of them reached MQL by the as-of date
lead_cohorts as (

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
        coalesce(mqls_monthly.inferred_mqls, 0) as inferred_mqls,
        coalesce(mqls_monthly.mql_cohort_sqls, 0) as mql_cohort_sqls,
        coalesce(sqls_monthly.new_sqls, 0) as new_sqls,
        coalesce(sqls_monthly.actual_sqls, 0) as actual_sqls,
        coalesce(sqls_monthly.inferred_sqls, 0) as inferred_sqls,
        coalesce(lead_cohorts.cohort_leads, 0) as cohort_leads,
        coalesce(lead_cohorts.cohort_mqls, 0) as cohort_mqls,
        coalesce(lead_cohorts.cohort_inferred_mqls, 0) as cohort_inferred_mqls
    from spine
    left join mqls_monthly
        on
            spine.period_month = mqls_monthly.period_month
            and spine.dimension_type = mqls_monthly.dimension_type
            and spine.dimension_value = mqls_monthly.dimension_value
    left join sqls_monthly
        on
            spine.period_month = sqls_monthly.period_month
            and spine.dimension_type = sqls_monthly.dimension_type
            and spine.dimension_value = sqls_monthly.dimension_value
    left join lead_cohorts
        on
            spine.period_month = lead_cohorts.period_month
            and spine.dimension_type = lead_cohorts.dimension_type
            and spine.dimension_value = lead_cohorts.dimension_value

)

select * from final
