with

ads as (

    select * from {{ ref('int_ads_checked') }}

),

campaigns as (

    select
        campaign_id,
        channel_id
    from {{ ref('int_campaigns_checked') }}

),

final as (

    select
        ads.ad_id,
        ads.campaign_id,
        campaigns.channel_id,
        ads.ad_name,
        ads.ad_format
    from ads
    left join campaigns
        on ads.campaign_id = campaigns.campaign_id

)

select * from final
