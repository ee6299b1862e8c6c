{#-
    One row per funnel activity of a lead: the lead created, a status change,
    an opportunity created, a stage change of one of its opportunities, the
    close of a closed one (no touches: int_lead_activity adds them). A view: int_lead_lifecycle reads
    the leads with funnel activity on or after its window start from it
    (leads_with_activity_since), so the lifecycle does not wait for the
    touchpoints' checks, and the date filter reaches the scans below.
-#}
{{ config(materialized='table' if target.type == 'spark' else 'view') }}

with

leads as (

    select
        lead_id,
        created_date
    from {{ ref('stg_crm__leads') }}

),

status_events as (

    select
        status_event_id,
        lead_id,
        changed_date
    from {{ ref('stg_crm__lead_status_history') }}

),

opportunities as (

    select
        opportunity_id,
        lead_id,
        created_date,
        stage,
        close_date
    from {{ ref('int_opportunities_checked') }}

),

stage_events as (

    select
        stage_event_id,
        opportunity_id,
        changed_date
    from {{ ref('int_opportunity_stage_history_checked') }}

),

unioned as (

    select
        lead_id,
        'lead_created' as activity_type,
        created_date as activity_date,
        lead_id as activity_id
    from leads

    union all

    select
        lead_id,
        'status_change' as activity_type,
        changed_date as activity_date,
        status_event_id as activity_id
    from status_events

    union all

    select
        lead_id,
        'opportunity_created' as activity_type,
        created_date as activity_date,
        opportunity_id as activity_id
    from opportunities

    union all

    select
        opportunities.lead_id,
        'stage_change' as activity_type,
        stage_events.changed_date as activity_date,
        stage_events.stage_event_id as activity_id
    from stage_events
    inner join opportunities
        on stage_events.opportunity_id = opportunities.opportunity_id

    union all

    -- a closed deal's close: a deal without stage history closes on its close_date once the as-of date
    -- passes it, with no event on that day (the lead's lifecycle and its deal_won conversion change then)
    select
        lead_id,
        'opportunity_closed' as activity_type,
        close_date as activity_date,
        opportunity_id as activity_id
    from opportunities
    where stage in ('closed_won', 'closed_lost') and close_date is not null

)

select * from unioned
