{#-
    Incremental per lead: a lead's lifecycle changes whenever one of its status
    events or deals changes. A run recomputes, from all their events, the leads
    with any activity (created, status change, opportunity created or stage
    change) in the last incremental_lookback_days days before the latest
    created date held (delete+insert on lead_id).
-#}
{{ config(
    materialized='incremental',
    unique_key='lead_id',
    incremental_strategy=keyed_incremental_strategy(),
    partition_by=keyed_incremental_partition(),
) }}
{% call keyed_incremental_rows('lead_id') -%}
-- depends_on: {{ ref('int_lead_funnel_activity') }}

with

{% if is_incremental() -%}
affected_leads as (

    {{ leads_with_activity_since(incremental_window_start('cast(created_at as date)')) }}

),

{% endif -%}
leads as (

    select
        lead_id,
        created_at
    from {{ ref('stg_crm__leads') }}
    where created_date <= {{ as_of_date() }}
    {%- if is_incremental() %}
        and lead_id in (select affected_leads.lead_id from affected_leads)
    {%- endif %}

),

status_events as (

    select
        status_event_id,
        lead_id,
        status,
        changed_at,
        disqualification_reason
    from {{ ref('stg_crm__lead_status_history') }}
    where changed_date <= {{ as_of_date() }}
    {%- if is_incremental() %}
        and lead_id in (select affected_leads.lead_id from affected_leads)
    {%- endif %}

),

opportunities as (

    select
        opportunity_id,
        lead_id,
        created_at,
        status,
        is_won,
        closed_at
    from {{ ref('int_opportunities_enriched') }}
    {%- if is_incremental() %}
        where lead_id in (select affected_leads.lead_id from affected_leads)
    {%- endif %}

),

status_firsts as (

    select
        lead_id,
        min(case when status = 'mql' then changed_at end) as mql_event_at,
        min(case when status = 'sql' then changed_at end) as sql_event_at,
        min(case when status = 'opportunity' then changed_at end) as opportunity_event_at
    from status_events
    group by lead_id

),

latest_status as (

    select
        lead_id,
        status,
        changed_at,
        row_number() over (
            partition by lead_id
            order by changed_at desc, status_event_id desc
        ) as status_rank
    from status_events

),

latest_disqualification as (

    select
        lead_id,
        changed_at as disqualified_at,
        disqualification_reason,
        row_number() over (
            partition by lead_id
            order by changed_at desc, status_event_id desc
        ) as disqualification_rank
    from status_events
    where status = 'disqualified'

),

opportunities_ranked as (

    select
        lead_id,
        opportunity_id,
        created_at,
        row_number() over (
            partition by lead_id
            order by created_at, opportunity_id
        ) as opportunity_rank
    from opportunities

),

won_deals as (

    select
        lead_id,
        min(closed_at) as won_at
    from opportunities
    where is_won
    group by lead_id

),

joined as (

    select
        leads.lead_id,
        leads.created_at,
        status_firsts.mql_event_at,
        status_firsts.sql_event_at,
        -- the opportunity stage: the status event, else the first deal's creation
        coalesce(status_firsts.opportunity_event_at, first_opportunity.created_at) as opportunity_at,
        first_opportunity.opportunity_id as first_opportunity_id,
        latest_disqualification.disqualified_at,
        latest_disqualification.disqualification_reason,
        latest_status.status as latest_status,
        won_deals.won_at
    from leads
    left join status_firsts
        on leads.lead_id = status_firsts.lead_id
    left join latest_status
        on
            leads.lead_id = latest_status.lead_id
            and latest_status.status_rank = 1
    left join latest_disqualification
        on
            leads.lead_id = latest_disqualification.lead_id
            and latest_disqualification.disqualification_rank = 1
    left join opportunities_ranked as first_opportunity
        on
            leads.lead_id = first_opportunity.lead_id
            and first_opportunity.opportunity_rank = 1
    left join won_deals
        on leads.lead_id = won_deals.lead_id

),

final as (

    select
        lead_id,
        created_at,
        -- a lead that skipped MQL counts as MQL when it reached SQL (or, skipping both, opportunity)
        coalesce(mql_event_at, sql_event_at, opportunity_at) as mql_at,
        mql_event_at is null and coalesce(sql_event_at, opportunity_at) is not null as is_mql_inferred,
        coalesce(sql_event_at, opportunity_at) as sql_at,
        sql_event_at is null and opportunity_at is not null as is_sql_inferred,
        opportunity_at,
        first_opportunity_id,
        disqualified_at,
        disqualification_reason,
        coalesce(latest_status, 'new') as current_status,
        coalesce(mql_event_at, sql_event_at, opportunity_at) is not null as is_mql,
        coalesce(sql_event_at, opportunity_at) is not null as is_sql,
        opportunity_at is not null as is_opportunity,
        won_at is not null as is_won,
        won_at
    from joined

)

select * from final
{%- endcall %}
