with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('ads_campaigns') | indent(4) }}

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
