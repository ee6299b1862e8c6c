-- Meta campaign_history: the latest version of each campaign (by updated_time); times as UTC timestamps.
{{ config(enabled=vendor_adapter_enabled('facebook_ads')) }}
{{ vendor_staging('facebook_ads', 'campaign_history', [
    'id', 'updated_time:timestamp', 'name', 'objective', 'start_time:timestamp', 'stop_time:timestamp',
    'created_time:timestamp',
], {
    'campaign_id': vendor_text('id'),
    'campaign_name': vendor_text('name'),
    'objective': vendor_text('objective'),
    'start_time': vendor_timestamp('start_time'),
    'stop_time': vendor_timestamp('stop_time'),
    'created_time': vendor_timestamp('created_time'),
}, key=['campaign_id'], version_by='updated_time') }}
