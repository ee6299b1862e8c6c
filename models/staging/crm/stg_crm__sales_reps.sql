with

source as (

    select * from {{ ref('crm_sales_reps') }}

),

renamed as (

    select
        -- ids
        {{ clean_string('rep_id') }} as rep_id,

        -- strings
        {{ clean_string('rep_name') }} as rep_name,
        {{ clean_enum('role') }} as role,

        -- dates
        {{ to_date('hired_date') }} as hired_date,
        {{ to_date('terminated_date') }} as terminated_date

    from source

)

select * from renamed
