with

campaigns as (

    select * from {{ ref('stg_ads__campaigns') }}

),

final as (

    select
        campaign_id,
        campaign_name,
        channel_id,
        utm_campaign,
        objective,
        start_date,
        end_date
    from campaigns

)

select * from final
