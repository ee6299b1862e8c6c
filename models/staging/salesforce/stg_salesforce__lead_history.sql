-- Salesforce LeadHistory (field history tracking on Lead): one row per tracked field change; the mapping reads
-- the Status changes. Optional (no table: no rows).
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{{ vendor_record_staging('salesforce', 'lead_history', [
    'id', 'lead_id', 'field', 'new_value', 'created_date:timestamp', 'is_deleted:boolean', '_fivetran_deleted:boolean',
]) }}
