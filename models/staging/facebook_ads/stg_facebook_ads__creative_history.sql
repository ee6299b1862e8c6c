-- Meta creative_history: the latest version of each creative (by _fivetran_synced): its object_type, child
-- attachments (a carousel's cards) and utm tags (facebook_creative_utm: url_tags, else the link URLs).
{{ config(enabled=vendor_adapter_enabled('facebook_ads')) }}
{{ vendor_staging('facebook_ads', 'creative_history', [
    'id', '_fivetran_synced:timestamp', 'object_type', 'object_story_link_data_child_attachments', 'url_tags',
    'object_story_link_data_link', 'page_link', 'template_page_link',
], {
    'creative_id': vendor_text('id'),
    'object_type': vendor_text('object_type'),
    'child_attachments': vendor_text('object_story_link_data_child_attachments'),
    'utm_source': facebook_creative_utm('utm_source'),
    'utm_medium': facebook_creative_utm('utm_medium'),
    'utm_campaign': facebook_creative_utm('utm_campaign'),
}, key=['creative_id'], version_by='_fivetran_synced') }}
