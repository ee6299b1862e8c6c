-- LinkedIn creative_history: the latest version of each creative (by last_modified_at): its campaign, type and
-- the utm tags of its landing page (linkedin_creative_utm).
{{ config(enabled=vendor_adapter_enabled('linkedin_ads')) }}
{{ vendor_staging('linkedin_ads', 'creative_history', [
    'id', 'campaign_id', 'type', 'last_modified_at:timestamp', 'click_uri', 'text_ad_landing_page',
    'spotlight_landing_page',
], {
    'creative_id': vendor_text('id'),
    'campaign_id': vendor_text('campaign_id'),
    'creative_type': vendor_text('type'),
    'utm_source': linkedin_creative_utm('utm_source'),
    'utm_medium': linkedin_creative_utm('utm_medium'),
    'utm_campaign': linkedin_creative_utm('utm_campaign'),
}, key=['creative_id'], version_by='last_modified_at') }}
