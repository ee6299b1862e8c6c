with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('mkt_touchpoints') | indent(4) }}

),

renamed as (

    select
        -- ids
        {{ clean_string('touchpoint_id') }} as touchpoint_id,
        {{ clean_string('lead_id') }} as lead_id,
        {{ clean_string('ad_id') }} as ad_id,

        -- strings
        {{ clean_enum('touch_type') }} as touch_type,
        {{ clean_enum('utm_source') }} as utm_source,
        {{ clean_enum('utm_medium') }} as utm_medium,
        {{ clean_enum('utm_campaign') }} as utm_campaign,

        -- timestamps
        typed__touched_at as touched_at,
        cast(typed__touched_at as date) as touched_date

    from source

)

select * from renamed
