with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('ref_channels') | indent(4) }}

),

renamed as (

    select
        -- ids
        {{ clean_string('channel_id') }} as channel_id,

        -- strings
        {{ clean_string('channel_name') }} as channel_name,
        {{ clean_enum('channel_group') }} as channel_group,

        -- booleans
        {{ to_boolean('is_paid') }} as is_paid

    from source

)

select * from renamed
