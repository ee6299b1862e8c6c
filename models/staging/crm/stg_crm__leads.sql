with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('crm_leads') | indent(4) }}

),

renamed as (

    select
        -- ids
        {{ clean_string('lead_id') }} as lead_id,

        -- strings
        -- optional in real exports: typed__ holds the contract's default ('unknown') when empty or absent
        typed__company_name as company_name,
        typed__country as country,
        typed__segment as segment,
        {{ clean_string('industry') }} as industry,
        {{ clean_enum('utm_source') }} as utm_source,
        {{ clean_enum('utm_medium') }} as utm_medium,
        {{ clean_enum('utm_campaign') }} as utm_campaign,

        -- timestamps
        typed__created_at as created_at,
        cast(typed__created_at as date) as created_date

    from source

)

select * from renamed
