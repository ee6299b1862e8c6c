-- Google Ads ad_history: the latest version of each ad (keyed by ad group and ad id, as Google keys them; by
-- updated_at): its name, type and the utm parameters of its final URL.
{{ config(enabled=vendor_adapter_enabled('google_ads')) }}
{{ vendor_staging('google_ads', 'ad_history', [
    'ad_group_id', 'id', 'updated_at:timestamp', 'name', 'type', 'final_urls',
], {
    'ad_group_id': vendor_text('ad_group_id'),
    'ad_id': vendor_text('id'),
    'ad_name': vendor_text('name'),
    'ad_type': vendor_text('type'),
    'utm_source': url_parameter('final_urls', 'utm_source'),
    'utm_medium': url_parameter('final_urls', 'utm_medium'),
    'utm_campaign': url_parameter('final_urls', 'utm_campaign'),
}, key=['ad_group_id', 'ad_id'], version_by='updated_at') }}
