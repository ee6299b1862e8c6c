with

source as (

    select * from {{ ref('ref_kpi_targets') }}

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
