-- HubSpot team: id and name, with _fivetran_deleted.
{{ vendor_record_staging('hubspot', 'team', ['id', 'name', '_fivetran_deleted:boolean']) }}
