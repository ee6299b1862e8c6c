-- Meta ad_history: the latest version of each ad (by updated_time): its name, campaign and creative.
{{ config(enabled=vendor_adapter_enabled('facebook_ads')) }}
{{ vendor_staging('facebook_ads', 'ad_history', [
    'id', 'updated_time:timestamp', 'name', 'campaign_id', 'creative_id',
], {
    'ad_id': vendor_text('id'),
    'ad_name': vendor_text('name'),
    'campaign_id': vendor_text('campaign_id'),
    'creative_id': vendor_text('creative_id'),
}, key=['ad_id'], version_by='updated_time') }}
