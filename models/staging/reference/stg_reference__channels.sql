with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_ref_channels') }}
    where dq_rule is null

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
