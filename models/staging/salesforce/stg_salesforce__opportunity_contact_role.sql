-- Salesforce OpportunityContactRole: the contacts of an opportunity (IsPrimary). Optional.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{{ vendor_record_staging('salesforce', 'opportunity_contact_role', [
    'id', 'opportunity_id', 'contact_id', 'is_primary:boolean', 'is_deleted:boolean', '_fivetran_deleted:boolean',
]) }}
