{#-
    Incremental per lead: touch_sequence numbers all touches of a lead, and a
    lead's earlier touches appear only once the lead is created. A run
    recomputes every lead with a touch, or created, in the last
    incremental_lookback_days days before the latest touched_date held
    (delete+insert on lead_id: all rows of those leads are replaced).
    The refresh window recorded for the data-quality step therefore starts at
    the earliest touch of those leads (macros/incremental/refresh_windows.sql).
-#}
{{ config(
    materialized='incremental',
    unique_key='lead_id',
    incremental_strategy=keyed_incremental_strategy(),
    partition_by=keyed_incremental_partition(),
    pre_hook="{{ record_refresh_window('touched_date', start_query=touchpoints_rewrite_start()) }}",
) }}
{% call keyed_incremental_rows('lead_id') -%}

with

{% if is_incremental() -%}
    {%- set window_start = incremental_window_start('touched_date') %}
-- leads whose touches may have changed: a touch in the window, or created in the window
affected_leads as (

    select lead_id
    from {{ ref('int_touchpoints_sourced') }}
    where touched_date >= {{ window_start }}
    union
    select lead_id
    from {{ ref('int_leads_sourced') }}
    where created_date >= {{ window_start }}

),

{% endif -%}
touchpoints as (

    select * from {{ ref('int_touchpoints_sourced') }}
    {%- if is_incremental() %}
        where lead_id in (select affected_leads.lead_id from affected_leads)
    {%- endif %}

),

-- touches of leads that exist as of the as-of date (a lead created later is not known yet)
leads as (

    select lead_id from {{ ref('int_leads_sourced') }}
    {%- if is_incremental() %}
        where lead_id in (select affected_leads.lead_id from affected_leads)
    {%- endif %}

),

final as (

    select
        touchpoints.touchpoint_id,
        touchpoints.lead_id,
        touchpoints.touched_at,
        touchpoints.touched_date,
        touchpoints.touch_type,
        touchpoints.channel_id,
        touchpoints.campaign_id,
        touchpoints.ad_id,
        touchpoints.utm_source,
        touchpoints.utm_medium,
        touchpoints.utm_campaign,
        row_number() over (
            partition by touchpoints.lead_id
            order by touchpoints.touched_at, touchpoints.touchpoint_id
        ) as touch_sequence
    from touchpoints
    inner join leads
        on touchpoints.lead_id = leads.lead_id

)

select * from final
{%- endcall %}
