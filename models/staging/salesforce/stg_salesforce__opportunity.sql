-- Salesforce Opportunity: one row per synced opportunity, deletion flags kept. The org's lost reason field (var
-- salesforce_opportunity_lost_reason_field) as lost_reason. is_multi_currency_org: whether the table has
-- CurrencyIsoCode (the loader syncs it in a multi-currency org only), asked of the warehouse when the model is
-- compiled, so the mapping knows an empty currency from an org without currencies.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{%- set lost_reason_field = adapter_setting('salesforce_opportunity_lost_reason_field') or 'no_lost_reason_field' %}
{{ vendor_record_staging('salesforce', 'opportunity', [
    'id', 'is_deleted:boolean', '_fivetran_deleted:boolean', '_fivetran_active:boolean', 'name', 'owner_id',
    'created_date:timestamp', 'close_date:date', 'stage_name', 'probability:double', 'is_won:boolean',
    'is_closed:boolean', 'amount:double', 'currency_iso_code', lost_reason_field ~ '>lost_reason',
], {
    'is_multi_currency_org':
        'true' if vendor_has_column('salesforce', 'opportunity', 'currency_iso_code') else 'false',
}) }}
