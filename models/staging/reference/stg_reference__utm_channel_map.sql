with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_ref_utm_channel_map') }}
    where dq_rule is null

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
