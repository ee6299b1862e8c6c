with

source as (

    select * from {{ ref('ads_ads') }}

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
