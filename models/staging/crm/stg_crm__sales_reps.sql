with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('crm_sales_reps') | indent(4) }}

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
