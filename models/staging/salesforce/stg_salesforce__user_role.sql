-- Salesforce UserRole: the role hierarchy (ParentRoleId) and each role's forecast manager (ForecastUserId).
{{ config(enabled=vendor_adapter_enabled('salesforce')) }}
{{ vendor_record_staging('salesforce', 'user_role', [
    'id', 'name', 'parent_role_id', 'forecast_user_id', 'is_deleted:boolean', '_fivetran_deleted:boolean',
    '_fivetran_active:boolean',
]) }}
