with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_finance_fx_rates') }}
    where dq_rule is null

),

renamed as (

    select
        -- strings
        {{ clean_currency('from_currency') }} as from_currency,
        {{ clean_currency('to_currency') }} as to_currency,

        -- numerics
        typed__rate as rate,

        -- dates
        typed__rate_date as rate_date

    from source

)

select * from renamed
