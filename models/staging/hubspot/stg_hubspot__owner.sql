-- HubSpot owner: the users who own deals (name, email, created and updated, is_active), with _fivetran_deleted.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{{ vendor_record_staging('hubspot', 'owner', [
    'owner_id', 'first_name', 'last_name', 'email', 'created_at:timestamp', 'updated_at:timestamp',
    'is_active:boolean', '_fivetran_deleted:boolean',
]) }}
