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
        {{ to_decimal('spend_amount', 18, 4) }} as spend_amount,
        {{ to_integer('impressions') }} as impressions,
        {{ to_integer('clicks') }} as clicks,

        -- dates
        {{ to_date('spend_date') }} as spend_date

    from source

)

select * from renamed
