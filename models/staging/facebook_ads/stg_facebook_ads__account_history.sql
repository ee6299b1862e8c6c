-- Meta account_history: the latest version of each ad account (by _fivetran_synced), its currency upper-cased.
{{ config(enabled=vendor_adapter_enabled('facebook_ads')) }}
{{ vendor_staging('facebook_ads', 'account_history', ['id', '_fivetran_synced:timestamp', 'currency'], {
    'account_id': vendor_text('id'),
    'currency': 'upper(trim(' ~ vendor_text('currency') ~ '))',
}, key=['account_id'], version_by='_fivetran_synced') }}
