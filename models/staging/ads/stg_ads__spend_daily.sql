with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('ads_spend_daily') | indent(4) }}

),

renamed as (

    select
        -- ids
        {{ clean_string('spend_id') }} as spend_id,
        {{ clean_string('campaign_id') }} as campaign_id,
        {{ clean_string('ad_id') }} as ad_id,

        -- strings
        {{ clean_currency('currency') }} as currency,

        -- numerics
        typed__spend_amount as spend_amount,
        typed__impressions as impressions,
        typed__clicks as clicks,

        -- dates
        typed__spend_date as spend_date

    from source

)

select * from renamed
