-- Google Ads account_history: the latest version of each customer (account, by updated_at), its currency code
-- upper-cased.
{{ config(enabled=vendor_adapter_enabled('google_ads')) }}
{{ vendor_staging('google_ads', 'account_history', ['id', 'updated_at:timestamp', 'currency_code'], {
    'customer_id': vendor_text('id'),
    'currency': 'upper(trim(' ~ vendor_text('currency_code') ~ '))',
}, key=['customer_id'], version_by='updated_at') }}
