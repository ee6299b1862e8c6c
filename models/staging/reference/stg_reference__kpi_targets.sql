with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('ref_kpi_targets') | indent(4) }}

),

renamed as (

    select
        -- strings
        {{ clean_string('kpi_name') }} as kpi_name,
        {{ clean_enum('dimension_type') }} as dimension_type,
        {{ clean_string('dimension_value') }} as dimension_value,

        -- numerics
        typed__target_value as target_value,

        -- dates
        typed__target_month as target_month

    from source

)

select * from renamed
