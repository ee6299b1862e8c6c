-- Google Ads ad_group_history: the latest version of each ad group (by updated_at): its campaign.
{{ config(enabled=vendor_adapter_enabled('google_ads')) }}
{{ vendor_staging('google_ads', 'ad_group_history', ['id', 'updated_at:timestamp', 'campaign_id'], {
    'ad_group_id': vendor_text('id'),
    'campaign_id': vendor_text('campaign_id'),
}, key=['ad_group_id'], version_by='updated_at') }}
