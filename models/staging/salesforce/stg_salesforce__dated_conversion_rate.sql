-- Salesforce DatedConversionRate (advanced currency management): dated rates against the corporate currency.
-- StartDate stays ISO text: Salesforce dates a currency's first range year 0 or 1, which the mapping compares as
-- text. Optional.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{{ vendor_record_staging('salesforce', 'dated_conversion_rate', [
    'id', 'iso_code', 'conversion_rate:double', 'start_date', '_fivetran_deleted:boolean',
]) }}
