with

source as (

    select * from {{ ref('finance_fx_rates') }}

),

renamed as (

    select
        -- strings
        {{ clean_currency('from_currency') }} as from_currency,
        {{ clean_currency('to_currency') }} as to_currency,

        -- numerics
        {{ to_decimal('rate', 18, 8) }} as rate,

        -- dates
        {{ to_date('rate_date') }} as rate_date

    from source

)

select * from renamed
