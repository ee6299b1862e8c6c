-- Google Ads ad_stats: one row per synced row (ad and day, segmented by device and network); metrics as numbers
-- and as synced (<metric>_raw).
{{ config(enabled=vendor_adapter_enabled('google_ads')) }}
{{ vendor_staging('google_ads', 'ad_stats', [
    'customer_id', 'date:date>stat_date', 'ad_group_id', 'ad_id', 'campaign_id', 'cost_micros:bigint',
    'impressions:bigint', 'clicks:bigint',
], {
    'customer_id': vendor_text('customer_id'),
    'date_day': 'cast(' ~ vendor_timestamp('stat_date') ~ ' as date)',
    'campaign_id': vendor_text('campaign_id'),
    'ad_group_id': vendor_text('ad_group_id'),
    'ad_id': vendor_text('ad_id'),
}, metrics=['cost_micros', 'impressions', 'clicks']) }}
