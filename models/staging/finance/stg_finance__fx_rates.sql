with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('finance_fx_rates') | indent(4) }}

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
