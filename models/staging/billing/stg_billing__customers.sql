{{ config(enabled=kpi_areas_enabled('billing')) }}
with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('billing_customers') | indent(4) }}

),

renamed as (

    select
        -- ids
        {{ clean_string('customer_id') }} as customer_id,
        {{ clean_string('lead_id') }} as lead_id,
        {{ clean_string('opportunity_id') }} as opportunity_id,

        -- strings
        {{ clean_string('company_name') }} as company_name,
        {{ clean_code('country') }} as country,
        {{ clean_enum('segment') }} as segment,

        -- timestamps
        typed__created_at as created_at,
        cast(typed__created_at as date) as created_date

    from source

)

select * from renamed
