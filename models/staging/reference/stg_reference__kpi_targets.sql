with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_ref_kpi_targets') }}
    where dq_rule is null

),

renamed as (

    select
        -- strings
        {{ clean_string('kpi_name') }} as kpi_name,
        {{ clean_enum('dimension_type') }} as dimension_type,
        {{ clean_string('dimension_value') }} as dimension_value,

        -- numerics
        {{ to_decimal('target_value', 18, 4) }} as target_value,

        -- dates
        {{ to_date('target_month') }} as target_month

    from source

)

select * from renamed
