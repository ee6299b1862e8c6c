{{ config(enabled=kpi_areas_enabled('finance')) }}
with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('finance_costs') | indent(4) }}

),

renamed as (

    select
        -- ids
        {{ clean_string('cost_id') }} as cost_id,

        -- strings
        {{ clean_enum('department') }} as department,
        {{ clean_enum('cost_category') }} as cost_category,
        {{ clean_currency('currency') }} as currency,

        -- numerics
        typed__amount as amount,

        -- dates
        typed__cost_month as cost_month

    from source

)

select * from renamed
