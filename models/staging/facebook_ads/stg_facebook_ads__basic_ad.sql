-- Meta basic_ad report: one row per synced row (ad, account, day); metrics as numbers and as synced (<metric>_raw).
{{ config(enabled=vendor_adapter_enabled('facebook_ads')) }}
{{ vendor_staging('facebook_ads', 'basic_ad', [
    'ad_id', 'date:date>report_date', 'account_id', 'spend:double', 'impressions:bigint', 'inline_link_clicks:bigint',
], {
    'ad_id': vendor_text('ad_id'),
    'account_id': vendor_text('account_id'),
    'date_day': 'cast(' ~ vendor_timestamp('report_date') ~ ' as date)',
}, metrics=['spend', 'impressions', 'inline_link_clicks']) }}
