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
        typed__target_value as target_value,

        -- dates
        typed__target_month as target_month

    from source

)

select * from renamed
