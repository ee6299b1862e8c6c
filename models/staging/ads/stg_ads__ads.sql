with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('ads_ads') | indent(4) }}

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
