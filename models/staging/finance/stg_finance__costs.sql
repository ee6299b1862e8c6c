with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_finance_costs') }}
    where dq_rule is null

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
