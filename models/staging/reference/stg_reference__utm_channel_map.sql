with

source as (

    select * from {{ ref('ref_utm_channel_map') }}

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
