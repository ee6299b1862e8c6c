with

source as (

    -- clean rows only; rows that break a contract rule are in quarantine (docs/quarantine.md)
    select * from {{ ref('chk_billing_subscription_events') }}
    where dq_rule is null

),

renamed as (

    select
        -- ids
        {{ clean_string('subscription_event_id') }} as subscription_event_id,
        {{ clean_string('customer_id') }} as customer_id,
        {{ clean_string('subscription_id') }} as subscription_id,

        -- strings
        {{ clean_enum('event_type') }} as event_type,
        {{ clean_currency('currency') }} as currency,

        -- numerics
        typed__mrr_amount as mrr_amount,

        -- dates
        typed__event_date as event_date

    from source

)

select * from renamed
