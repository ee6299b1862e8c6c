-- HubSpot contact_merge_audit: one row per merge of a contact (vid_to_merge) into another (canonical_vid), at
-- merged_at. Optional.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{{ vendor_record_staging('hubspot', 'contact_merge_audit', [
    'canonical_vid', 'vid_to_merge', 'timestamp:timestamp>merged_at',
]) }}
