with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_ads_campaigns') }}
    where dq_rule is null

),

renamed as (

    select
        -- ids
        {{ clean_string('campaign_id') }} as campaign_id,
        {{ clean_string('channel_id') }} as channel_id,

        -- strings
        {{ clean_string('campaign_name') }} as campaign_name,
        {{ clean_enum('utm_campaign') }} as utm_campaign,
        {{ clean_enum('objective') }} as objective,

        -- dates
        typed__start_date as start_date,
        typed__end_date as end_date

    from source

)

select * from renamed
