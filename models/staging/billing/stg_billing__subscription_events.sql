{{ config(enabled=kpi_areas_enabled('billing')) }}
with

source as (

    -- the rows of base_ that break no contract rule, foreign keys and FX rates included; the others are in
    -- quarantine.quarantined_rows (docs/quarantine.md)
    {{ contract_clean_rows('billing_subscription_events') | indent(4) }}

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
