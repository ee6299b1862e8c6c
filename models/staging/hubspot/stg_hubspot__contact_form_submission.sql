-- HubSpot contact_form_submission: one row per form submission of a contact (page, form title) at submitted_at.
-- Optional.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{{ vendor_record_staging('hubspot', 'contact_form_submission', [
    'contact_id', 'conversion_id', 'timestamp:timestamp>submitted_at', 'page_url', 'title',
]) }}
