with

ads as (

    select * from {{ ref('stg_ads__ads') }}

),

campaigns as (

    select
        campaign_id,
        channel_id
    from {{ ref('stg_ads__campaigns') }}

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
