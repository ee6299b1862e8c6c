{#-
    Incremental per opportunity (issue 27): a deal's state as of the as-of date is a function of its own row
    and all its stage events. A refresh recomputes, from all their events, the deals with anything in the
    window (from the latest created_date held minus incremental_lookback_days, to the as-of date): created,
    a stage change, a close (a deal without stage history closes on its close_date), or their lead created
    (a deal whose lead arrives after it passes the contract then). Sales reps and teams, and FX rates, are
    read whole; a change to them before the window needs a full refresh (docs/architecture.md, "Limits").
-#}
{{ config(
    materialized='incremental',
    unique_key='opportunity_id',
    incremental_strategy=keyed_incremental_strategy(),
    partition_by=keyed_incremental_partition(),
) }}
{% call keyed_incremental_rows('opportunity_id') -%}
-- depends_on: {{ ref('int_as_of_date') }}
-- depends_on: {{ ref('stg_crm__leads') }}

with

{% if is_incremental() -%}
{%- set window_start = incremental_window_start('created_date') %}
affected_opportunities as (

    select opportunity_id
    from {{ ref('int_opportunities_checked') }}
    where
        (created_date >= {{ window_start }} and created_date <= {{ as_of_date() }})
        or (close_date >= {{ window_start }} and close_date <= {{ as_of_date() }})
        or lead_id in (
            select new_leads.lead_id from {{ ref('stg_crm__leads') }} as new_leads
            where new_leads.created_date >= {{ window_start }} and new_leads.created_date <= {{ as_of_date() }}
        )

    union

    select opportunity_id
    from {{ ref('int_opportunity_stage_history_checked') }}
    where changed_date >= {{ window_start }} and changed_date <= {{ as_of_date() }}

),

{% endif -%}
opportunities as (

    select * from {{ ref('int_opportunities_checked') }}
    where created_date <= {{ as_of_date() }}
    {%- if is_incremental() %}
        and opportunity_id in (select affected_opportunities.opportunity_id from affected_opportunities)
    {%- endif %}

),

stage_events as (

    select
        stage_event_id,
        opportunity_id,
        stage,
        changed_at,
        changed_date,
        owner_rep_id,
        stage in ('closed_won', 'closed_lost') as is_closing_stage
    from {{ ref('int_opportunity_stage_history_checked') }}
    where changed_date <= {{ as_of_date() }}
    {%- if is_incremental() %}
        and opportunity_id in (select affected_opportunities.opportunity_id from affected_opportunities)
    {%- endif %}

),

rep_team_history as (

    select * from {{ ref('int_rep_team_history') }}

),

-- the latest stage entered; two events at the same time (a won and a lost one at the final close) are
-- told apart by the opportunity's own current stage, then by stage_event_id (docs: the tie rule)
stage_events_ranked as (

    select
        stage_events.stage_event_id,
        stage_events.opportunity_id,
        stage_events.stage,
        stage_events.changed_at,
        stage_events.changed_date,
        stage_events.owner_rep_id,
        stage_events.is_closing_stage,
        row_number() over (
            partition by stage_events.opportunity_id
            order by
                stage_events.changed_at desc,
                case when stage_events.stage = opportunities.stage then 0 else 1 end,
                stage_events.stage_event_id desc
        ) as recency_rank
    from stage_events
    left join opportunities
        on stage_events.opportunity_id = opportunities.opportunity_id

),

stage_summary as (

    select
        opportunity_id,
        sum(case when is_closing_stage then 1 else 0 end) as close_count,
        min(case when is_closing_stage then changed_at end) as first_closed_at,
        min(changed_at) as first_changed_at
    from stage_events
    group by opportunity_id

),

-- re-opened: an open stage entered after a close
reopen_events as (

    select
        stage_events.opportunity_id,
        count(*) as reopen_count
    from stage_events
    inner join stage_summary
        on stage_events.opportunity_id = stage_summary.opportunity_id
    where
        not stage_events.is_closing_stage
        and stage_events.changed_at > stage_summary.first_closed_at
    group by stage_events.opportunity_id

),

-- opportunities with a stage history at all (any date)
opportunities_with_history as (

    select distinct opportunity_id
    from {{ ref('int_opportunity_stage_history_checked') }}
    {%- if is_incremental() %}
    where opportunity_id in (select affected_opportunities.opportunity_id from affected_opportunities)
    {%- endif %}

),

-- an opportunity without any stage event (an export without stage history):
-- its own stage, closed on its close_date when that is on or before the as-of
-- date; a close after the as-of date leaves it open at an unknown open stage, and its owner is the owner
-- at close (a closed stage without a close_date is quarantined: contract rule required_when)
snapshot_stages as (

    select
        opportunities.opportunity_id,
        case
            when opportunities.stage not in ('closed_won', 'closed_lost') then opportunities.stage
            when opportunities.close_date <= {{ as_of_date() }} then opportunities.stage
        end as stage,
        opportunities.close_at as changed_at,
        opportunities.close_date as changed_date,
        opportunities.owner_rep_id,
        coalesce(
            opportunities.stage in ('closed_won', 'closed_lost')
            and opportunities.close_date <= {{ as_of_date() }},
            false
        ) as is_closing_stage
    from opportunities
    left join opportunities_with_history
        on opportunities.opportunity_id = opportunities_with_history.opportunity_id
    where opportunities_with_history.opportunity_id is null

),

-- the state as of the as-of date is the latest stage entered; a deal closed,
-- re-opened and closed again counts once, at its final close
final_stage as (

    select
        opportunity_id,
        stage,
        changed_at,
        changed_date,
        owner_rep_id,
        is_closing_stage
    from stage_events_ranked
    where recency_rank = 1

    union all

    select
        opportunity_id,
        stage,
        changed_at,
        changed_date,
        owner_rep_id,
        is_closing_stage
    from snapshot_stages

),

-- an export without a created time: the first stage change, else the close (already in created_at)
created as (

    select
        opportunities.opportunity_id,
        case
            when opportunities.is_created_at_missing and stage_summary.first_changed_at < opportunities.created_at
                then stage_summary.first_changed_at
            else opportunities.created_at
        end as created_at
    from opportunities
    left join stage_summary
        on opportunities.opportunity_id = stage_summary.opportunity_id

),

enriched as (

    select
        opportunities.opportunity_id,
        opportunities.lead_id,
        opportunities.opportunity_name,
        created.created_at,
        cast(created.created_at as date) as created_date,
        coalesce(final_stage.stage, 'prospecting') as stage_as_of,
        case final_stage.stage
            when 'closed_won' then 'won'
            when 'closed_lost' then 'lost'
            else 'open'
        end as status,
        coalesce(final_stage.is_closing_stage, false) as is_closed,
        coalesce(final_stage.stage = 'closed_won', false) as is_won,
        case when final_stage.is_closing_stage then final_stage.changed_at end as closed_at,
        case when final_stage.is_closing_stage then final_stage.changed_date end as close_date,
        coalesce(reopen_events.reopen_count, 0) > 0 as was_reopened,
        coalesce(stage_summary.close_count, case when final_stage.is_closing_stage then 1 else 0 end) as close_count,
        case when final_stage.is_closing_stage then final_stage.owner_rep_id end as owner_rep_id_at_close,
        opportunities.owner_rep_id as current_owner_rep_id,
        case when final_stage.stage = 'closed_lost' then opportunities.lost_reason end as lost_reason,
        cast(opportunities.amount as numeric(20, 6)) as amount,
        opportunities.currency
    from opportunities
    inner join created
        on opportunities.opportunity_id = created.opportunity_id
    left join final_stage
        on opportunities.opportunity_id = final_stage.opportunity_id
    left join stage_summary
        on opportunities.opportunity_id = stage_summary.opportunity_id
    left join reopen_events
        on opportunities.opportunity_id = reopen_events.opportunity_id

),

final as (

    select
        enriched.opportunity_id,
        enriched.lead_id,
        enriched.opportunity_name,
        enriched.created_at,
        enriched.created_date,
        enriched.stage_as_of,
        enriched.status,
        enriched.is_closed,
        enriched.is_won,
        enriched.closed_at,
        enriched.close_date,
        enriched.was_reopened,
        enriched.close_count,
        enriched.owner_rep_id_at_close,
        team_at_close.team_id as team_id_at_close,
        enriched.current_owner_rep_id,
        enriched.lost_reason,
        {{ dbt.datediff('enriched.created_date', 'enriched.close_date', 'day') }} as days_to_close, -- noqa: LT05
        enriched.amount,
        enriched.currency,
        {{ to_reporting_currency('enriched.amount', 'enriched.currency', 'fx_at_created') }}
            as amount_reporting_at_created,
        cast(
            case
                when enriched.is_closed
                    then {{ to_reporting_currency('enriched.amount', 'enriched.currency', 'fx_at_close') }}
            end
            as numeric(20, 6)
        ) as amount_reporting_at_close
    from enriched
    left join rep_team_history as team_at_close
        on
            enriched.owner_rep_id_at_close = team_at_close.rep_id
            and enriched.close_date >= team_at_close.valid_from
            and (enriched.close_date < team_at_close.valid_to or team_at_close.valid_to is null)
    {{ join_fx_rate('fx_at_created', 'enriched.currency', 'enriched.created_date') }}
    {{ join_fx_rate('fx_at_close', 'enriched.currency', 'enriched.close_date') }}

)

select * from final
{%- endcall %}
