-- Salesforce DatedConversionRate -> the raw layout of finance_fx_rates (text; typed and checked by
-- base_finance__fx_rates). A dated rate is ConversionRate units of IsoCode per unit of the corporate currency
-- (var salesforce_corporate_currency) from StartDate until the next one: one contract row at its start date (the
-- contract uses the latest rate on or before a day). The first range of each currency starts before any real
-- date (Salesforce writes year 0 or 1): a range that starts before the plausible window (var plausible_date_min,
-- whose earlier dates the contract quarantines) is dated at its start, and of several such ranges of a currency
-- only the last one is kept (the earlier ones cover no plausible day). The corporate currency's own rows (rate 1) are
-- kept; the FX layer ignores a currency quoted against itself. A table of the contract's layout in the raw schema
-- is added to these rates (base_finance__fx_rates reads both).
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}

with

rates as (

    select
        id,
        iso_code,
        conversion_rate,
        start_date,
        _fivetran_deleted
    from {{ ref('stg_salesforce__dated_conversion_rate') }}

),

live_rates as (

    select
        iso_code,
        conversion_rate,
        -- ISO text: year 0 or 1 compares before any plausible date
        {{ vendor_text('start_date') }} as start_date
    from rates
    where not {{ vendor_is_true('_fivetran_deleted') }}

),

first_plausible_starts as (

    -- per currency, the last range that starts before the plausible window
    select
        iso_code,
        max(start_date) as start_date
    from live_rates
    where start_date < '{{ plausible_date("min", false) }}'
    group by iso_code

),

mapped as (

    select
        -- dates
        case
            when live_rates.start_date < '{{ plausible_date("min", false) }}'
                then '{{ plausible_date("min", false) }}'
            else {{ vendor_date_text('live_rates.start_date') }}
        end as rate_date,

        -- strings
        '{{ adapter_setting("salesforce_corporate_currency") | upper }}' as from_currency,
        upper(trim({{ vendor_text('live_rates.iso_code') }})) as to_currency,

        -- numerics
        {{ vendor_number_text('live_rates.conversion_rate') }} as rate

    from live_rates
    left join first_plausible_starts
        on live_rates.iso_code = first_plausible_starts.iso_code
    where
        live_rates.start_date >= '{{ plausible_date("min", false) }}'
        or live_rates.start_date = first_plausible_starts.start_date

)

select * from mapped
