{#-
    One row per lead and funnel stage it reached by the as-of date (lead,
    mql, sql, opportunity, won), with when it got there: the event view of
    the funnel for the semantic layer (the same stage events kpi_funnel
    counts). An MQL or SQL that the lead skipped is inferred at the later
    stage's time and flagged is_inferred, as in fct_leads.
-#}
{{ config(enabled=kpi_areas_enabled('semantic_layer')) }}
with

leads as (

    select
        lead_id,
        channel_id,
        campaign_id,
        segment,
        created_date,
        created_at,
        mql_at,
        is_mql_inferred,
        sql_at,
        is_sql_inferred,
        opportunity_at,
        won_at
    from {{ ref('fct_leads') }}

),

stage_events as (

    select
        lead_id,
        'lead' as funnel_stage,
        1 as stage_number,
        created_at as reached_at,
        false as is_inferred
    from leads
    union all
    select
        lead_id,
        'mql' as funnel_stage,
        2 as stage_number,
        mql_at as reached_at,
        coalesce(is_mql_inferred, false) as is_inferred
    from leads
    where mql_at is not null
    union all
    select
        lead_id,
        'sql' as funnel_stage,
        3 as stage_number,
        sql_at as reached_at,
        coalesce(is_sql_inferred, false) as is_inferred
    from leads
    where sql_at is not null
    union all
    select
        lead_id,
        'opportunity' as funnel_stage,
        4 as stage_number,
        opportunity_at as reached_at,
        false as is_inferred
    from leads
    where opportunity_at is not null
    union all
    select
        lead_id,
        'won' as funnel_stage,
        5 as stage_number,
        won_at as reached_at,
        false as is_inferred
    from leads
    where won_at is not null

),

final as (

    select
        {{ dbt.concat(['stage_events.lead_id', "':'", 'stage_events.funnel_stage']) }} as lead_funnel_event_id,
        stage_events.lead_id,
        leads.channel_id,
        leads.campaign_id,
        leads.segment,
        stage_events.funnel_stage,
        stage_events.stage_number,
        stage_events.is_inferred,
        stage_events.reached_at,
        cast(stage_events.reached_at as date) as reached_date,
        leads.created_date as lead_created_date
    from stage_events
    inner join leads
        on stage_events.lead_id = leads.lead_id

)

select * from final
