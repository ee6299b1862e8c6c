-- HubSpot team: id and name, with _fivetran_deleted.
{{ config(enabled=vendor_adapter_enabled('hubspot')) }}
{{ vendor_record_staging('hubspot', 'team', ['id', 'name', '_fivetran_deleted:boolean']) }}
