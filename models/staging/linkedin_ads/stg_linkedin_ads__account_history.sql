-- LinkedIn account_history: the latest version of each ad account (by last_modified_time), its currency
-- upper-cased.
{{ config(enabled=vendor_adapter_enabled('linkedin_ads')) }}
{{ vendor_staging('linkedin_ads', 'account_history', ['id', 'currency', 'last_modified_time:timestamp'], {
    'account_id': vendor_text('id'),
    'currency': 'upper(trim(' ~ vendor_text('currency') ~ '))',
}, key=['account_id'], version_by='last_modified_time') }}
