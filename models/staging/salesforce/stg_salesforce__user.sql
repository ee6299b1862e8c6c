-- Salesforce User: the reps, their manager (ManagerId) and role (UserRoleId).
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{{ vendor_record_staging('salesforce', 'user', [
    'id', 'name', 'first_name', 'last_name', 'title', 'is_active:boolean', 'manager_id', 'user_role_id',
    'created_date:timestamp', 'last_modified_date:timestamp', 'is_deleted:boolean', '_fivetran_deleted:boolean',
    '_fivetran_active:boolean',
]) }}
