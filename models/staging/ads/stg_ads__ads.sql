with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_ads_ads') }}
    where dq_rule is null

),

renamed as (

    select
        -- ids
        {{ clean_string('ad_id') }} as ad_id,
        {{ clean_string('campaign_id') }} as campaign_id,

        -- strings
        {{ clean_string('ad_name') }} as ad_name,
        {{ clean_enum('ad_format') }} as ad_format

    from source

)

select * from renamed
