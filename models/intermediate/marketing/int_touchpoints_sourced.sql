with

touchpoints as (

    select * from {{ ref('stg_marketing__touchpoints') }}
    where touched_date <= {{ as_of_date() }}

),

campaigns as (

    select
        campaign_id,
        utm_campaign
    from {{ ref('stg_ads__campaigns') }}

),

ads as (

    select
        ad_id,
        campaign_id
    from {{ ref('stg_ads__ads') }}

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
