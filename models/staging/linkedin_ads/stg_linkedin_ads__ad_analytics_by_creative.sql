-- LinkedIn ad_analytics_by_creative: one row per synced row (creative and day); metrics as numbers and as synced
-- (<metric>_raw).
{{ config(enabled=vendor_adapter_enabled('linkedin_ads')) }}
{{ vendor_staging('linkedin_ads', 'ad_analytics_by_creative', [
    'creative_id', 'day:timestamp>report_day', 'cost_in_local_currency:double', 'impressions:bigint', 'clicks:bigint',
], {
    'creative_id': vendor_text('creative_id'),
    'date_day': 'cast(' ~ vendor_timestamp('report_day') ~ ' as date)',
}, metrics=['cost_in_local_currency', 'impressions', 'clicks']) }}
