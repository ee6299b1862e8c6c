-- Salesforce DatedConversionRate -> the raw layout of finance_fx_rates (text; typed and checked by
-- base_finance__fx_rates). A dated rate is ConversionRate units of IsoCode per unit of the corporate currency
-- (var salesforce_corporate_currency) from StartDate until the next one: one contract row at its start date (the
-- contract uses the latest rate on or before a day). The first range of each currency starts before any real
-- date (Salesforce writes year 0 or 1): it is dated 1900-01-01. The corporate currency's own rows (rate 1) are
-- kept; the FX layer ignores a currency quoted against itself. A table of the contract's layout in the raw schema
-- is added to these rates (base_finance__fx_rates reads both).

with

rates as (

    {{ vendor_table('salesforce', 'dated_conversion_rate', [
        'id', 'iso_code', 'conversion_rate:double', 'start_date:date', '_fivetran_deleted:boolean',
    ]) | indent(4) }}

),

mapped as (

    select
        -- dates
        case
            when {{ vendor_text('start_date') }} < '1900-01-01' then '1900-01-01'
            else {{ vendor_date_text('start_date') }}
        end as rate_date,

        -- strings
        '{{ adapter_setting("salesforce_corporate_currency") | upper }}' as from_currency,
        upper(trim({{ vendor_text('iso_code') }})) as to_currency,

        -- numerics
        {{ vendor_number_text('conversion_rate') }} as rate

    from rates
    where not {{ vendor_is_true('_fivetran_deleted') }}

)

select * from mapped
