-- Google Ads campaign_history: the latest version of each campaign (by updated_at); dates as dates.
{{ config(enabled=vendor_adapter_enabled('google_ads')) }}
{{ vendor_staging('google_ads', 'campaign_history', [
    'id', 'updated_at:timestamp', 'name', 'advertising_channel_type', 'start_date:date', 'end_date:date',
], {
    'campaign_id': vendor_text('id'),
    'campaign_name': vendor_text('name'),
    'advertising_channel_type': vendor_text('advertising_channel_type'),
    'start_date': 'cast(' ~ vendor_timestamp('start_date') ~ ' as date)',
    'end_date': 'cast(' ~ vendor_timestamp('end_date') ~ ' as date)',
}, key=['campaign_id'], version_by='updated_at') }}
