-- Salesforce Opportunity in the loader's history mode (source salesforce_history): every version of every
-- opportunity (_fivetran_start), with that version's owner, stage and IsWon / IsClosed; all versions are kept
-- (they are the stage history of var salesforce_stage_history: history_mode).
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{{ vendor_record_staging('salesforce_history', 'opportunity', [
    'id', '_fivetran_start:timestamp', 'is_deleted:boolean', 'owner_id', 'stage_name', 'probability:double',
    'is_won:boolean', 'is_closed:boolean',
]) }}
