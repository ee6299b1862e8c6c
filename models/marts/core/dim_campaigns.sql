with

campaigns as (

    select * from {{ ref('int_campaigns_checked') }}

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
