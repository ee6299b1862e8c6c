with

leads as (

    select * from {{ ref('stg_crm__leads') }}
    where created_date <= {{ as_of_date() }}

),

campaigns as (

    select
        campaign_id,
        utm_campaign
    from {{ ref('stg_ads__campaigns') }}

),

final as (

    select
        leads.lead_id,
        leads.created_at,
        leads.created_date,
        leads.company_name,
        leads.country,
        leads.segment,
        leads.industry,
        leads.utm_source,
        leads.utm_medium,
        leads.utm_campaign,
        {{ utm_channel_id('leads') }} as channel_id,
        campaigns.campaign_id
    from leads
    {{ join_utm_channel_map('leads') }}
    left join campaigns
        on leads.utm_campaign = campaigns.utm_campaign

)

select * from final
