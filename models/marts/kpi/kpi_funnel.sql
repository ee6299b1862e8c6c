with

months as (

    {{ kpi_months() }}

),

leads as (

    select
        lead_id,
        channel_id,
        created_at,
        created_month,
        mql_at,
        sql_at,
        opportunity_at,
        won_at
    from {{ ref('fct_leads') }}

),

-- one row per lead and funnel stage it reached by the as-of date, with when it got there
stage_events as (

    select
        lead_id,
        channel_id,
        created_month,
        'lead' as funnel_stage,
        created_at as reached_at
    from leads
    union all
    select
        lead_id,
        channel_id,
        created_month,
        'mql' as funnel_stage,
        mql_at as reached_at
    from leads
    where mql_at is not null
    union all
    select
        lead_id,
        channel_id,
        created_month,
        'sql' as funnel_stage,
        sql_at as reached_at
    from leads
    where sql_at is not null
    union all
    select
        lead_id,
        channel_id,
        created_month,
        'opportunity' as funnel_stage,
        opportunity_at as reached_at
    from leads
    where opportunity_at is not null
    union all
    select
        lead_id,
        channel_id,
        created_month,
        'won' as funnel_stage,
        won_at as reached_at
    from leads
    where won_at is not null

),

-- cohort view: by the lead's creation month; period view: by the month the stage was reached
stage_events_by_view as (

    select
        'cohort' as view_type,
        created_month as period_month,
        channel_id,
        funnel_stage
    from stage_events
    union all
    select
        'period' as view_type,
        {{ month_start('reached_at') }} as period_month,
        channel_id,
        funnel_stage
    from stage_events

),

stage_events_by_dimension as (

    select
        view_type,
        period_month,
        funnel_stage,
        'total' as dimension_type,
        'all' as dimension_value
    from stage_events_by_view
    union all
    select
        view_type,
        period_month,
        funnel_stage,
        'channel' as dimension_type,
        channel_id as dimension_value
    from stage_events_by_view

),

stage_counts as (

    select
        view_type,
        period_month,
        dimension_type,
        dimension_value,
        count(case when funnel_stage = 'lead' then 1 end) as leads,
        count(case when funnel_stage = 'mql' then 1 end) as mqls,
        count(case when funnel_stage = 'sql' then 1 end) as sqls,
        count(case when funnel_stage = 'opportunity' then 1 end) as opportunities,
        count(case when funnel_stage = 'won' then 1 end) as won
    from stage_events_by_dimension
    group by view_type, period_month, dimension_type, dimension_value

),

view_types as (

    select 'cohort' as view_type
    union all
    select 'period' as view_type

),

dimensions as (

    select distinct
        dimension_type,
        dimension_value
    from stage_events_by_dimension

),

spine as (

    select
        view_types.view_type,
        months.period_month,
        months.fiscal_year,
        months.fiscal_quarter,
        dimensions.dimension_type,
        dimensions.dimension_value
    from view_types
    cross join months
    cross join dimensions

),

counts_filled as (

    select
        spine.view_type,
        spine.period_month,
        spine.fiscal_year,
        spine.fiscal_quarter,
        spine.dimension_type,
        spine.dimension_value,
        coalesce(stage_counts.leads, 0) as leads,
        coalesce(stage_counts.mqls, 0) as mqls,
        coalesce(stage_counts.sqls, 0) as sqls,
        coalesce(stage_counts.opportunities, 0) as opportunities,
        coalesce(stage_counts.won, 0) as won
    from spine
    left join stage_counts
        on
            spine.view_type = stage_counts.view_type
            and spine.period_month = stage_counts.period_month
            and spine.dimension_type = stage_counts.dimension_type
            and spine.dimension_value = stage_counts.dimension_value

),

final as (

    select
        view_type,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        leads,
        mqls,
        sqls,
        opportunities,
        won,
        {{ kpi_ratio('mqls', 'leads') }} as lead_to_mql_rate,
        {{ kpi_ratio('sqls', 'mqls') }} as mql_to_sql_rate,
        {{ kpi_ratio('opportunities', 'sqls') }} as sql_to_opportunity_rate,
        {{ kpi_ratio('won', 'opportunities') }} as opportunity_to_won_rate,
        {{ kpi_ratio('won', 'leads') }} as lead_to_won_rate
    from counts_filled

)

select * from final
