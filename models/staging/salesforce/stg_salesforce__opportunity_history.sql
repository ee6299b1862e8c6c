-- Salesforce OpportunityHistory: one row per change of an opportunity's stage, amount or close date.
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{{ vendor_record_staging('salesforce', 'opportunity_history', [
    'id', 'opportunity_id', 'stage_name', 'probability:double', 'created_date:timestamp', 'is_deleted:boolean',
    '_fivetran_deleted:boolean',
]) }}
