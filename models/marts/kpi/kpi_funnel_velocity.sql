with

months as (

    {{ kpi_months() }}

),

leads as (

    select
        lead_id,
        channel_id,
        created_month,
        created_at,
        mql_at,
        is_mql_inferred,
        sql_at,
        is_sql_inferred,
        opportunity_at,
        first_opportunity_id
    from {{ ref('fct_leads') }}

),

opportunities as (

    select
        opportunity_id,
        is_closed,
        days_to_close
    from {{ ref('fct_opportunities') }}

),

-- whole UTC days between two stages; a skipped (inferred) stage has no duration of its own, so a step
-- that starts or ends at an inferred stage is left out
stage_durations as (

    select
        leads.lead_id,
        leads.channel_id,
        leads.created_month,
        case
            when leads.mql_at is not null and not leads.is_mql_inferred
                then {{ dbt.datediff('cast(leads.created_at as date)', 'cast(leads.mql_at as date)', 'day') }}
        end as days_lead_to_mql,
        case
            when leads.sql_at is not null and not leads.is_mql_inferred and not leads.is_sql_inferred
                then {{ dbt.datediff('cast(leads.mql_at as date)', 'cast(leads.sql_at as date)', 'day') }}
        end as days_mql_to_sql,
        case
            when leads.opportunity_at is not null and not leads.is_sql_inferred
                then {{ dbt.datediff('cast(leads.sql_at as date)', 'cast(leads.opportunity_at as date)', 'day') }}
        end as days_sql_to_opportunity,
        -- the lead's first deal, from its creation to its final close (won or lost) as of the as-of date
        case when opportunities.is_closed then opportunities.days_to_close end as days_opportunity_to_close
    from leads
    left join opportunities
        on leads.first_opportunity_id = opportunities.opportunity_id

),

durations_by_dimension as (

    select
        stage_durations.*,
        'total' as dimension_type,
        'all' as dimension_value
    from stage_durations
    union all
    select
        stage_durations.*,
        'channel' as dimension_type,
        stage_durations.channel_id as dimension_value
    from stage_durations

),

velocity as (

    select
        created_month as period_month,
        dimension_type,
        dimension_value,
        count(days_lead_to_mql) as lead_to_mql_leads,
        {{ percentile_cont('days_lead_to_mql') }} as median_days_lead_to_mql,
        count(days_mql_to_sql) as mql_to_sql_leads,
        {{ percentile_cont('days_mql_to_sql') }} as median_days_mql_to_sql,
        count(days_sql_to_opportunity) as sql_to_opportunity_leads,
        {{ percentile_cont('days_sql_to_opportunity') }} as median_days_sql_to_opportunity,
        count(days_opportunity_to_close) as opportunity_to_close_deals,
        {{ percentile_cont('days_opportunity_to_close') }} as median_days_opportunity_to_close
    from durations_by_dimension
    group by created_month, dimension_type, dimension_value

),

dimensions as (

    select distinct
        dimension_type,
        dimension_value
    from durations_by_dimension

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
        coalesce(velocity.lead_to_mql_leads, 0) as lead_to_mql_leads,
        velocity.median_days_lead_to_mql,
        coalesce(velocity.mql_to_sql_leads, 0) as mql_to_sql_leads,
        velocity.median_days_mql_to_sql,
        coalesce(velocity.sql_to_opportunity_leads, 0) as sql_to_opportunity_leads,
        velocity.median_days_sql_to_opportunity,
        coalesce(velocity.opportunity_to_close_deals, 0) as opportunity_to_close_deals,
        velocity.median_days_opportunity_to_close
    from spine
    left join velocity
        on
            spine.period_month = velocity.period_month
            and spine.dimension_type = velocity.dimension_type
            and spine.dimension_value = velocity.dimension_value

)

select * from final
