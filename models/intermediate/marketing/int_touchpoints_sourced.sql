{#-
    Incremental (one row per touchpoint, nothing depends on other rows): a run
    reprocesses the touches of the last incremental_lookback_days days before
    the latest touched_date held, up to the as-of date, plus every touch of the
    leads created in that window (a touch of a lead not created yet is held
    back in quarantine, so a new lead's older touches appear with it);
    delete+insert on touchpoint_id. A changed campaign, ad or utm mapping
    needs --full-refresh.
-#}
{{ config(
    materialized='incremental',
    unique_key='touchpoint_id',
    incremental_strategy=keyed_incremental_strategy(),
    partition_by=keyed_incremental_partition(),
) }}
{% call keyed_incremental_rows('touchpoint_id') -%}
-- depends_on: {{ ref('stg_crm__leads') }}

with

touchpoints as (

    select * from {{ ref('int_touchpoints_checked') }}
    where touched_date <= {{ as_of_date() }}
    {%- if is_incremental() %}
        {%- set window_start = incremental_window_start('touched_date') %}
        and (
            touched_date >= {{ window_start }}
            or lead_id in (
                select new_leads.lead_id
                from {{ ref('stg_crm__leads') }} as new_leads
                where new_leads.created_date >= {{ window_start }}
            )
        )
    {%- endif %}

),

campaigns as (

    select
        campaign_id,
        utm_campaign
    from {{ ref('int_campaigns_checked') }}

),

ads as (

    select
        ad_id,
        campaign_id
    from {{ ref('int_ads_checked') }}

),

final as (

    select
        touchpoints.touchpoint_id,
        touchpoints.lead_id,
        touchpoints.touched_at,
        touchpoints.touched_date,
        touchpoints.touch_type,
        touchpoints.utm_source,
        touchpoints.utm_medium,
        touchpoints.utm_campaign,
        touchpoints.ad_id,
        {{ utm_channel_id('touchpoints') }} as channel_id,
        -- an ad click belongs to the ad's campaign, whatever its utm_campaign says
        coalesce(ads.campaign_id, campaigns.campaign_id) as campaign_id
    from touchpoints
    {{ join_utm_channel_map('touchpoints') }}
    left join ads
        on touchpoints.ad_id = ads.ad_id
    left join campaigns
        on touchpoints.utm_campaign = campaigns.utm_campaign

)

select * from final
{%- endcall %}
