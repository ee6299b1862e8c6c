-- Google Ads campaign_stats: one row per synced row (campaign and day, segmented); metrics as numbers and as
-- synced (<metric>_raw).
{{ config(enabled=vendor_adapter_enabled('google_ads')) }}
{{ vendor_staging('google_ads', 'campaign_stats', [
    'customer_id', 'date:date>stat_date', 'id', 'cost_micros:bigint', 'impressions:bigint', 'clicks:bigint',
], {
    'customer_id': vendor_text('customer_id'),
    'date_day': 'cast(' ~ vendor_timestamp('stat_date') ~ ' as date)',
    'campaign_id': vendor_text('id'),
}, metrics=['cost_micros', 'impressions', 'clicks']) }}
