with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_ads_spend_daily') }}
    where dq_rule is null

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
