-- HubSpot contact_property_history: one row per change of a contact property (name, value) at changed_at.
-- Optional.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{{ vendor_record_staging('hubspot', 'contact_property_history', [
    'contact_id', 'name', 'value', 'timestamp:timestamp>changed_at',
]) }}
