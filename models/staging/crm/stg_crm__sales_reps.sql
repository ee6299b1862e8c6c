with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_crm_sales_reps') }}
    where dq_rule is null

),

renamed as (

    select
        -- ids
        {{ clean_string('rep_id') }} as rep_id,

        -- strings
        {{ clean_string('rep_name') }} as rep_name,
        {{ clean_enum('role') }} as role,

        -- dates
        typed__hired_date as hired_date,
        typed__terminated_date as terminated_date

    from source

)

select * from renamed
