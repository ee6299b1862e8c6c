with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('ref_utm_channel_map') | indent(4) }}

),

renamed as (

    select
        -- ids
        {{ clean_string('channel_id') }} as channel_id,

        -- strings
        {{ clean_enum('utm_source') }} as utm_source,
        {{ clean_enum('utm_medium') }} as utm_medium

    from source

)

select * from renamed
