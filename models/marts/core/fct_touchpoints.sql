with

touchpoints as (

    select * from {{ ref('int_touchpoints_sourced') }}

),

-- touches of leads that exist as of the as-of date (a lead created later is not known yet)
leads as (

    select lead_id from {{ ref('int_leads_sourced') }}

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
