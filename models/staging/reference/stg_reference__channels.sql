with

source as (

    select * from {{ ref('ref_channels') }}

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
